"""Public JSON API for the chat widget (and the evaluation): conversations and messages."""

from assistant.api.routes import blueprint

__all__ = ["blueprint"]
