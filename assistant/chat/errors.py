"""The one error the chat core raises: a refused request, with its HTTP status and code."""


class ConversationError(Exception):
    """A request the store refuses, with the HTTP status and a machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        """Remember status, code and message."""
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
