"""Meeting awareness: users' ICS calendars, the client meetings in them, the brief pushed before each one and
the recap after it. The core here never imports the Slack layer; it is handed a ``pusher.Messenger`` to post with
(slack/meeting_messenger.py)."""
