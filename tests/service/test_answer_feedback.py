"""Answer feedback ("Helpful? 👍 👎") through the public API on the real assistant: the reply
fields, storing and replacing a vote, refusals, votes after close and erasure, the rate
limit, and the trainers' review inbox (not helpful, unanswered, filters, chat context)."""

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from assistant.models import AnswerFeedback, Conversation, Message, Sender
from tests.service.conftest import make_app
from tests.support.console_helpers import create_user, login

NINETY_DAY = "How do I do the 90-day report?"


def api(conversation):
    return f"/api/conversations/{conversation}"


def ask(client, conversation, text):
    response = client.post(f"{api(conversation)}/messages", json={"text": text})
    assert response.status_code == 200
    return response.get_json()


def vote(client, conversation, message_id, **body):
    return client.post(f"{api(conversation)}/messages/{message_id}/feedback", json=body)


def votes_of(stored, message_id):
    return stored(lambda s: [(f.helpful, f.comment) for f in s.scalars(
        select(AnswerFeedback).where(AnswerFeedback.message_id == message_id))])


def knowledge_answer(body):
    answers = [r for r in body["replies"] if r["article_ids"]]
    assert answers, f"no knowledge answer in {body['replies']}"
    return answers[0]


@pytest.fixture
def answered(client, conversation):
    """(conversation, its knowledge answer as the API returned it)."""
    return conversation, knowledge_answer(ask(client, conversation, NINETY_DAY))


def test_replies_carry_article_ids_passage_id_and_the_vote(client, answered):
    conversation, answer = answered
    assert answer["sender"] == "bot" and answer["topic"] == "visa"
    assert all(isinstance(article, str) for article in answer["article_ids"])
    assert "passage_id" in answer and answer["feedback"] is None
    assert answer["passage_id"] is None or "#" in answer["passage_id"]
    greeting = ask(client, conversation, "hello")["replies"][0]
    assert (greeting["article_ids"], greeting["passage_id"], greeting["feedback"]) == (
        [], None, None)

    assert vote(client, conversation, answer["id"], helpful=False).status_code == 200
    listed = {r["id"]: r for r in client.get(f"{api(conversation)}/messages").get_json()[
        "replies"]}
    assert listed[answer["id"]]["feedback"] is False
    assert listed[answer["id"]]["article_ids"] == answer["article_ids"]
    assert listed[greeting["id"]]["feedback"] is None

    stream = client.get(f"{api(conversation)}/events?after={answer['id'] - 1}", buffered=False)
    events = ""
    for chunk in stream.response:
        events += chunk.decode() if isinstance(chunk, bytes) else chunk
        if "event: message" in events:
            break
    stream.close()
    found = re.search(r"event: message\ndata: (.*)\n", events)
    assert found, events
    data = json.loads(found.group(1))
    assert (data["id"], data["article_ids"], data["feedback"]) == (
        answer["id"], answer["article_ids"], False)
    assert "passage_id" in data


def test_a_vote_is_stored_and_a_second_one_replaces_it(client, answered, stored):
    conversation, answer = answered
    first = vote(client, conversation, answer["id"], helpful=False, comment="  Too vague  ")
    assert first.status_code == 200
    assert first.get_json() == {"message_id": answer["id"], "helpful": False,
                                "comment": "Too vague"}
    assert votes_of(stored, answer["id"]) == [(False, "Too vague")]
    second = vote(client, conversation, answer["id"], helpful=True)
    assert second.get_json() == {"message_id": answer["id"], "helpful": True, "comment": None}
    assert votes_of(stored, answer["id"]) == [(True, None)]


def add_message(stored, conversation, **fields):
    def add(session):
        message = Message(conversation_id=conversation, **fields)
        session.add(message)
        session.commit()
        return message.id
    return stored(add)


