"""Console pages. Staff and admins handle chats; every page needs a login."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from assistant.chat import articles, conversations, presence, staff
from assistant.chat.errors import ConversationError
from assistant.console import filters
from assistant.console.forms import KnowledgeSearchForm, LoginForm, ReplyForm
from assistant.extensions import db
from assistant.limits import max_text_length
from assistant.models import (
    CHAT_ROLES,
    Conversation,
    Message,
    Sender,
    State,
    User,
    as_utc,
    parse_id,
    password_matches,
    utcnow,
)
from assistant.web.auth import roles_required
from assistant.web.forms import ActionForm
from assistant.web.security import limiter, login_account_key, login_limit
from knowledge.topics import TOPIC_TITLES

blueprint = Blueprint("console", __name__, url_prefix="/console",
                      template_folder="templates", static_folder="static")
WAITING = Conversation.state == State.WAITING_FOR_STAFF
QUEUE_PAGE = 50  # waiting chats per page of the queue (``?page=``), oldest waits first
# How much of the status the console's poller gets: the oldest waits, each with a preview.
STATUS_CHATS = 50
PREVIEW_CHARS = 80


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=login_account_key)
def login() -> Any:
    """Sign in with e-mail and password (limited per address and per account).

    Then on to the console page asked for (``next``: a chat linked in an e-mail) or the queue.
    """
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.lower()))
        if password_matches(user, form.password.data) and user is not None and user.active:
            login_user(user)
            return redirect(_console_page(request.args.get("next")) or url_for("console.queue"))
        flash("Wrong e-mail or password.", "error")
    return render_template("console/login.html", form=form)


def _console_page(target: Optional[str]) -> Optional[str]:
    """``target`` if it is a path of this console (never another site), else None."""
    return target if target and target.startswith(url_for("console.queue")) else None


@blueprint.post("/logout")
@login_required
def logout() -> Response:
    """Sign out."""
    if ActionForm().validate_on_submit():
        logout_user()
    return redirect(url_for("console.login"))


@blueprint.get("/")
@roles_required(*CHAT_ROLES)
def queue() -> str:
    """Chats waiting for staff (oldest first, ``QUEUE_PAGE`` a page), chats handled; filtered.

    The page's ``data-waiting-ids`` (the oldest waits, as ``queue/status.json`` lists them)
    and ``data-waiting-count`` (all waits) let the page reload when the queue changes.
    """
    form = filters.FilterForm(request.args)
    chosen = form.values()
    chats = select(Conversation).options(selectinload(Conversation.labels),
                                         selectinload(Conversation.assigned_to))
    waiting_query = filters.apply(chats.where(WAITING), chosen, current_user)
    total = db.session.scalar(select(func.count()).select_from(waiting_query.subquery())) or 0
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(parse_id(request.args.get("page", "1")) or 1, 1), pages)
    waiting = db.session.scalars(
        waiting_query.order_by(Conversation.waiting_since, Conversation.id)
        .offset((page - 1) * QUEUE_PAGE).limit(QUEUE_PAGE)).all()
    handled = db.session.scalars(filters.apply(
        chats.where(Conversation.state == State.WITH_STAFF)
        .order_by(Conversation.updated_at.desc()), chosen, current_user)).all()
    last = last_user_messages([chat.id for chat in [*waiting, *handled]])
    return render_template(
        "console/queue.html", filter_form=form, filtered=bool(chosen),
        waiting_ids=db.session.scalars(_oldest_waits().with_only_columns(Conversation.id)).all(),
        waiting_total=total, page=page, pages=pages, page_url=_page_url,
        waiting=[{"chat": chat, "minutes": _minutes_since(chat.waiting_since),
                  "last": last.get(chat.id, "")} for chat in waiting],
        handled=[{"chat": chat, "last": last.get(chat.id, "")} for chat in handled])


def _oldest_waits() -> Select[Conversation]:
    """The chats waiting longest (``STATUS_CHATS`` of them), oldest first."""
    return (select(Conversation).where(WAITING)
            .order_by(Conversation.waiting_since, Conversation.id).limit(STATUS_CHATS))


def _page_url(page: int) -> str:
    """The queue's URL with the same filters, at ``page``."""
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for("console.queue", **args)


def last_user_messages(chat_ids: list[str]) -> dict[str, str]:
    """The last typed message (not a button) of each chat's user, by chat id."""
    last_ids = (select(func.max(Message.id))
                .where(Message.conversation_id.in_(chat_ids), Message.sender == Sender.USER,
                       Message.payload.is_(None))
                .group_by(Message.conversation_id))
    return {chat_id: text for chat_id, text in db.session.execute(
        select(Message.conversation_id, Message.text).where(Message.id.in_(last_ids)))}


