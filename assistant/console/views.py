"""Console pages. Staff and admins handle chats; every page needs a login."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from assistant.chat import articles, conversations, offline, presence, staff
from assistant.chat.errors import ConversationError
from assistant.console import filters, wording
from assistant.console import queue as queue_order
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
    """Chats waiting for staff and chats handled; filtered, with quick views.

    Waits: urgent first, then the longest (``queue.PRIORITY``), a page at a time; quick
    views: all, mine, unassigned, urgent.

    The page's ``data-waiting-ids`` (the first waits, as ``queue/status.json`` lists them)
    and ``data-waiting-count`` (all waits) let the page reload when the queue changes.
    """
    form = filters.FilterForm(request.args)
    chosen = form.values()
    chats = select(Conversation).options(selectinload(Conversation.labels),
                                         selectinload(Conversation.assigned_to))
    waiting_query = filters.apply(chats.where(queue_order.WAITING), chosen, current_user)
    total = queue_order.count_waiting(waiting_query)
    pages = max(1, -(-total // queue_order.PAGE_SIZE))
    page = min(max(parse_id(request.args.get("page", "1")) or 1, 1), pages)
    waiting = db.session.scalars(
        waiting_query.order_by(*queue_order.PRIORITY)
        .offset((page - 1) * queue_order.PAGE_SIZE).limit(queue_order.PAGE_SIZE)).all()
    handled = db.session.scalars(filters.apply(
        chats.where(Conversation.state == State.WITH_STAFF)
        .order_by(Conversation.urgent.desc(), Conversation.updated_at.desc()),
        chosen, current_user)).all()
    last = last_user_messages([chat.id for chat in [*waiting, *handled]])
    return render_template(
        "console/queue.html", filter_form=form, filtered=bool(chosen), chosen=chosen,
        views=queue_order.quick_views(current_user),
        waiting_ids=db.session.scalars(
            queue_order.first_waits().with_only_columns(Conversation.id)).all(),
        waiting_total=total, page=page, pages=pages, page_url=_page_url,
        waiting=[{"chat": chat, "minutes": _minutes_since(chat.waiting_since),
                  "last": last.get(chat.id, "")} for chat in waiting],
        handled=[{"chat": chat, "last": last.get(chat.id, "")} for chat in handled])


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


def _act(conversation_id: str, operation: Callable[[Conversation], Any],
         done: str) -> Response:
    """Run ``operation`` on the chat; say ``done`` (or what went wrong) on its page."""
    chat = db.get_or_404(Conversation, conversation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operation(chat)
    except ConversationError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("console.conversation", conversation_id=conversation_id))


@blueprint.post("/conversations/<conversation_id>/take")
@roles_required(*CHAT_ROLES)
def take(conversation_id: str) -> Response:
    """Take the chat over from the bot or the queue."""
    return _act(conversation_id, lambda chat: staff.take_over(chat, current_user),
                "You took the chat over.")


@blueprint.post("/conversations/<conversation_id>/reply")
@roles_required(*CHAT_ROLES)
def reply(conversation_id: str) -> Response:
    """Send a reply; the user's widget shows it through the push channel."""
    chat = db.get_or_404(Conversation, conversation_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            staff.staff_reply(chat, current_user, form.text.data or "", max_text_length())
        except ConversationError as error:
            flash(error.message, "error")
        else:
            flash("Reply sent.", "success")
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
                lambda chat: staff.send_article(chat, current_user, article),
                "Article sent to the user.")


@blueprint.post("/conversations/<conversation_id>/hand-back")
@roles_required(*CHAT_ROLES)
def hand_back(conversation_id: str) -> Response:
    """Give the chat back to the bot."""
    return _act(conversation_id, lambda chat: staff.hand_back(chat, current_user),
                "Handed back to the assistant.")


@blueprint.post("/conversations/<conversation_id>/close")
@roles_required(*CHAT_ROLES)
def close(conversation_id: str) -> Response:
    """Close the chat; the user gets the satisfaction question."""
    return _act(conversation_id, conversations.close,
                "Chat closed: the user was asked how satisfied they are.")


@blueprint.post("/conversations/<conversation_id>/question-answered")
@roles_required(*CHAT_ROLES)
def question_answered(conversation_id: str) -> Response:
    """Mark the chat's offline question answered (a reply alone does not)."""
    return _act(conversation_id, lambda chat: offline.mark_answered(chat, current_user),
                "Question marked answered.")


@blueprint.get("/conversations/<conversation_id>/messages.json")
@roles_required(*CHAT_ROLES)
def messages_json(conversation_id: str) -> Any:
    """All messages after ``after`` (user ones too), for the live transcript.

    ``html`` is each one as the page shows it (time in Bangkok, buttons pressed in words).
    """
    chat = db.get_or_404(Conversation, conversation_id)
    after = parse_id(request.args.get("after", "0"))
    if after is None:
        return jsonify(error={"code": "invalid_after",
                              "message": "after must be a message id."}), 400
    query = (select(Message).where(Message.conversation_id == chat.id, Message.id > after)
             .order_by(Message.id))
    titles = wording.button_titles(chat.messages)
    item = get_template_attribute("console/_message.html", "message_item")
    rows = [{"id": m.id, "sender": m.sender.value, "text": m.text, "intent": m.intent,
             "topic": m.topic, "article_ids": m.article_ids,
             "html": str(item(m, chat.language, titles))}
            for m in db.session.scalars(query)]
    return jsonify(messages=rows, state=chat.state.value,
                   state_words=wording.STATE_WORDS[chat.state])


@blueprint.app_context_processor
def waiting_counter() -> dict[str, Callable[[], int]]:
    """``waiting_count()`` in templates: the header counter's value before the first poll."""
    return {"waiting_count": _waiting_count}


@blueprint.record_once
def _human_words(state: BlueprintSetupState) -> None:
    """The words of ``wording`` in every template, also macros rendered alone (messages.json)."""
    state.app.jinja_env.globals.update(wording.template_helpers())


def _waiting_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Conversation).where(queue_order.WAITING)) or 0


@blueprint.get("/queue/status.json")
@roles_required(*CHAT_ROLES)
def queue_status() -> Any:
    """Waiting chats (as the queue lists them) and staff online, for the counter and alerts.

    Every open console page asks every few seconds: the request also marks its user online.
    """
    presence.touch(current_user)
    chats = db.session.scalars(queue_order.first_waits()).all()
    previews = last_user_messages([chat.id for chat in chats])
    return jsonify(
        waiting=_waiting_count(),
        waiting_chats=[{"id": chat.id, "language": chat.language, "channel": chat.channel,
                        "minutes": _minutes_since(chat.waiting_since), "urgent": chat.urgent,
                        "preview": _shorten(previews.get(chat.id, ""))} for chat in chats],
        online_staff=len(presence.online_staff()))


def _shorten(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"
