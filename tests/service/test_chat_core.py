"""The chat core on its own: a fake Rasa client, a temporary SQLite database, no servers.

Start a conversation, post a message the fake Rasa answers, hand off to staff (the state,
the wait and the ``handoff_requested`` signal), staff messages announced on
``messages_written``, the satisfaction question and the rating.
"""

from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import select

from assistant.chat import conversations, events, messages, staff
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.models import Handoff, Message, Rating, Role, Sender, State, User
from common.rasa_client import Reply
from common.texts import RATING_THANKS
from tests.service.conftest import NO_RASA, make_app

LIMIT = 2000


class FakeRasa:
    """Answers every message with the replies given; records what it was sent."""

    def __init__(self, *replies, slots=None, down=False):
        self.replies, self.slots, self.down = list(replies), slots or {}, down
        self.sent = []

    def send(self, sender, text):
        if self.down:
            raise requests.ConnectionError("Rasa is down")
        self.sent.append((sender, text))
        return self.replies

    def tracker(self, sender, include_events="ALL"):
        return {"slots": self.slots,
                "latest_message": {"intent": {"name": "ask_visa", "confidence": 0.91}}}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    database = tmp_path_factory.mktemp("core") / "chat_core.db"
    return make_app(f"sqlite:///{database}", NO_RASA, NO_RASA)


@pytest.fixture
def context(app):
    with app.app_context():
        yield
        db.session.rollback()


