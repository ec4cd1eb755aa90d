"""Private notes inside a conversation, with @mentions of colleagues.

Only staff see notes. They are kept in their own table, which the chat API, its event
stream, the channels (LINE), the e-mails and the user's export never read.

Mentions: ``@`` at the start of a word, followed by letters (Thai too), digits, ``.``, ``_``
or ``-`` (a trailing ``.`` or ``-`` is punctuation). It names every active staff member or
admin whose e-mail local part, first name or whole name without spaces it equals, ignoring
case: ``@malee.s``, ``@Malee`` or ``@MaleeSrisuk`` for Malee Srisuk <malee.s@bangkok.go.th>,
``@มาลี`` for มาลี ศรีสุข. Mentioning oneself does nothing. A mentioned colleague sees the chat
under "Mentioned you" in the queue until they open it (its console page or its transcript).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from assistant.chat.assignment import colleagues
from assistant.extensions import db
from assistant.limits import max_text_length
from assistant.models import (
    CHAT_ROLES,
    Conversation,
    Message,
    Note,
    NoteMention,
    User,
    as_utc,
    utcnow,
)
from assistant.records import audit, privacy
from assistant.web.auth import roles_required
from assistant.web.forms import WithinTextLimit

blueprint = Blueprint("notes", __name__, url_prefix="/console/conversations")
THAI = "\u0e00-\u0e7f"  # Thai letters, vowel and tone marks, digits
MENTION = re.compile(rf"(?<![\w{THAI}.@])@([\w{THAI}.\-]+)")
# Opening one of these pages shows the conversation: the user's mentions in it are seen.
SEEN_ON = {"console.conversation", "history.transcript"}


class NoteForm(FlaskForm):
    """A private note (CSRF-protected)."""

    text = TextAreaField("Private note", validators=[DataRequired(), WithinTextLimit()],
                         filters=[lambda text: text.strip() if text else text])


@dataclass(frozen=True)
class Entry:
    """One line of a console transcript: a message or a private note."""

    at: dt.datetime
    message: Optional[Message] = None
    note: Optional[Note] = None


def timeline(conversation: Conversation) -> list[Entry]:
    """The conversation's messages and notes, interleaved by time."""
    entries = [Entry(as_utc(m.created_at), message=m) for m in conversation.messages]
    entries += [Entry(as_utc(n.created_at), note=n) for n in conversation.notes]
    return sorted(entries, key=lambda entry: entry.at)  # stable: ties keep messages first


def email_handle(user: User) -> str:
    """The e-mail local part: the mention that names one colleague only (``malee.s``)."""
    return user.email.partition("@")[0]


def handles(user: User) -> set[str]:
    """The words that mention ``user`` after ``@`` (compared case-folded)."""
    words = user.name.casefold().split()
    return {email_handle(user).casefold(), "".join(words), *words[:1]}


def mentions(text: str) -> list[str]:
    """The words after each ``@`` in ``text``, in order, trailing punctuation removed."""
    words = (found.rstrip(".-") for found in MENTION.findall(text))
    return [word for word in words if word]


def add(conversation: Conversation, author: User, text: str) -> tuple[Note, list[str]]:
    """Store a note and its mentions; returns it and the @words that named nobody."""
    note = Note(conversation=conversation, author_id=author.id, text=text)
    db.session.add(note)
    people = colleagues()
    unknown: list[str] = []
    mentioned: dict[int, User] = {}
    for word in mentions(text):
        named = [user for user in people if word.casefold() in handles(user)]
        if not named:
            unknown.append(word)
        mentioned.update((user.id, user) for user in named if user.id != author.id)
    note.mentions = [NoteMention(user=user) for user in mentioned.values()]
    db.session.flush()
    audit.record(author, "note added", f"conversation {conversation.id}", note=note.id,
                 mentioned=sorted(mentioned))
    db.session.commit()
    return note, unknown


def unseen_mentions(user: User) -> list[NoteMention]:
    """``user``'s mentions not seen yet: the latest one per conversation, newest first."""
    latest: dict[str, NoteMention] = {}
    for mention in db.session.scalars(
            select(NoteMention).join(Note)
            .where(NoteMention.user_id == user.id, NoteMention.seen_at.is_(None))
            .order_by(Note.id.desc())):
        latest.setdefault(mention.note.conversation_id, mention)
    return list(latest.values())


def mark_seen(conversation_id: str, user: User) -> None:
    """``user`` has seen the conversation: its mentions of them leave their queue."""
    notes_here = select(Note.id).where(Note.conversation_id == conversation_id)
    db.session.execute(update(NoteMention).where(NoteMention.user_id == user.id,
                                                 NoteMention.seen_at.is_(None),
                                                 NoteMention.note_id.in_(notes_here))
                       .values(seen_at=utcnow()))
    db.session.commit()


@blueprint.app_context_processor
def note_helpers() -> dict[str, Callable[..., Any]]:
    """Template helpers for notes and mentions.

    ``timeline(chat)``, ``colleagues()``, ``email_handle(user)``, ``unseen_mentions(user)``.
    """
    return {"timeline": timeline, "colleagues": colleagues, "email_handle": email_handle,
            "unseen_mentions": unseen_mentions}


@blueprint.after_app_request
def mentions_seen_on_open(response: Response) -> Response:
    """A conversation page shown to its reader marks their mentions in it seen."""
    if (request.method == "GET" and request.endpoint in SEEN_ON
            and response.status_code == 200 and current_user.is_authenticated):
        mark_seen((request.view_args or {})["conversation_id"], current_user)
    return response


@blueprint.post("/<conversation_id>/notes")
@roles_required(*CHAT_ROLES)
def create(conversation_id: str) -> Response:
    """Add a private note; colleagues @mentioned in it see the chat in their queue."""
    conversation = db.get_or_404(Conversation, conversation_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(f"Write a note of at most {max_text_length():,} characters.", "error")
    elif not privacy.writable(conversation):
        flash("This conversation was erased: no note can be added to it.", "error")
    else:
        note, unknown = add(conversation, current_user, form.text.data or "")
        names = ", ".join(mention.user.name for mention in note.mentions)
        flash("Private note added." + (f" Mentioned: {names}." if names else ""), "success")
        if unknown:
            flash("No colleague is called " + ", ".join(f"@{w}" for w in unknown) + ".",
                  "error")
    return redirect(url_for("console.conversation", conversation_id=conversation_id,
                            _anchor="notes"))
