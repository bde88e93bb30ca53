"""Renderings of drafts for the terminal (Slack renderings live in relbot.slack.blocks)."""