@contextmanager
def received(signal):
    """The (sender, keyword arguments) of each send of ``signal`` while inside."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))
    signal.connect(receiver)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


def stored(conversation):
    return list(db.session.scalars(select(Message).where(
        Message.conversation_id == conversation.id).order_by(Message.id)))


def answer(text, **metadata):
    return Reply(text=text, buttons=[], metadata={"kind": "reply_metadata", **metadata})


def staff_member(name="Malee"):
    user = User(email=f"{name.lower()}@bangkok.go.th", name=name, role=Role.STAFF)
    user.set_password("correct horse battery")
    db.session.add(user)
    db.session.commit()
    return user


def test_a_new_conversation_is_stored_with_the_bot(context):
    chat = conversations.start()
    found = conversations.find(chat.id)
    assert found is chat and found.state == State.BOT and found.channel == "web"
    assert stored(chat) == []
    with pytest.raises(ConversationError) as unknown:
        conversations.find("no-such-chat")
    assert unknown.value.status == 404


def test_the_answer_of_rasa_is_stored_after_the_users_message(context):
    rasa = FakeRasa(answer("Extend it at the immigration office.", intent="ask_visa",
                           topic="visa", article_ids=["visa-extension-of-stay"],
                           language="en"))
    chat = conversations.start()
    replies = messages.post_user_message(chat, "How do I extend my visa?", None, rasa)
    assert rasa.sent == [(chat.id, "How do I extend my visa?")]
    user, bot = stored(chat)
    assert (user.sender, user.text, user.language) == (Sender.USER, "How do I extend my visa?",
                                                       "en")
    assert replies == [bot] and bot.id > user.id
    assert (bot.sender, bot.text) == (Sender.BOT, "Extend it at the immigration office.")
    assert (bot.intent, bot.topic, bot.article_ids) == ("ask_visa", "visa",
                                                        ["visa-extension-of-stay"])
    assert bot.is_knowledge_answer and chat.state == State.BOT


def test_the_users_message_is_stored_even_when_rasa_is_down(context):
    chat = conversations.start()
    with received(events.handoff_requested) as handoffs:
        replies = messages.post_user_message(chat, "hello", None, FakeRasa(down=True))
    user, apology = stored(chat)
    assert user.text == "hello" and replies == [apology]
    assert apology.details["assistant_unavailable"] is True
    assert chat.state == State.WAITING_FOR_STAFF and handoffs == [(chat, {})]


def test_a_handoff_reply_makes_the_chat_wait_for_staff_and_fires_the_signal(context):
    rasa = FakeRasa(answer("A staff member will answer you here.", handoff=True))
    chat = conversations.start()
    with received(events.handoff_requested) as handoffs:
        messages.post_user_message(chat, "I want to talk to a person", None, rasa)
        assert handoffs == [(chat, {})]
        assert chat.state == State.WAITING_FOR_STAFF and chat.waiting_since is not None
        waits = db.session.scalars(select(Handoff).where(Handoff.conversation_id == chat.id))
        assert len(waits.all()) == 1
        messages.wait_for_staff(chat)  # asked again while waiting: the same wait
        assert len(handoffs) == 1
    assert db.session.scalar(select(Handoff.taken_at).where(
        Handoff.conversation_id == chat.id)) is None


def test_while_staff_answer_the_bot_is_not_asked(context):
    rasa = FakeRasa(answer("never sent"))
    chat = conversations.start()
    messages.wait_for_staff(chat)
    db.session.commit()
    assert messages.post_user_message(chat, "Are you there?", None, rasa) == []
    assert rasa.sent == [] and [m.text for m in stored(chat)] == ["Are you there?"]


def test_staff_messages_are_announced_for_the_users_channel(context):
    malee = staff_member()
    chat = conversations.start()
    messages.wait_for_staff(chat)
    db.session.commit()
    with received(events.messages_written) as written:
        joined = staff.take_over(chat, malee)
        reply = staff.staff_reply(chat, malee, "  Please bring your passport.  ", LIMIT)
    assert chat.state == State.WITH_STAFF and chat.assigned_to_id == malee.id
    assert reply.text == "Please bring your passport." and reply.sender == Sender.STAFF
    assert written == [(chat, {"messages": [joined]}), (chat, {"messages": [reply]})]
    with pytest.raises(ConversationError) as too_long:
        staff.staff_reply(chat, malee, "x" * (LIMIT + 1), LIMIT)
    assert too_long.value.code == "text_too_long"


def test_closing_asks_the_question_once_and_the_rating_is_stored(context):
    rasa = FakeRasa(answer("สวัสดีค่ะ", language="th"), slots={"language": "th"})
    chat = conversations.start()
    messages.post_user_message(chat, "สวัสดีค่ะ", None, rasa)
    with pytest.raises(ConversationError) as early:
        conversations.rate(chat, 4)
    assert early.value.code == "not_asked"
    with received(events.messages_written) as written:
        [question] = conversations.close(chat)
        assert conversations.close(chat) == []  # asked once
    assert written == [(chat, {"messages": [question]})]
    assert question.details == {"satisfaction_question": True} and question.buttons
    assert chat.state == State.CLOSED and chat.satisfaction_asked_at is not None

    thanks = conversations.rate(chat, 4)
    rating = db.session.scalars(select(Rating).where(Rating.conversation_id == chat.id)).one()
    assert (rating.level, rating.language, rating.handled_by) == (4, "th", "bot")
    assert thanks.text == RATING_THANKS["th"] and thanks.details == {"satisfaction_level": 4}
    conversations.rate(chat, 2)  # a second answer replaces the first
    assert db.session.scalars(select(Rating.level).where(
        Rating.conversation_id == chat.id)).all() == [2]


def test_a_rating_button_is_stored_without_asking_rasa(context):
    rasa = FakeRasa(answer("never sent"))
    chat = conversations.start()
    messages.post_user_message(chat, "hello", None, FakeRasa(answer("Hello!")))
    conversations.close(chat)
    payload = '/rate_satisfaction{"satisfaction_level": "5"}'
    [thanks] = messages.post_user_message(chat, payload, payload, rasa)
    assert rasa.sent == [] and thanks.text == RATING_THANKS["en"]
    assert chat.rating is not None and chat.rating.level == 5


def test_invalid_input_is_refused_before_anything_is_stored(context):
    chat = conversations.start()
    for text, payload, code in (("", None, "empty_text"), ("x" * (LIMIT + 1), None,
                                                           "text_too_long"),
                                (None, "/order_pizza", "unknown_intent"),
                                ("hi", "/greet", "text_or_payload")):
        with pytest.raises(ConversationError) as refused:
            messages.validate_input(text, payload, LIMIT)
        assert refused.value.code == code
    assert messages.validate_input(" /greet ", None, LIMIT) == ("/greet", "/greet")
    assert stored(chat) == []
