"""The weekly manager digest: which accounts need attention and why, delivered once per person and ISO week.

content (what one recipient sees for one week) · signals + ranking (what counts as an exception) ·
narrative (the optional LLM summary) · subscriptions, delivery, scheduler (who gets it, when, once). The core
returns data (models); the Slack layer renders and posts it (slack/digest_blocks.py, slack/digest_messenger.py,
slack/digest_subscription.py), and this package never imports it. Modules import lazily: the CLI's
`digest subscriptions` never loads Chroma.
"""
