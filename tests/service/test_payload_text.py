"""Text starting with "/" is a payload to Rasa: it gets the payload checks, and only en or
th is ever stored as a language."""

import pytest
from sqlalchemy import select

from assistant.chat import conversations, messages
from assistant.extensions import db
from assistant.models import Conversation, Message, Rating
from common.rasa_client import Reply


@pytest.mark.parametrize("body, code", [
    ({"text": '/greet{"language":"zz"}'}, "invalid_payload"),
    ({"text": ' /greet{"language": "zz"} '}, "invalid_payload"),
    ({"payload": '/greet{"language": "zz"}'}, "invalid_payload"),
    ({"text": "/ask_visa@0.01"}, "invalid_payload"),
    ({"text": '/ask_visa{"confidence": 1}'}, "invalid_payload"),
    ({"text": '/ask_visa{"article_id": ["a"]}'}, "invalid_payload"),
    ({"text": "/greet\n"}, None),  # stripped like any text: a valid payload
    ({"payload": "/greet\n"}, "invalid_payload"),
    ({"text": "/order_pizza"}, "unknown_intent"),
])
def test_payload_checks_apply_to_text_starting_with_a_slash(client, conversation, stored,
                                                           body, code):
    response = client.post(f"/api/conversations/{conversation}/messages", json=body)
    if code is None:
        assert response.status_code == 200
        assert response.get_json()["replies"][0]["intent"] == "greet"
        return
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert stored(lambda s: s.scalars(select(Message).where(
        Message.conversation_id == conversation)).all()) == []


def test_refused_language_leaves_take_over_rating_and_replies_working(client, conversation,
                                                                     stored):
    api = f"/api/conversations/{conversation}"
    client.post(f"{api}/messages", json={"text": '/greet{"language":"zz"}'})
    assert client.post(f"{api}/messages", json={"text": "hello"}).get_json()["language"] == "en"
    assert client.post(f"{api}/close").get_json()["replies"][0]["buttons"]
    assert client.post(f"{api}/satisfaction", json={"level": 4}).status_code == 200
    rating = stored(lambda s: s.scalars(select(Rating).where(
        Rating.conversation_id == conversation)).one())
    assert rating.language == "en"


def test_only_known_languages_are_stored_whatever_rasa_says(app):
    with app.app_context():
        chat = conversations.start()
        replies = [Reply(text="hi", buttons=[], metadata={"language": "xx"})]
        stored = messages.store_bot_replies(
            chat, replies, {"slots": {"language": "zz", "language_preference": "zz"}})
        assert chat.language == "en" and stored[0].language == "en"
        db.session.refresh(chat)
        assert chat.language == "en"
        with pytest.raises(ValueError):
            Conversation(language="zz")
        with pytest.raises(ValueError):
            Rating(language="zz")
