"""LINE webhook: signed events from LINE become messages of the same conversation store.

Only LINE's signature (HMAC-SHA256 of the body with the channel secret) lets a request in:
a missing or wrong ``X-Line-Signature`` is answered 400 and nothing is processed. A signed
request only queues its events (``jobs``); the worker process handles them. Each LINE
user has one open conversation at a time (channel "line"); a redelivered event (same
``webhookEventId``) is stored once. Answers go back with the event's reply token, or are
pushed when that fails. A 👍 / 👎 postback stores the user's vote on that knowledge answer.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from flask import Blueprint, abort, current_app, jsonify, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiException
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UserSource,
)
from sqlalchemy import select

from assistant import channels, jobs
from assistant.channels import line_feedback
from assistant.channels.line import LineChannel, line_channel
from assistant.chat import conversations, feedback, messages
from assistant.chat.errors import ConversationError
from assistant.chat.satisfaction import RATING_PAYLOAD
from assistant.extensions import db
from assistant.limits import max_text_length
from assistant.models import Conversation, Job, Message, State, parse_id
from assistant.rasa import current_rasa

blueprint = Blueprint("line", __name__, url_prefix="/channels/line")
WELCOME = ("Welcome to the Bangkok information service center for foreigners! Ask me about "
           "visas, work permits, housing, schools, tax and more, in English or Thai.\n\n"
           "ยินดีต้อนรับสู่ศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร "
           "สอบถามเรื่องวีซ่า ใบอนุญาตทำงาน ที่พัก โรงเรียน ภาษี และอื่น ๆ ได้ทั้งภาษาอังกฤษและภาษาไทยค่ะ")
JOB_KIND = "line_event"
TEXT_ONLY = ("Sorry, I can read text messages only. Please type your question.\n"
             "ขออภัยค่ะ ระบบอ่านได้เฉพาะข้อความตัวอักษร กรุณาพิมพ์คำถามค่ะ")


@blueprint.post("/webhook")
def webhook() -> Any:
    """Verify LINE's signature, queue each event for the worker, answer 200 at once.

    LINE wants its 200 within seconds; a Rasa turn may take longer, so the worker
    (``flask jobs work``) handles the events: stored first, then answered with the reply
    token (or pushed). One job per event (a redelivered ``webhookEventId`` is queued once);
    one LINE user's events run one at a time, in order.
    """
    channel = line_channel()
    if channel is None:
        abort(404)
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data(as_text=True)
    try:
        events = channel.parse(body, signature)
        raw_events = json.loads(body)["events"]
    except InvalidSignatureError:
        return jsonify(error={"code": "invalid_signature",
                              "message": "X-Line-Signature does not match the body."}), 400
    except (ValueError, KeyError, TypeError):  # signed, but not the JSON LINE sends
        return jsonify(error={"code": "invalid_body", "message": "Not a LINE webhook."}), 400
    for event, raw in zip(events, raw_events, strict=True):
        if isinstance(getattr(event, "source", None), UserSource):  # 1:1 chats only
            event_id = getattr(event, "webhook_event_id", None)
            jobs.enqueue(JOB_KIND, {"event": raw},
                         key=f"line:{event_id}" if event_id else None,
                         lane=f"line:{event.source.user_id}"[:60])
    return jsonify(status="ok")


def handle_job(job: Job) -> None:
    """The worker's handler of ``line_event`` jobs: store, forward and answer one event."""
    channel = line_channel()
    if channel is None:
        raise RuntimeError("the LINE channel is not configured")
    try:
        event = Event.from_dict(job.payload["event"])
    except ValueError:  # a kind of event this SDK does not know: nothing to answer
        return
    _handle(channel, event)


def _handle(channel: LineChannel, event: Any) -> None:
    if isinstance(event, FollowEvent):
        _answer(channel, event, [Message(text=WELCOME, buttons=[], sources=[])])
        return
    if isinstance(event, MessageEvent) and not isinstance(event.message, TextMessageContent):
        _answer(channel, event, [Message(text=TEXT_ONLY, buttons=[], sources=[])])
        return
    if isinstance(event, MessageEvent):
        text, payload = event.message.text.replace("\x00", ""), None  # PostgreSQL stores no NUL
    elif isinstance(event, PostbackEvent) and (vote := line_feedback.parse(event.postback.data)):
        _vote(channel, event, *vote)
        return
    elif isinstance(event, PostbackEvent):  # "/intent…", or an answer such as a visit time
        text = event.postback.data.replace("\x00", "")
        payload = text if text.startswith("/") else None
    else:
        return  # unfollow, reads, stickers in other forms: nothing to answer
    if _seen(event.webhook_event_id):
        return
    conversation = _conversation(channel, event.source.user_id, payload)
    try:
        text, payload = messages.validate_input(
            None if payload else text, payload, max_text_length())
        replies = messages.post_user_message(
            conversation, text, payload, current_rasa(),
            external_id=event.webhook_event_id)
    except ConversationError as error:
        replies = [Message(text=error.message, buttons=[], sources=[])]
    _answer(channel, event, replies)


def _vote(channel: LineChannel, event: Any, message_id: str, helpful: bool) -> None:
    """A 👍 / 👎 quick reply: store the vote on the user's own answer, then thank them."""
    number = parse_id(message_id)
    answer = db.session.get(Message, number) if number is not None else None
    conversation = answer.conversation if answer is not None else None
    if conversation is None or conversation.channel != "line" \
            or conversation.external_user_id != event.source.user_id:
        return  # not this user's answer (or erased): nothing to store or say
    try:
        feedback.vote(feedback.answer_of(conversation, message_id), helpful)
    except ConversationError:
        return
    thanks = line_feedback.THANKS.get(conversation.language, line_feedback.THANKS["en"])
    _answer(channel, event, [Message(text=thanks[helpful], buttons=[], sources=[])])


def _seen(event_id: str) -> bool:
    """True if this event was stored before (LINE redelivers when it got no answer)."""
    return db.session.scalar(select(Message.id).where(Message.external_id == event_id)) \
        is not None


def _conversation(channel: LineChannel, user_id: str, payload: Optional[str]) -> Conversation:
    """The user's open conversation; a rating may still go to the one just closed."""
    latest = db.session.scalar(
        select(Conversation).where(Conversation.channel == "line",
                                   Conversation.external_user_id == user_id,
                                   Conversation.erased_at.is_(None))
        .order_by(Conversation.created_at.desc()).limit(1))
    if latest is not None and (latest.state != State.CLOSED
                               or RATING_PAYLOAD.match(payload or "")):
        return latest
    conversation = conversations.start(channel="line")
    conversation.external_user_id = user_id
    name = channel.display_name(user_id)
    conversation.contact_name = name[:100] if name else None
    db.session.commit()
    return conversation


def _answer(channel: LineChannel, event: Any, replies: list[Message]) -> None:
    if not replies:
        return
    try:
        channel.reply(event.reply_token, replies)
    except (ApiException, OSError) as error:  # token expired or used: push instead
        current_app.logger.warning("LINE: reply failed (%s); pushing instead", error)
        channels.push_to_line(event.source.user_id, replies)

