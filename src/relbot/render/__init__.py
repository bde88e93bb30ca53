"""Renderings of drafts and the digest for the terminal (the Slack renderings live in relbot.slack: blocks,
digest_blocks, meeting_blocks)."""
