"""Signals of the chat core: side effects of a state change subscribe here, nobody is called.

The chat core sends; parts that react subscribe in their own module (the app factory imports
them), so the arrows run from them to the core and never back:

- ``handoff_requested`` (sender: the conversation): a chat starts a new wait for staff, before
  the caller commits. ``assistant.chat.assignment`` gives it to the least busy staff member
  online (with ``AUTO_ASSIGN``).
- ``messages_written`` (sender: the conversation; ``messages``: committed messages of it):
  messages written outside a request of the user (staff replies and notices, the
  satisfaction question of a staff or idle close). ``assistant.channels`` delivers them on
  the user's channel (LINE push, e-mail to the user of an offline question); the web widget
  reads its event stream.
"""

from blinker import Namespace

signals = Namespace()
handoff_requested = signals.signal("handoff-requested")
messages_written = signals.signal("messages-written")
