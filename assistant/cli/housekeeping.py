"""``flask conversations ...`` and ``flask mail ...``: closing idle chats, sending the outbox."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from assistant.chat import conversations as store
from assistant.cli.loops import EVERY, repeat
from assistant.mail import outbox


@click.group(cls=AppGroup)
def conversations() -> None:
    """Conversation housekeeping."""


@conversations.command("close-inactive")
@click.option("--minutes", type=click.IntRange(min=1), envvar="INACTIVITY_MINUTES",
              default=30, show_default=True, help="idle time before a chat is closed")
@EVERY
def close_inactive(minutes: int, every: int) -> None:
    """Close idle chats; each user gets the satisfaction question once."""
    def step() -> None:
        closed = store.close_inactive(dt.timedelta(minutes=minutes))
        if closed or not every:
            click.echo(f"closed {closed} inactive conversation(s)")
    repeat(every, step)


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
    repeat(every, step)
