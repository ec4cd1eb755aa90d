"""Command line: console accounts, personal data, conversation housekeeping.

``flask users ...``, ``flask privacy ...``, ``flask conversations ...``, ``flask mail ...``.
"""

import datetime as dt
import json
import time
from typing import Callable

import click
from flask import Flask, current_app
from sqlalchemy import select

from assistant import conversations as store
from assistant import mail as outbox
from assistant import privacy as personal_data
from assistant.extensions import db
from assistant.models import Conversation, Role, User
from assistant.rasa_pool import RasaPool


def register(app: Flask) -> None:
    """Add the ``users`` command group to ``app``'s CLI."""

    @app.cli.group()
    def users() -> None:
        """Console accounts."""

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), default="staff",
                  show_default=True)
    @click.password_option()
    def create(email: str, name: str, role: str, password: str) -> None:
        """Create a console account (the password is asked for, never shown)."""
        email = email.strip().lower()
        if db.session.scalar(select(User).where(User.email == email)) is not None:
            raise click.ClickException(f"{email} already has an account")
        if len(password) < 10:
            raise click.ClickException("use a password of at least 10 characters")
        user = User(email=email, name=name, role=Role(role))
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"created {role} account {email}")

    @app.cli.group()
    def privacy() -> None:
        """Personal data: a conversation's data on request, erasure, retention purge."""

    @privacy.command("export")
    @click.argument("conversation_id")
    def export(conversation_id: str) -> None:
        """Print everything stored about a conversation as JSON."""
        click.echo(json.dumps(personal_data.export(_conversation(conversation_id)),
                              ensure_ascii=False, indent=2))

    @privacy.command("erase")
    @click.argument("conversation_id")
    def erase(conversation_id: str) -> None:
        """Erase a conversation's transcript (here and in Rasa); the rating stays.

        Again on an erased chat: erases Rasa's copy if that is still pending.
        """
        click.echo(json.dumps(personal_data.erase(_conversation(conversation_id), _rasa())))

    @privacy.command("purge")
    @click.option("--days", type=click.IntRange(min=1), envvar="RETENTION_DAYS",
                  default=personal_data.DEFAULT_RETENTION_DAYS, show_default=True,
                  help="erase transcripts of chats closed longer ago than this")
    @click.option("--every", type=click.IntRange(min=0), default=0,
                  help="repeat every N seconds (0: once)")
    def purge(days: int, every: int) -> None:
        """Retention: erase old transcripts, keep the anonymous satisfaction figures.

        Each round also erases Rasa's copy of every erased chat where that is still pending
        (Rasa's store was unreachable at the erasure).
        """
        def step() -> None:
            erased = personal_data.purge(dt.timedelta(days=days), _rasa())
            click.echo(f"erased {erased} transcript(s) of chats closed over {days} days ago")
            done, pending = personal_data.finish_in_rasa(_rasa())
            if done or pending or not every:
                click.echo(f"erased {done} chat(s) in Rasa, {pending} still pending there")
        _repeat(every, step)

    @app.cli.group()
    def conversations() -> None:
        """Conversation housekeeping."""

    @conversations.command("close-inactive")
    @click.option("--minutes", type=click.IntRange(min=1), envvar="INACTIVITY_MINUTES",
                  default=30, show_default=True, help="idle time before a chat is closed")
    @click.option("--every", type=click.IntRange(min=0), default=0,
                  help="repeat every N seconds (0: once)")
    def close_inactive(minutes: int, every: int) -> None:
        """Close idle chats; each user gets the satisfaction question once."""
        def step() -> None:
            closed = store.close_inactive(dt.timedelta(minutes=minutes))
            if closed or not every:
                click.echo(f"closed {closed} inactive conversation(s)")
        _repeat(every, step)

    @app.cli.group()
    def mail() -> None:
        """The outbox of e-mails (offline questions and their answers)."""

    @mail.command("send")
    @click.option("--every", type=click.IntRange(min=0), default=0,
                  help="repeat every N seconds (0: once)")
    def send(every: int) -> None:
        """Send queued e-mail over SMTP_URL; what fails stays queued for the next round."""
        def step() -> None:
            sent, waiting = outbox.send_queued()
            if sent or waiting or not every:
                click.echo(f"sent {sent} e-mail(s), {waiting} still queued")
        _repeat(every, step)


def _repeat(every: int, step: Callable[[], None]) -> None:
    """Run ``step`` once, or every ``every`` seconds, each time in a fresh session.

    When repeating, a round that fails (the database briefly away, a locked row ...) is
    logged and rolled back, and the next round comes as usual: one error never ends the
    process (honcho would stop everything with it).
    """
    while True:
        try:
            step()
        except Exception:
            if not every:
                raise
            current_app.logger.exception("this round failed; next one in %s s", every)
            _roll_back()
        finally:
            db.session.remove()
        if not every:
            return
        time.sleep(every)


def _roll_back() -> None:
    """End the failed round's transaction; a dead connection is replaced next round."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the session is discarded right after anyway
        current_app.logger.exception("rollback failed")


def _conversation(conversation_id: str) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        raise click.ClickException(f"no conversation {conversation_id}")
    return conversation


def _rasa() -> RasaPool:
    client: RasaPool = current_app.extensions["rasa"]
    return client
