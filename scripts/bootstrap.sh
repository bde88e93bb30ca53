#!/usr/bin/env bash
# Create .venv and install relbot with everything it needs, offline-capable afterwards.
# Idempotent: skips the install when pyproject.toml has not changed since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${RELBOT_VENV:-.venv}
TORCH_VERSION=2.13.0

# The PostgreSQL server the state-database tests start (tests/support/postgres.py); relbot itself only needs
# a server when RELBOT_DATABASE_URL names one. Installed from Debian's packages when missing and root.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
  else
    echo "bootstrap: PostgreSQL binaries not found; the PostgreSQL tests will be skipped (apt install postgresql)" >&2
  fi
fi

# Dovecot: the real IMAP server the mailbox-source tests start (tests/support/imap_server.py).
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q dovecot-imapd >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dovecot-imapd >/dev/null; }
  else
    echo "bootstrap: dovecot not found; the IMAP source tests will be skipped (apt install dovecot-imapd)" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.relbot-install-$(sha256sum pyproject.toml | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# torch is only used once, to export the bundled MiniLM weights to ONNX. Pin it so pip takes the CPU
# build; elsewhere set TORCH_INDEX_URL to the PyTorch CPU wheel index to avoid the multi-GB CUDA build.
if [ -n "${TORCH_INDEX_URL:-}" ]; then
  "$VENV/bin/python" -m pip install --quiet "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX_URL"
else
  "$VENV/bin/python" -m pip install --quiet "torch==$TORCH_VERSION"
fi
"$VENV/bin/python" -m pip install --quiet -e ".[export,eval,dev]"
rm -f "$VENV"/.relbot-install-*
touch "$stamp"
