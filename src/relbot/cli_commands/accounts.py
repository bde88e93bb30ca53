"""`relbot accounts list|show|add|link`: the account registry."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from relbot.cli_support import domain_list, print_json, services
from relbot.errors import ConfigError
from relbot.models import Account, RelationshipType, Stage, Tier
from relbot.services import Services


def register(sub: Any) -> None:
    p = sub.add_parser("accounts", help="the account registry")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ls = actions.add_parser("list", help="all accounts")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)
    show = actions.add_parser("show", help="one account")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    add = actions.add_parser("add", help="create or update an account")
    add.add_argument("name")
    add.add_argument("--tier", choices=[t.value for t in Tier])
    add.add_argument("--stage", choices=[s.value for s in Stage])
    add.add_argument("--type", dest="relationship_type", choices=[r.value for r in RelationshipType])
    add.add_argument("--client-contact")
    add.add_argument("--account-manager")
    add.add_argument("--alias", action="append", dest="aliases")
    add.add_argument("--domains", type=domain_list, metavar="D1,D2",
                     help="the client's e-mail domains, comma-separated (people at them are the client's side)")
    add.add_argument("--team", help="comma-separated Slack user ids allowed to see this account")
    add.add_argument("--hubspot-company", action="append", dest="hubspot_companies", type=_hubspot_id,
                     metavar="ID", help="a HubSpot company id whose activity is this account's (repeatable)")
    add.add_argument("--salesforce-account", action="append", dest="salesforce_accounts", type=_salesforce_id,
                     metavar="ID", help="a Salesforce Account id (001…) whose tasks and events are this "
                                        "account's (repeatable)")
    add.add_argument("--forget-crm-id", action="append", dest="forget_crm_ids", metavar="ID",
                     help="stop filing this HubSpot company's or Salesforce Account's activity here")
    add.set_defaults(handler=_add)
    link = actions.add_parser("link", help="link a Slack channel to an account")
    link.add_argument("name")
    link.add_argument("channel", help="Slack channel id, e.g. C0123456")
    link.add_argument("--backfill", action="store_true",
                      help="also import the channel's last RELBOT_BACKFILL_DAYS days (needs SLACK_BOT_TOKEN; "
                           "resumes an interrupted import)")
    link.set_defaults(handler=_link)


def _list(args: argparse.Namespace) -> int:
    accounts = services().state.list_accounts()
    if args.json:
        print_json([a.model_dump(mode="json") for a in accounts])
        return 0
    if not accounts:
        print("No accounts yet. `relbot demo` builds a demo workspace; `relbot ingest` adds your own.")
    for a in accounts:
        kind = a.relationship_type.value
        print(f"{a.name:28} {a.tier.value:9} {a.stage.value:12} {kind:9} AM: {a.account_manager or '-'}")
    return 0


def _show(args: argparse.Namespace) -> int:
    svc = services()
    account = svc.state.resolve_account(args.name)
    data = account.model_dump(mode="json")
    data["linked_channels"] = sorted(set(account.channels) | set(svc.state.channels_for_account(account.name)))
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key:18} {value}")
    return 0


def _add(args: argparse.Namespace) -> int:
    svc = services()
    existing = svc.state.find_account(args.name)
    base = existing.model_dump() if existing else {"name": args.name.strip()}
    updates = {
        "tier": args.tier, "stage": args.stage, "relationship_type": args.relationship_type,
        "client_contact": args.client_contact, "account_manager": args.account_manager,
        "aliases": args.aliases, "domains": args.domains,
        "team": [u.strip() for u in args.team.split(",") if u.strip()] if args.team else None,
        "hubspot_companies": _merged(existing.hubspot_companies if existing else [], args.hubspot_companies),
        "salesforce_accounts": _merged(existing.salesforce_accounts if existing else [], args.salesforce_accounts),
    }
    base.update({k: v for k, v in updates.items() if v is not None})
    forget = set(args.forget_crm_ids or ())
    base["hubspot_companies"] = [i for i in base.get("hubspot_companies", []) if i not in forget]
    base["salesforce_accounts"] = [i for i in base.get("salesforce_accounts", []) if i not in forget]
    account = Account.model_validate(base)
    _check_unique_crm_ids(svc, account)
    svc.state.upsert_account(account)
    print(f"{'Updated' if existing else 'Created'} account {account.name}.")
    return 0


def _hubspot_id(value: str) -> str:
    if not re.fullmatch(r"\d{1,20}", value.strip()):
        raise argparse.ArgumentTypeError(f"'{value}' is not a HubSpot company id (digits, as in the company's URL)")
    return value.strip()


def _salesforce_id(value: str) -> str:
    if not re.fullmatch(r"001[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?", value.strip()):
        raise argparse.ArgumentTypeError(f"'{value}' is not a Salesforce Account id (15 or 18 characters, "
                                         "starting 001)")
    return value.strip()


def _merged(current: list[str], added: list[str] | None) -> list[str] | None:
    return list(dict.fromkeys([*current, *added])) if added else None


def _check_unique_crm_ids(svc: Services, account: Account) -> None:
    """One CRM company is one client: filing its activity to two accounts would be a guess."""
    for other in svc.state.list_accounts():
        if other.name.casefold() == account.name.casefold():
            continue
        shared = set(other.hubspot_companies) & set(account.hubspot_companies)
        shared |= {i[:15] for i in other.salesforce_accounts} & {i[:15] for i in account.salesforce_accounts}
        if shared:
            raise ConfigError(f"{', '.join(sorted(shared))} already belongs to {other.name}; one CRM record maps "
                              f"to one account (first `relbot accounts add '{other.name}' --forget-crm-id ID`).")


def _link(args: argparse.Namespace) -> int:
    svc = services()
    account = svc.state.resolve_account(args.name)
    svc.state.link_channel(account.name, args.channel)
    print(f"Linked channel {args.channel} to {account.name}.")
    return _backfill(svc, account.name, args.channel) if args.backfill else 0


def _backfill(svc: Services, account: str, channel: str) -> int:
    from relbot.slack.backfill import build_backfill
    from relbot.slack.webclient import build_web_client

    if svc.settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set; it is needed to read the channel's history.")
    backfill = build_backfill(svc, build_web_client(svc.settings))
    backfill.start(account, channel)
    done = backfill.run(channel, on_page=lambda p: print(f"  page {p.pages}: {p.saved} message(s) stored",
                                                         file=sys.stderr))
    print(f"Imported {done.saved} message(s) from {channel} into {account}'s history.")
    return 0
