"""The Slack surface: parse a Slack request, call one core function, render Block Kit, deliver privately.

The one Slack layer: every Slack limit (limits.py), block helper (blocks.py), access rule (access.py) and
posting path (delivery.py for replies, direct_messages.py for the ledgered DMs) lives here. Nothing in the core
imports this package, nor Slack's SDK (tests/core/test_slack_layer.py); everything here reaches the core through
``Services``, and the core's deliveries post through the messengers this package hands them
(digest_messenger.py, meeting_messenger.py).
"""
