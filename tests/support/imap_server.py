"""A real Dovecot IMAP server for the tests, run from the machine's ``/usr/sbin/dovecot`` in a temporary folder.

Everything lives under that folder: its own ``dovecot.conf`` (started with ``-c``, so ``/etc/dovecot`` is never
read), ``base_dir``, ``state_dir``, the log, a passwd-file with one user, and the user's Maildir. It listens on
127.0.0.1 only, on two free ports: plain IMAP (which also offers STARTTLS) and implicit-TLS IMAP, both with a
self-signed certificate for 127.0.0.1 made by ``openssl`` (which the dovecot-core package depends on).

Dovecot's master must start as root to change to its service users, or else run wholly as one user ("rootless").
As root the login and internal services run as the package's ``dovenull``/``dovecot`` users and the mail as
``nobody`` (Dovecot refuses mail access as uid 0); as anyone else everything runs as that user.

Without the binary the tests that need it are skipped, unless ``RELBOT_REQUIRE_DOVECOT=1`` (CI sets it: there a
missing server is a failure, not a skip).

    server = DovecotServer().start()
    server.deliver(raw_bytes, folder="INBOX")
    ... ImapConfig(host="127.0.0.1", port=server.port, security="none", username=server.user, ...) ...
    server.stop()
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from imapclient import IMAPClient

from tests.support.chroma_server import free_port

DOVECOT = Path("/usr/sbin/dovecot")
DH_PARAMS = Path("/usr/share/dovecot/dh.pem")  # shipped by dovecot-core; without it Dovecot makes none


def dovecot_bin() -> Path | None:
    if DOVECOT.exists():
        return DOVECOT
    found = shutil.which("dovecot")
    return Path(found) if found else None


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class DovecotServer:
    user = "relbot"
    password = "s3cret-imap-pass"

    def __init__(self) -> None:
        binary = dovecot_bin()
        if binary is None:
            raise FileNotFoundError("dovecot not found (apt install dovecot-imapd)")
        self.binary = binary
        self.port = free_port()
        self.tls_port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="relbot-dovecot-"))
        # The login and auth processes run as other users and must reach the sockets and files below.
        os.chmod(self.root, 0o755)
        self.conf = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self.cert = self.root / "cert.pem"
        self.home = self.root / "home" / self.user
        self.process: subprocess.Popen[bytes] | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self, timeout: float = 30) -> DovecotServer:
        try:
            self._make_certificate()
            self._write_users()
            self.conf.write_text(self._config())
            # -F: stay in the foreground, so the process is ours to stop (no daemon left behind a test run).
            self.process = subprocess.Popen([str(self.binary), "-F", "-c", str(self.conf)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self._wait_for(self.port, timeout)
            self._wait_for(self.tls_port, timeout)
        except BaseException:
            self.stop()  # a server that failed to start leaves no process and no folder behind
            raise
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: the master stops its services and exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def _wait_for(self, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"dovecot exited ({self.process.returncode}): {stderr}\n{self.log_text()}")
            if self._greets(port):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"dovecot did not listen on {port} within {timeout}s\n{self.log_text()}")
            time.sleep(0.1)

    def _greets(self, port: int) -> bool:
        """The port answers with an IMAP greeting (through TLS on the implicit-TLS port)."""
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            if port != self.tls_port:
                return raw.recv(64).startswith(b"* OK")
            with self.tls_context().wrap_socket(raw, server_hostname="127.0.0.1") as sock:
                return sock.recv(64).startswith(b"* OK")
        return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    # -- setup ---------------------------------------------------------------------------------
    def _make_certificate(self) -> None:
        key = self.root / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
             str(self.cert), "-days", "2", "-subj", "/CN=relbot-test-imap",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True, timeout=60)
        os.chmod(key, 0o600)  # Dovecot reads it as root (the master) before dropping privileges

    def _mail_ids(self) -> tuple[int, int]:
        if os.geteuid() != 0:
            return os.getuid(), os.getgid()
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid

    def _write_users(self) -> None:
        uid, gid = self._mail_ids()
        self.home.mkdir(parents=True)
        if os.geteuid() == 0:
            for path in (self.home.parent, self.home):
                os.chown(path, uid, gid)
        users = self.root / "users"
        # passwd-file: user:password:uid:gid:gecos:home (a test password, so {PLAIN} is fine)
        users.write_text(f"{self.user}:{{PLAIN}}{self.password}:{uid}:{gid}::{self.home}\n")
        os.chmod(users, 0o644)

    def _service_users(self) -> str:
        """The services' users: the package's own when root, else whoever runs the tests (and their group, which
        some sockets are given to)."""
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.getuid()).pw_name
            return (f"default_internal_user = {me}\ndefault_login_user = {me}\n"
                    f"default_internal_group = {grp.getgrgid(os.getgid()).gr_name}\n")
        internal = "dovecot" if _user_exists("dovecot") else "nobody"
        login = "dovenull" if _user_exists("dovenull") else "nobody"
        return f"default_internal_user = {internal}\ndefault_login_user = {login}\n"

    def _config(self) -> str:
        dh = f"ssl_dh = <{DH_PARAMS}\n" if DH_PARAMS.exists() else ""
        return f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
instance_name = relbot-test-{self.port}
log_path = {self.log}
{self._service_users()}first_valid_uid = 1
first_valid_gid = 1
# The connector's "none" security logs in over plain text on 127.0.0.1; allow it for the tests.
disable_plaintext_auth = no
# The wrong-password test must not slow every later login: no failure delay, and (below) no per-IP penalty.
auth_failure_delay = 0
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.root}/key.pem
{dh}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.root}/users
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # auth gives up on the penalty (the growing wait after failed logins from an IP) when it cannot connect here.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    # -- mail ----------------------------------------------------------------------------------
    def client(self) -> IMAPClient:
        """A logged-in plain-text client as the test user (for delivering and inspecting mail)."""
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, *, folder: str = "INBOX", when: dt.datetime | None = None) -> int:
        """APPEND a message as the user; answers its UID."""
        with self.client() as client:
            response = client.append(folder, raw, msg_time=when)
        # "[APPENDUID <uidvalidity> <uid>] Append completed." (UIDPLUS, which Dovecot has)
        return int(response.split(b"]")[0].split()[-1])

    def create_folder(self, folder: str) -> None:
        with self.client() as client:
            client.create_folder(folder)

    def delete_folder(self, folder: str) -> None:
        with self.client() as client:
            client.delete_folder(folder)

    def clear_folder(self, folder: str) -> None:
        """Expunge every message in a folder (INBOX cannot be deleted)."""
        with self.client() as client:
            client.select_folder(folder)
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[Any, ...]]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return {uid: tuple(f) for uid, f in client.get_flags(client.search("ALL")).items()}

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self.client() as client:
            return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))