def _minutes_since(moment: Optional[dt.datetime]) -> int:
    if moment is None:
        return 0
    return int((utcnow() - as_utc(moment)).total_seconds() // 60)


@blueprint.get("/conversations/<conversation_id>")
@roles_required(*CHAT_ROLES)
def conversation(conversation_id: str) -> str:
    """The full transcript (bot turns, articles shown, staff replies) and the controls."""
    chat = db.get_or_404(Conversation, conversation_id)
    search = KnowledgeSearchForm(request.args)
    found = articles.search(search.q.data, limit=5) if search.q.data else []
    return render_template("console/conversation.html", chat=chat, reply=ReplyForm(),
                           action=ActionForm(), search=search, found=found,
                           topics=TOPIC_TITLES)


@blueprint.get("/ref/<reference>")
@roles_required(*CHAT_ROLES)
def by_reference(reference: str) -> Response:
    """The chat a reference names (as report exports and e-mails to the center give it)."""
    chat = db.first_or_404(select(Conversation).where(
        Conversation.reference == reference.strip().upper()))
    return redirect(url_for("console.conversation", conversation_id=chat.id))


def _act(conversation_id: str, operation: Callable[[Conversation], Any]) -> Response:
    chat = db.get_or_404(Conversation, conversation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operation(chat)
    except ConversationError as error:
        flash(error.message, "error")
    return redirect(url_for("console.conversation", conversation_id=conversation_id))


@blueprint.post("/conversations/<conversation_id>/take")
@roles_required(*CHAT_ROLES)
def take(conversation_id: str) -> Response:
    """Take the chat over from the bot or the queue."""
    return _act(conversation_id, lambda chat: staff.take_over(chat, current_user))


@blueprint.post("/conversations/<conversation_id>/reply")
@roles_required(*CHAT_ROLES)
def reply(conversation_id: str) -> Response:
    """Send a reply; the user's widget shows it through the push channel."""
    chat = db.get_or_404(Conversation, conversation_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            staff.staff_reply(chat, current_user, form.text.data or "",
                                      max_text_length())
        except ConversationError as error:
            flash(error.message, "error")
    else:
        flash(f"Write a reply of at most {max_text_length():,} characters.", "error")
    return redirect(url_for("console.conversation", conversation_id=conversation_id))


@blueprint.post("/conversations/<conversation_id>/articles/<article_id>")
@roles_required(*CHAT_ROLES)
def send_article(conversation_id: str, article_id: str) -> Response:
    """Send a knowledge article's short answer and official source to the user."""
    article = articles.knowledge_base().get(article_id)
    if article is None:
        abort(404)
    return _act(conversation_id,
                lambda chat: staff.send_article(chat, current_user, article))


@blueprint.post("/conversations/<conversation_id>/hand-back")
@roles_required(*CHAT_ROLES)
def hand_back(conversation_id: str) -> Response:
    """Give the chat back to the bot."""
    return _act(conversation_id, lambda chat: staff.hand_back(chat, current_user))


@blueprint.post("/conversations/<conversation_id>/close")
@roles_required(*CHAT_ROLES)
def close(conversation_id: str) -> Response:
    """Close the chat; the user gets the satisfaction question."""
    return _act(conversation_id, conversations.close)


@blueprint.get("/conversations/<conversation_id>/messages.json")
@roles_required(*CHAT_ROLES)
def messages_json(conversation_id: str) -> Any:
    """All messages after ``after`` (user ones too), for the live transcript."""
    chat = db.get_or_404(Conversation, conversation_id)
    after = parse_id(request.args.get("after", "0"))
    if after is None:
        return jsonify(error={"code": "invalid_after",
                              "message": "after must be a message id."}), 400
    query = (select(Message).where(Message.conversation_id == chat.id, Message.id > after)
             .order_by(Message.id))
    rows = [{"id": m.id, "sender": m.sender.value, "text": m.text, "intent": m.intent,
             "topic": m.topic, "article_ids": m.article_ids}
            for m in db.session.scalars(query)]
    return jsonify(messages=rows, state=chat.state.value)


@blueprint.app_context_processor
def waiting_counter() -> dict[str, Callable[[], int]]:
    """``waiting_count()`` in templates: the header counter's value before the first poll."""
    return {"waiting_count": _waiting_count}


def _waiting_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Conversation).where(WAITING)) or 0


@blueprint.get("/queue/status.json")
@roles_required(*CHAT_ROLES)
def queue_status() -> Any:
    """Waiting chats (oldest first) and staff online, for the console's counter and alerts.

    Every open console page asks every few seconds: the request also marks its user online.
    """
    presence.touch(current_user)
    chats = db.session.scalars(_oldest_waits()).all()
    previews = last_user_messages([chat.id for chat in chats])
    return jsonify(
        waiting=_waiting_count(),
        waiting_chats=[{"id": chat.id, "language": chat.language, "channel": chat.channel,
                        "minutes": _minutes_since(chat.waiting_since),
                        "preview": _shorten(previews.get(chat.id, ""))} for chat in chats],
        online_staff=len(presence.online_staff()))


def _shorten(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"
