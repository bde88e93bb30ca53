"""The weekly manager digest: which accounts need attention and why, delivered once per person and ISO week.

content (what one recipient sees for one week) · signals + ranking (what counts as an exception) ·
narrative (the optional LLM summary) · subscriptions, claims, delivery, scheduler (who gets it, when, once) ·
blocks (Slack rendering). Modules import lazily: the CLI's `digest subscriptions` never loads Chroma.
"""
