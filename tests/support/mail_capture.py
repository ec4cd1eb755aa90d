"""A local SMTP server (aiosmtpd) that keeps every e-mail it receives (tests only)."""

import email
import email.policy
import time
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from scripts.servers import free_port


class MailCapture:
    """The aiosmtpd handler: parsed messages in arrival order."""

    def __init__(self):
        self.messages = []
        self.url = ""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address):
        """Messages addressed to ``address``."""
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count, timeout=10.0):
        """The messages once at least ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@contextmanager
def smtp_capture(**options):
    """An SMTP server on a free loopback port; yields its MailCapture (``.url`` for SMTP_URL).

    ``options`` go to aiosmtpd's server (``tls_context=`` offers STARTTLS).
    """
    capture = MailCapture()
    port = free_port()
    controller = Controller(capture, hostname="127.0.0.1", port=port, **options)
    controller.start()
    capture.url = f"smtp://127.0.0.1:{port}"
    try:
        yield capture
    finally:
        controller.stop()
