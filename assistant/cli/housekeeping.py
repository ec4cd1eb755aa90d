"""``flask conversations ...`` and ``flask mail ...``: idle chats and stale waits, the outbox.

The mailer (``flask mail send --every 60``) is the only process that connects to SMTP: web
requests only store mail in the outbox. Closer and mailer run each round under their job's
lock, so of several hosts one does it (``assistant/job_lock.py``): the mailer sends an
e-mail, then marks it sent, and no other sender reads the outbox meanwhile.
"""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from assistant.chat import conversations as store
from assistant.chat import handoffs
from assistant.cli.loops import EVERY, repeat
from assistant.mail import outbox


@click.group(cls=AppGroup)
def conversations() -> None:
    """Conversation housekeeping."""


@conversations.command("close-inactive")
@click.option("--minutes", type=click.IntRange(min=1), envvar="INACTIVITY_MINUTES",
              default=30, show_default=True, help="idle time before a chat is closed")
@click.option("--handoff-minutes", type=click.IntRange(min=1), envvar="HANDOFF_EXPIRY_MINUTES",
              default=120, show_default=True,
              help="wait for staff before the chat goes back to the bot")
@EVERY
def close_inactive(minutes: int, handoff_minutes: int, every: int) -> None:
    """Expire stale waits for staff, close idle chats (satisfaction question once)."""
    def step() -> None:
        expired = handoffs.expire_stale(dt.timedelta(minutes=handoff_minutes))
        if expired or not every:
            click.echo(f"expired {expired} wait(s) for staff")
        closed = store.close_inactive(dt.timedelta(minutes=minutes))
        if closed or not every:
            click.echo(f"closed {closed} inactive conversation(s)")
    repeat(every, step, lock="conversations-close-inactive")


@click.group(cls=AppGroup)
def mail() -> None:
    """The outbox of e-mails (offline questions and their answers)."""


@mail.command("send")
@EVERY
def send(every: int) -> None:
    """Send queued e-mail over SMTP_URL; what fails stays queued for the next round."""
    def step() -> None:
        sent, waiting = outbox.send_queued()
        if sent or waiting or not every:
            click.echo(f"sent {sent} e-mail(s), {waiting} still queued")
    repeat(every, step, lock="mail-send")
