"""Conversation history: find past chats, read a full transcript, e-mail it to the user.

The list shows every conversation, newest first, 50 a page, with the queue's filters and a
text search in messages (user, bot, staff) and private notes. The transcript is read-only:
bot turns with intent and topic, the articles shown, staff replies with names, private
notes, the rating, all in Bangkok time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from assistant.chat import articles
from assistant.chat import transcript as readable
from assistant.chat.satisfaction import level_labels
from assistant.console import filters, notes
from assistant.extensions import db
from assistant.mail.transcript import queue_transcript
from assistant.models import CHAT_ROLES, Conversation, Message, Note, Sender
from assistant.records import audit
from assistant.web.auth import roles_required
from common.thai_calendar import in_bangkok
from knowledge.topics import TOPIC_TITLES

blueprint = Blueprint("history", __name__, url_prefix="/console/history",
                      template_folder="templates")
PER_PAGE = 50
SNIPPET_CONTEXT = 60  # characters shown either side of the match


class TranscriptEmailForm(FlaskForm):
    """Where to send the transcript (CSRF-protected)."""

    email = EmailField("User's e-mail address",
                       validators=[DataRequired(), Email(), Length(max=254)])


@dataclass(frozen=True)
class Snippet:
    """A short piece of a message or note around the text searched for."""

    source: str  # user, bot, staff or note
    before: str
    match: str
    after: str


@blueprint.app_template_filter("bangkok")
def bangkok_time(moment: Any) -> str:
    """A stored time as ``2026-03-12 14:05`` in Bangkok."""
    return f"{in_bangkok(moment):%Y-%m-%d %H:%M}" if moment else ""


@blueprint.get("/")
@roles_required(*CHAT_ROLES)
def index() -> str:
    """Past and current conversations, newest first, filtered and searched."""
    form = filters.FilterForm(request.args)
    chosen = form.values()
    query = filters.apply(
        select(Conversation).options(selectinload(Conversation.labels),
                                     selectinload(Conversation.rating))
        .order_by(Conversation.created_at.desc(), Conversation.id), chosen, current_user)
    page = db.paginate(query, page=max(request.args.get("page", 1, type=int) or 1, 1),
                       per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    chats = list(page.items)
    return render_template(
        "console/history.html", form=form, page=page, chats=chats,
        snippets=snippets([chat.id for chat in chats], chosen.get("q")),
        levels=level_labels("en"),
        paging={key: value for key, value in request.args.items() if key != "page"})


def snippets(chat_ids: list[str], text: Optional[str]) -> dict[str, Snippet]:
    """Per chat, the first message (else note) containing ``text``.

    Without a text: the start of the user's first typed message.
    """
    found: dict[str, Snippet] = {}
    messages = (select(Message.conversation_id, Message.sender, Message.text)
                .where(Message.conversation_id.in_(chat_ids), Message.payload.is_(None))
                .order_by(Message.id))
    if not text:
        for chat_id, sender, said in db.session.execute(
                messages.where(Message.sender == Sender.USER)):
            found.setdefault(chat_id, Snippet(sender.value, "", "", _clip(said)))
        return found
    noted = (select(Note.conversation_id, Note.text)
             .where(Note.conversation_id.in_(chat_ids),
                    filters.contains_text(Note.text, text)).order_by(Note.id))
    candidates = [*db.session.execute(
        messages.where(filters.contains_text(Message.text, text))),
        *((chat_id, None, said) for chat_id, said in db.session.execute(noted))]
    for chat_id, sender, said in candidates:
        match = re.search(re.escape(text), said, re.IGNORECASE)
        if match and chat_id not in found:
            found[chat_id] = Snippet(
                sender.value if sender else "note",
                _clip(said[:match.start()], left=True), match.group(), _clip(said[match.end():]))
    return found


def _clip(text: str, left: bool = False) -> str:
    if len(text) <= SNIPPET_CONTEXT:
        return text
    return "…" + text[-SNIPPET_CONTEXT:] if left else text[:SNIPPET_CONTEXT] + "…"


@blueprint.get("/<conversation_id>")
@roles_required(*CHAT_ROLES)
def transcript(conversation_id: str) -> str:
    """The full read-only transcript, and the form that e-mails it to the user."""
    chat = db.get_or_404(Conversation, conversation_id)
    email = TranscriptEmailForm(email=chat.ticket.email if chat.ticket else None)
    return render_template("console/transcript.html", chat=chat, entries=notes.timeline(chat),
                           knowledge=articles.knowledge_base(), topics=TOPIC_TITLES,
                           levels=level_labels("en"), levels_th=level_labels("th"),
                           email_form=email)


@blueprint.post("/<conversation_id>/email")
@roles_required(*CHAT_ROLES)
def email_transcript(conversation_id: str) -> Response:
    """E-mail what the user saw of the chat (no private notes), through the outbox.

    The mailer process sends it: a web request never connects to SMTP.
    """
    chat = db.get_or_404(Conversation, conversation_id)
    form = TranscriptEmailForm()
    if not form.validate_on_submit():
        flash("Give the user's e-mail address.", "error")
    elif chat.erased_at is not None:
        flash("This transcript was erased: there is nothing to send.", "error")
    else:
        address = form.email.data or ""
        outbound = queue_transcript(chat, address, readable.body(chat, chat.language))
        db.session.flush()
        audit.record(current_user, "transcript e-mailed", f"conversation {chat.id}",
                     email=outbound.id)
        db.session.commit()
        flash(f"Transcript to {address} is in the outbox: it is sent within a minute.", "info")
    return redirect(url_for("history.transcript", conversation_id=conversation_id))
