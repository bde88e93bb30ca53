"""Salesforce Tasks and Events of the registry's accounts, as ``Change``s (REST API through simple-salesforce).

Which Salesforce Accounts: the ids the registry maps, plus Accounts whose Website is at a registry domain. Their
activity is read by ``SystemModstamp`` through queryAll, so a deletion (``IsDeleted``) arrives in the same pass
as an edit, and so do archived activities (older than a year, which plain query hides). Records emptied from
the Recycle Bin no longer show in queryAll; the Get Deleted resource lists them for the last 15 days.

Cursor (JSON)::

    {"Task":  {"since": "2026-11-30T10:00:00.000+0000", "seen": {"00T…": "<fingerprint>"},
               "deleted_through": "2026-11-30T10:00:00.000+0000"},
     "Event": {…},
     "accounts": ["001…"],                # 15-character ids whose history is synced
     "backfill": {"accounts": ["001…"], "Task": {"since", "seen"}, "Event": {…}}}   # only while one runs

``since`` is the newest ``SystemModstamp`` read and ``seen`` the rows read at exactly that instant (Salesforce
stamps to the second, so many rows share one): the next query asks ``>= since`` and skips those rows unless
their content changed (an edit inside the same second keeps the stamp).

A sync runs, each part a page per answer of up to 2,000 rows: Get Deleted since ``deleted_through``; the
Accounts already synced from ``since``; then a backfill, without the time filter, of Accounts not in
``accounts`` (all of them on a first sync; later, one the registry has mapped since), so mapping an Account
late still brings its history. Each page carries the whole cursor after it: resuming from any page loses
nothing.
"""

from relbot.sources.salesforce.connector import SalesforceConnector

__all__ = ["SalesforceConnector"]
