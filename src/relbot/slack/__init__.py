"""The Slack surface: parse a Slack request, call one core function, render Block Kit, deliver privately.

Nothing in the core imports this package; everything here reaches the core through ``Services``.
"""
