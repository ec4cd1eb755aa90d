"""``flask privacy ...``: a conversation's data on request, erasure, the retention purge."""

from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from assistant.cli.loops import EVERY, repeat
from assistant.extensions import db
from assistant.models import Conversation
from assistant.rasa import current_rasa
from assistant.records import privacy as personal_data


@click.group(cls=AppGroup)
def privacy() -> None:
    """Personal data: a conversation's data on request, erasure, retention purge."""


@privacy.command("export")
@click.argument("chat")
def export(chat: str) -> None:
    """Print everything stored about a conversation (CHAT: its id or reference) as JSON."""
    click.echo(json.dumps(personal_data.export(_conversation(chat)),
                          ensure_ascii=False, indent=2))


@privacy.command("erase")
@click.argument("chat")
def erase(chat: str) -> None:
    """Erase a conversation's transcript here and in Rasa; the rating stays.

    CHAT is the conversation's id or reference. Again on an erased chat: erases Rasa's copy
    if that is still pending.
    """
    click.echo(json.dumps(personal_data.erase(_conversation(chat), current_rasa())))


@privacy.command("purge")
@click.option("--days", type=click.IntRange(min=1), envvar="RETENTION_DAYS",
              default=personal_data.DEFAULT_RETENTION_DAYS, show_default=True,
              help="erase transcripts of chats closed longer ago than this")
@EVERY
def purge(days: int, every: int) -> None:
    """Retention: erase old transcripts, keep the anonymous satisfaction figures.

    Each round also erases Rasa's copy of every erased chat where that is still pending
    (Rasa's store was unreachable at the erasure). Of several hosts, one runs each round.
    """
    def step() -> None:
        erased = personal_data.purge(dt.timedelta(days=days), current_rasa())
        click.echo(f"erased {erased} transcript(s) of chats closed over {days} days ago")
        done, pending = personal_data.finish_in_rasa(current_rasa())
        if done or pending or not every:
            click.echo(f"erased {done} chat(s) in Rasa, {pending} still pending there")
    repeat(every, step, lock="privacy-purge")


def _conversation(chat: str) -> Conversation:
    conversation = db.session.scalar(select(Conversation).where(
        or_(Conversation.id == chat, Conversation.reference == chat.upper())))
    if conversation is None:
        raise click.ClickException(f"no conversation {chat}")
    return conversation
