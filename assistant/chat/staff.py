"""Staff in a chat: take it over, reply, send an article, hand it back to the bot."""

from __future__ import annotations

from typing import Any

from assistant.chat import conversations
from assistant.chat.errors import ConversationError
from assistant.chat.messages import validate_text
from assistant.extensions import db
from assistant.models import Conversation, Message, Sender, State, User, utcnow
from knowledge.articles import Article

STAFF_NOTICES = {
    "joined": {"en": "{name} from the center has joined the chat.",
               "th": "คุณ{name} เจ้าหน้าที่ของศูนย์ เข้าร่วมการสนทนาแล้วค่ะ"},
    "handed_back": {"en": "You are back with the assistant. Ask anything else at any time.",
                    "th": "กลับมาคุยกับผู้ช่วยอัตโนมัติแล้วค่ะ ถามเรื่องอื่นได้ตลอดนะคะ"},
}


def _staff_message(conversation: Conversation, user: User, text: str,
                   **details: Any) -> Message:
    message = Message(conversation=conversation, sender=Sender.STAFF, text=text,
                      language=conversation.language, staff_user_id=user.id, details=details)
    db.session.add(message)
    return message


def take_over(conversation: Conversation, user: User) -> Message:
    """A staff member takes the chat: it is assigned to them and the user is told."""
    conversations.claim(conversation)
    if conversation.state == State.CLOSED:
        raise ConversationError(409, "conversation_closed", "This conversation is closed.")
    for handoff in conversation.handoffs:
        if handoff.taken_at is None:
            handoff.taken_at, handoff.staff_user_id = utcnow(), user.id
    conversation.state = State.WITH_STAFF
    conversation.assigned_to = user
    conversation.staff_involved = True
    conversation.waiting_since = None
    notice = STAFF_NOTICES["joined"][conversation.language].format(name=user.name)
    message = _staff_message(conversation, user, notice, notice="joined")
    return conversations.commit_and_deliver(message)[0]


def staff_reply(conversation: Conversation, user: User, text: str, max_length: int) -> Message:
    """A staff member's answer; the conversation must be with staff."""
    conversations.claim(conversation)
    if conversation.state != State.WITH_STAFF:
        raise ConversationError(409, "not_with_staff", "Take the conversation over first.")
    message = _staff_message(conversation, user, validate_text(text, max_length))
    return conversations.commit_and_deliver(message)[0]


def send_article(conversation: Conversation, user: User, article: Article) -> Message:
    """A staff member sends a knowledge article (short answer and source) to the user."""
    conversations.claim(conversation)
    if conversation.state != State.WITH_STAFF:
        raise ConversationError(409, "not_with_staff", "Take the conversation over first.")
    language = conversation.language
    message = _staff_message(conversation, user,
                             f"{article.title[language]}\n\n{article.answer[language]}")
    message.topic = article.topic
    message.article_ids = [article.id]
    message.sources = [{"title": s.title, "url": s.url} for s in article.sources]
    return conversations.commit_and_deliver(message)[0]


def hand_back(conversation: Conversation, user: User) -> Message:
    """Return the chat to the bot."""
    conversations.claim(conversation)
    if conversation.state != State.WITH_STAFF:
        raise ConversationError(409, "not_with_staff", "Only a chat with staff can be handed back.")
    conversation.state = State.BOT
    conversation.assigned_to = None
    message = _staff_message(conversation, user,
                             STAFF_NOTICES["handed_back"][conversation.language],
                             notice="handed_back")
    return conversations.commit_and_deliver(message)[0]
