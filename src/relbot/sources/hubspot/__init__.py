"""HubSpot engagements (notes, emails, calls, meetings, tasks) as ``Change``s, through the official client.

Each sync asks the CRM search API, per engagement type, for what was modified since the cursor, oldest first,
and files every engagement by the companies it is associated with. The cursor (JSON) is::

    {"version": 1,
     "types": {"notes": {"since": 1764590000000, "seen": ["1201"]}, ...},  # resume point per type
     "companies": ["101", "202"],      # mapped companies whose whole history is in (or on its way)
     "backfill": {"company": "303", "types": {"notes": {"since": 0, "seen": []}}},  # one under way, if any
     "archived": {"notes": {"after": "1500", "started": 1764590000000, "through": 1764500000000}}}

``since`` is the newest ``hs_lastmodifieddate`` (epoch ms) stored so far and ``seen`` the ids stored at exactly
that millisecond: the next search asks for ``GTE since`` and skips those, so nothing at the boundary is lost
or repeated. Searches resume from ``since`` after every page (keyset paging) rather than stepping ``after``
offsets: an engagement edited mid-sync moves to the end of the ordering, and with offsets the one behind it
would slide back into a page already read and be skipped for good. That also keeps every query far from the
search API's 10,000-result window; ``after`` is only used to step through one millisecond holding more than a
page of engagements (bulk imports).

Filing asks the directory about every associated company (by id, then by its domain): exactly one account
files the engagement, none or several leave it unfiled with a bodiless summary. A company mapped after the
first sync has its whole history searched once (``associations.company EQ id``), so mapping it later is not
silently a no-op. Search never returns archived objects, so each sync also walks a few pages of each type's
recycle bin and reports what landed there since the previous walk as removals; an engagement edited down to
no text at all is reported as a removal too (nothing of it is left to store).
"""

from relbot.sources.hubspot.connector import HubSpotConnector

__all__ = ["HubSpotConnector"]
