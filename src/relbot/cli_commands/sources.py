"""`relbot sources add hubspot|salesforce|imap … | list | sync [NAME] | unfiled NAME | remove NAME`: the CRMs and
mailboxes relbot reads on its own, incrementally, from any number of hosts."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from relbot.cli_support import print_json, services

_OBJECTS = ("notes", "emails", "calls", "meetings", "tasks")


def register(sub: Any) -> None:
    p = sub.add_parser("sources", help="live sources (HubSpot, Salesforce, an IMAP mailbox): add, list, sync")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="connect a CRM or a mailbox (its secret stays in the environment or a file)")
    kinds = add.add_subparsers(dest="type", metavar="TYPE", required=True)
    _hubspot(kinds.add_parser("hubspot", help="HubSpot, with a private app's access token"))
    _salesforce(kinds.add_parser("salesforce", help="Salesforce, with an OAuth access token for the instance"))
    _imap(kinds.add_parser("imap", help="an IMAP mailbox people copy or file client mail to"))
    ls = actions.add_parser("list", help="every source: last sync, records, unfiled, errors")
    ls.add_argument("--json", action="store_true", help="print only JSON")
    ls.set_defaults(handler=_list)
    s = actions.add_parser("sync", help="sync the due sources (or NAME, due or not); safe from cron on several hosts")
    s.add_argument("name", nargs="?", metavar="NAME")
    s.add_argument("--full", action="store_true", help="read from the start (after mapping accounts: files what "
                                                       "was unfiled; nothing already stored duplicates)")
    s.add_argument("--json", action="store_true", help="print only JSON")
    s.set_defaults(handler=_sync)
    u = actions.add_parser("unfiled", help="what a source could not file to any account, and why")
    u.add_argument("name", metavar="NAME")
    u.add_argument("--json", action="store_true", help="print only JSON")
    u.set_defaults(handler=_unfiled)
    rm = actions.add_parser("remove", help="stop syncing a source (its records stay unless --purge)")
    rm.add_argument("name", metavar="NAME")
    rm.add_argument("--purge", action="store_true", help="also delete the records only this source brought in")
    rm.set_defaults(handler=_remove)


def _secret_args(p: argparse.ArgumentParser, what: str) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument(f"--{what}-env", metavar="VAR", help=f"the environment variable holding the {what}")
    where.add_argument(f"--{what}-file", type=Path, metavar="PATH", help=f"a file holding the {what}")


def _hubspot(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", default="hubspot", help="what to call this source (default: hubspot)")
    _secret_args(p, "token")
    p.add_argument("--base-url", default="https://api.hubapi.com", metavar="URL")
    p.add_argument("--objects", default=",".join(_OBJECTS), metavar="LIST",
                   help=f"engagement types to read, comma-separated (default: {','.join(_OBJECTS)})")
    p.set_defaults(handler=_add)


def _salesforce(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", default="salesforce", help="what to call this source (default: salesforce)")
    p.add_argument("--instance-url", required=True, metavar="URL", help="e.g. https://yourorg.my.salesforce.com")
    _secret_args(p, "token")
    p.add_argument("--api-version", default="62.0", metavar="N.N")
    p.add_argument("--ca-bundle", type=Path, metavar="PATH", help="a private CA for the instance's certificate")
    p.set_defaults(handler=_add)


def _imap(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", default="mailbox", help="what to call this source (default: mailbox)")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, help="default 993 (ssl), 143 (starttls, none)")
    p.add_argument("--security", choices=["ssl", "starttls", "none"], default="ssl")
    p.add_argument("--username", required=True)
    _secret_args(p, "password")
    p.add_argument("--folder", action="append", dest="folders", metavar="FOLDER",
                   help="a folder to read (repeatable; default INBOX)")
    p.add_argument("--ca-bundle", type=Path, metavar="PATH", help="a private CA for the server's certificate")
    p.set_defaults(handler=_add)


def _secret_ref(args: argparse.Namespace, what: str) -> dict[str, object]:
    env, file = getattr(args, f"{what}_env"), getattr(args, f"{what}_file")
    return {"env": env} if env else {"file": str(file)}


def _config(args: argparse.Namespace) -> dict[str, object]:
    if args.type == "hubspot":
        objects = [o.strip() for o in args.objects.split(",") if o.strip()]
        return {"type": "hubspot", "token": _secret_ref(args, "token"), "base_url": args.base_url,
                "objects": objects}
    if args.type == "salesforce":
        raw: dict[str, object] = {"type": "salesforce", "instance_url": args.instance_url,
                                  "token": _secret_ref(args, "token"), "api_version": args.api_version}
        if args.ca_bundle:
            raw["ca_bundle"] = str(args.ca_bundle)
        return raw
    raw = {"type": "imap", "host": args.host, "security": args.security, "username": args.username,
           "password": _secret_ref(args, "password"), "folders": args.folders or ["INBOX"],
           "port": args.port or (993 if args.security == "ssl" else 143)}
    if args.ca_bundle:
        raw["ca_bundle"] = str(args.ca_bundle)
    return raw


def _add(args: argparse.Namespace) -> int:
    from relbot.config import read_secret
    from relbot.errors import ConfigError
    from relbot.sources import registry
    from relbot.sources.connectors import secret_of

    config = registry.build_config(_config(args))
    registry.add_source(services().state.db, name=registry.check_name(args.name), config=config, added_by="cli",
                        now=dt.datetime.now(dt.UTC))
    ref = secret_of(config)
    print(f"Added {config.type.value} source '{args.name}' (secret: {ref.describe()}). "
          f"`relbot sources sync {args.name}` reads it now; the scheduler every few minutes.")
    try:
        read_secret(env=ref.env, file=ref.file)
    except ConfigError as exc:  # this shell may not be where it syncs: say so, don't refuse
        print(f"Note: {exc}.", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from relbot.sources.registry import statuses

    found = statuses(services().state.db)
    if args.json:
        print_json([s.to_json() for s in found])
        return 0
    if not found:
        print("No sources. `relbot sources add hubspot --token-env HUBSPOT_TOKEN` (or salesforce, imap) adds one.")
    for s in found:
        if s.failures:
            error = (s.error or "").rstrip(".")
            state = f"failing ({s.failures} in a row: {error}); next try {s.next_sync_at:%Y-%m-%d %H:%M} UTC"
        else:
            last = f"{s.ok_at:%Y-%m-%d %H:%M} UTC" if s.ok_at else "not yet"
            state = f"ok, last synced {last}"
        print(f"{s.name:16} {s.type:10} {s.target}  {s.objects} stored, {s.unfiled} unfiled  {state}"
              + ("  (syncing now)" if s.syncing else ""))
    return 0


def _sync(args: argparse.Namespace) -> int:
    from relbot.sources.run import sync_deps
    from relbot.sources.sync import sync_due

    outcomes = sync_due(sync_deps(services()), names=[args.name] if args.name else None, full=args.full)
    if args.json:
        print_json([o.to_json() for o in outcomes])
    else:
        if not outcomes:
            print("No source is due (`relbot sources sync NAME` syncs one now).")
        for o in outcomes:
            r = o.report
            if o.result == "ok":
                print(f"{o.name}: {r.objects} objects in {o.pages} pages — {r.new} new, {r.updated} updated, "
                      f"{r.removed} removed, {r.unchanged} unchanged, {r.unfiled} unfiled "
                      f"({r.records_added} records added, {r.records_deleted} deleted)")
            elif o.result == "busy":
                print(f"{o.name}: another process is syncing it now; nothing done here.")
            elif o.result == "lost":
                print(f"{o.name}: stopped after {o.pages} pages (another process took over); it continues there.")
            else:
                when = f" Next try {o.next_sync_at:%Y-%m-%d %H:%M} UTC." if o.next_sync_at else ""
                print(f"{o.name}: failed: {(o.error or '').rstrip('.')}.{when}", file=sys.stderr)
    return 1 if any(o.result in ("failed", "unknown") for o in outcomes) else 0


def _unfiled(args: argparse.Namespace) -> int:
    from relbot.sources.registry import unfiled

    rows = unfiled(services().state.db, args.name)
    if args.json:
        print_json([{"key": k, "summary": s, "seen_at": t} for k, s, t in rows])
        return 0
    if not rows:
        from relbot.store import sources

        row = sources.get(services().state.db, args.name)
        synced = row is not None and row.ok_at is not None
        print(f"Everything '{args.name}' read was filed to an account." if synced else
              f"'{args.name}' has not synced yet (`relbot sources list` says why), so nothing is unfiled.")
    for key, summary, _seen in rows:
        print(f"{key:28} {summary}")
    if rows:
        print("Map the companies or domains (`relbot accounts add NAME --hubspot-company ID | --salesforce-account "
              f"ID | --domains D`), then `relbot sources sync {args.name} --full`.", file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from relbot.sources.registry import remove_source

    svc = services()
    purge = svc.store.delete_records if args.purge else None
    only_here = remove_source(svc.state.db, args.name, delete_records=purge)
    kept = "deleted" if args.purge else "kept (use --purge to delete them)"
    print(f"Removed source '{args.name}'; the {only_here} record(s) only it brought in were {kept}.")
    return 0