def test_votes_on_what_is_not_this_chats_knowledge_answer_are_refused(client, answered,
                                                                      stored):
    conversation, answer = answered
    greeting = ask(client, conversation, "hello")["replies"][0]["id"]
    user_message = stored(lambda s: s.scalar(select(Message.id).where(
        Message.conversation_id == conversation, Message.sender == Sender.USER)))
    staff_article = add_message(stored, conversation, sender=Sender.STAFF, text="Article",
                                article_ids=["visa-90-day-reporting"])
    other = client.post("/api/conversations").get_json()["id"]
    cases = [(other, answer["id"], 404, "unknown_message"),
             (conversation, 2**63, 404, "unknown_message"),
             (conversation, "abc", 404, "unknown_message"),
             (conversation, "٣", 404, "unknown_message"),
             (conversation, 987654321, 404, "unknown_message"),
             ("0" * 32, answer["id"], 404, "unknown_conversation"),
             (conversation, greeting, 422, "not_a_knowledge_answer"),
             (conversation, user_message, 422, "not_a_knowledge_answer"),
             (conversation, staff_article, 422, "not_a_knowledge_answer")]
    for chat, message_id, status, code in cases:
        response = vote(client, chat, message_id, helpful=False)
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            status, code), (chat, message_id)
    for body, code in [({}, "invalid_helpful"), ({"helpful": "yes"}, "invalid_helpful"),
                       ({"helpful": 1}, "invalid_helpful"), ({"helpful": None}, "invalid_helpful"),
                       ({"helpful": True, "comment": "x" * 501}, "invalid_comment"),
                       ({"helpful": True, "comment": 5}, "invalid_comment")]:
        response = client.post(f"{api(conversation)}/messages/{answer['id']}/feedback",
                               json=body)
        assert (response.status_code, response.get_json()["error"]["code"]) == (422, code)
    raw = client.post(f"{api(conversation)}/messages/{answer['id']}/feedback",
                      data="{not json", content_type="application/json")
    assert raw.status_code == 400 and raw.get_json()["error"]["code"] == "invalid_json"
    assert stored(lambda s: s.scalar(select(func.count()).select_from(AnswerFeedback).where(
        AnswerFeedback.conversation_id.in_([conversation, other])))) == 0
    assert vote(client, conversation, answer["id"], helpful=True,
                comment="y" * 500).status_code == 200  # exactly the limit


def test_votes_count_after_close_go_into_the_export_and_are_erased(client, answered, stored):
    conversation, answer = answered
    assert client.post(f"{api(conversation)}/close").get_json()["state"] == "closed"
    assert vote(client, conversation, answer["id"], helpful=False,
                comment="outdated fee").status_code == 200
    exported = client.get(f"{api(conversation)}/export").get_json()
    assert exported["answer_feedback"] == [{"message_id": answer["id"], "helpful": False,
                                            "comment": "outdated fee"}]
    assert client.delete(api(conversation)).status_code == 200
    assert votes_of(stored, answer["id"]) == []
    assert vote(client, conversation, answer["id"], helpful=True).status_code == 404


