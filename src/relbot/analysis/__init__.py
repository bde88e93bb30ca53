"""Pure analysis over one account's records: commitments, concerns, contacts, health, changes, checklist.

Nothing here talks to Slack, an LLM or the stores: every function takes records (plus the account,
an as-of date and playbook data) and returns plain models, so drafts and digests can share it.
"""
