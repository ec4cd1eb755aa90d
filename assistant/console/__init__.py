"""Staff console: login, queue of waiting chats, transcript, take over, reply, hand back, close."""

from assistant.console.views import blueprint, login_manager

__all__ = ["blueprint", "login_manager"]