def test_votes_are_rate_limited_per_conversation(servers, knowledge_dir, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'limits.db'}", servers.rasa.base_url,
                   servers.actions_url, knowledge_dir, rate_limit_conversation="3 per minute")
    client = app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    answer = knowledge_answer(ask(client, conversation, NINETY_DAY))
    statuses = [vote(client, conversation, answer["id"], helpful=i % 2 == 0).status_code
                for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    with app.app_context():
        from assistant.extensions import db
        assert db.session.scalar(select(AnswerFeedback.helpful)) is True  # the 3rd vote


# ---- the trainers' review inbox ---------------------------------------------------------

@pytest.fixture
def trainer(app):
    client = app.test_client()
    assert login(client, create_user(app, "trainer", name="Kanda")).status_code == 302
    return client


def inbox_item(trainer, message_id, query=""):
    """The inbox row of a user message (its HTML), or None when it is not listed."""
    page = trainer.get(f"/console/training/?{query}")
    assert page.status_code == 200
    found = re.search(rf'<tr data-message-id="{message_id}">(.*?)</tr>',
                      page.get_data(as_text=True), re.DOTALL)
    return found.group(1) if found else None


def test_a_thumbs_down_puts_the_question_in_the_inbox_with_its_context(client, conversation,
                                                                       trainer, stored):
    ask(client, conversation, "hello")
    answer = knowledge_answer(ask(client, conversation, NINETY_DAY))
    question = stored(lambda s: s.scalars(select(Message.id).where(
        Message.conversation_id == conversation, Message.sender == Sender.USER)
        .order_by(Message.id)).all())[-1]
    assert inbox_item(trainer, question, "reason=not_helpful") is None
    assert vote(client, conversation, answer["id"], helpful=False,
                comment="I need the online form").status_code == 200

    item = inbox_item(trainer, question, "reason=not_helpful")
    assert item is not None
    assert "answer marked not helpful" in item and NINETY_DAY in item
    context = item[item.index('class="transcript inbox-context"'):]
    assert context.index("hello") < context.index(NINETY_DAY)  # the earlier turn first
    assert all(article in context for article in answer["article_ids"])
    assert "👎 marked not helpful: “I need the online form”" in context
    assert inbox_item(trainer, question) is not None  # "all" lists it too
    assert inbox_item(trainer, question, "reason=unanswered") is None

    vote(client, conversation, answer["id"], helpful=True)  # changed their mind
    assert inbox_item(trainer, question, "reason=not_helpful") is None


def make_chat(stored, turns):
    """A stored chat of ``(user text, bot fields)`` turns; the user messages' ids."""
    def add(session):
        chat = Conversation(language="en")
        ids = []
        for text, bot in turns:
            user = Message(sender=Sender.USER, text=text, language="en")
            chat.messages.append(user)
            chat.messages.append(Message(sender=Sender.BOT, language="en", **bot))
            session.add(chat)
            session.flush()
            ids.append(user.id)
        session.commit()
        return chat.id, ids, [m.id for m in chat.messages if m.sender == Sender.BOT]
    return stored(add)


def test_unanswered_and_not_helpful_filters_show_the_chat_context(client, trainer, stored):
    tag = uuid.uuid4().hex[:8]
    answer = {"text": f"Answer {tag}", "intent": "ask_visa", "confidence": 0.97,
              "topic": "visa", "article_ids": ["visa-retirement"],
              "details": {"article_ids": ["visa-retirement"],
                          "passage_id": "visa-retirement#en-0a1b2c3d"}}
    turns = [(f"first {tag}", {"text": "Hi there", "intent": "greet", "confidence": 0.99}),
             (f"second {tag}", dict(answer, text=f"Second answer {tag}")),
             (f"third {tag}", dict(answer, text=f"Third answer {tag}")),
             (f"fourth {tag}", answer),
             (f"fifth {tag}", {"text": "I could not find that in the knowledge base.",
                               "intent": "ask_visa", "confidence": 0.95,
                               "details": {"unanswered": True,
                                           "question": f"fifth {tag}"}})]
    chat, questions, answers = make_chat(stored, turns)
    assert vote(client, chat, answers[3], helpful=False).status_code == 200

    unanswered = inbox_item(trainer, questions[4], "reason=unanswered")
    assert unanswered is not None and "no answer in the knowledge base" in unanswered
    for earlier in (f"second {tag}", f"third {tag}", f"fourth {tag}", f"Answer {tag}"):
        assert earlier in unanswered
    assert f"first {tag}" not in unanswered  # three earlier user turns, no more
    assert "visa-retirement#en-0a1b2c3d" in unanswered  # the passage of the earlier answer
    assert "👎 marked not helpful" in unanswered

    judged = inbox_item(trainer, questions[3], "reason=not_helpful")
    assert judged is not None and "answer marked not helpful" in judged
    assert f"Answer {tag}" in judged and "visa-retirement#en-0a1b2c3d" in judged
    assert "no answer in the knowledge base" not in judged
    assert inbox_item(trainer, questions[3], "reason=unanswered") is None
    assert inbox_item(trainer, questions[4], "reason=not_helpful") is None
    for quiet in (questions[0], questions[1], questions[2]):  # sure and unjudged: not listed
        assert inbox_item(trainer, quiet) is None
    assert inbox_item(trainer, questions[4], "reason=fallback") is None

    page = trainer.get("/console/training/").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', page)
    assert options[:3] == [("", "all"), ("unanswered", "no answer in the knowledge base"),
                           ("not_helpful", "answer marked not helpful")]
    assert ("fallback", "not understood") in options  # the existing reasons stay
