"""Passages (pinpointed answers), follow-ups in context and the dialogue-act guard, offline."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.goodbye import ActionGoodbye
from actions.knowledge_answer import ActionAnswerTopic
from assistant.nlu.dialogue_act_guard import DialogueActGuard
from knowledge import KnowledgeBase
from knowledge.passages import SUMMARY, passage_id, split_article


@pytest.fixture(scope="module")
def base():
    return KnowledgeBase.load()


def tracker(text, intent, entities=(), slots=None, confidence=0.95):
    message = {"text": text, "intent": {"name": intent, "confidence": confidence},
               "entities": list(entities), "intent_ranking": []}
    return Tracker("s", slots or {}, message, [], False, None, {}, "action_listen")


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def aspect(text, word, value):
    start = text.index(word)
    return {"entity": "aspect", "value": value, "start": start, "end": start + len(word)}


def test_every_article_splits_into_passages_in_both_languages(base):
    for article in base.articles:
        passages = split_article(article)
        for language in ("en", "th"):
            mine = [p for p in passages if p.language == language]
            assert mine[0].section == SUMMARY and len(mine) >= 3, (article.id, language)
        assert len({p.id for p in passages}) == len(passages)


def test_passage_ids_come_from_the_text_and_strip_markdown(base):
    article = base.get("visa-90-day-reporting")
    passages = split_article(article)
    assert passages == split_article(article)  # recomputed, not kept
    bullet = next(p for p in passages if "2,000 baht" in p.text and p.language == "en")
    assert bullet.id == passage_id(article.id, "en", bullet.text)
    assert bullet.section == "Tips" and not bullet.text.startswith(("-", "*"))


def test_fact_question_is_answered_with_the_passage_that_states_it(base):
    text = "How much is the fine if I report my 90 days late?"
    asked = [aspect(text, "How much", "cost"), aspect(text, "fine", "penalty")]
    t = tracker(text, "ask_visa", asked)
    [message], events = run(ActionAnswerTopic(), t)
    assert message["text"].startswith("Reporting late costs a fine (commonly 2,000 baht")
    assert message["custom"]["passage_id"].startswith("visa-90-day-reporting#en-")
    assert message["buttons"][0]["payload"] == '/ask_visa{"article_id": "visa-90-day-reporting"}'
    assert {e["name"]: e["value"] for e in events} == {
        "current_topic": "visa", "current_article": "visa-90-day-reporting"}


def test_broad_question_keeps_the_short_answer(base):
    [message], _ = run(ActionAnswerTopic(), tracker("how does 90 day reporting work", "ask_visa"))
    assert "passage_id" not in message["custom"]
    assert message["text"].startswith(base.get("visa-90-day-reporting").title["en"])


def test_elliptical_follow_up_stays_with_the_article_in_context():
    text = "แล้วต้องใช้เอกสารอะไรบ้าง"
    t = tracker(text, "ask_followup", [aspect(text, "เอกสาร", "documents")],
                slots={"current_article": "visa-90-day-reporting", "language": "th"})
    [message], _ = run(ActionAnswerTopic(), t)
    assert message["custom"]["article_ids"] == ["visa-90-day-reporting"]
    assert message["custom"]["resolved_by"] == "context"
    assert message["custom"]["passage_id"].startswith("visa-90-day-reporting#th-")


def test_new_subject_in_a_follow_up_moves_to_the_article_about_it(base):
    hits = base.rank_in_context("and for my wife?", base.get("work_permit-getting-a-work-permit"))
    assert hits[0].article.id == "work_permit-spouse-and-dependants-working"


def test_subject_covered_by_the_context_article_stays_there(base):
    hits = base.rank_in_context("แล้วลูกล่ะ ได้คนละ", base.get("tax-deductions-and-allowances"))
    assert hits[0].article.id == "tax-deductions-and-allowances"


def test_follow_up_on_the_same_article_quotes_a_passage_not_the_summary_again():
    t = tracker("can they pay my bail?", "ask_followup",
                slots={"current_article": "emergency-embassies-consular-help"})
    [message], _ = run(ActionAnswerTopic(), t)
    assert message["custom"]["article_ids"] == ["emergency-embassies-consular-help"]
    assert "bail" in message["text"].split("\n\n")[0]


def test_clear_new_question_starts_a_new_context():
    t = tracker("where can I get a Thai SIM card with my passport", "ask_daily_life",
                slots={"current_article": "visa-90-day-reporting"})
    [message], events = run(ActionAnswerTopic(), t)
    assert message["custom"]["topic"] == "daily_life"
    assert message["custom"]["resolved_by"] == "search"
    assert {e["name"]: e["value"] for e in events}["current_topic"] == "daily_life"


@pytest.mark.parametrize("text, intent, entities, expected", [
    ("ok, and can I get it at the airport?", "affirm", [], "ask_followup"),
    ("no, I mean for a Filipino teacher", "deny", [], "ask_followup"),
    ("done, thanks. what about staying with friends?", "thank", [], "ask_followup"),
    ("โอเค แล้วทำที่สนามบินได้ไหม", "affirm", [], "ask_followup"),
    ("What is TM30 and who files it?", "out_of_scope", ["form"], "ask_followup"),
    ("someone is following me", "ask_visa", ["danger"], "report_danger"),
    ("and for my wife?", "ask_work_permit", [], "ask_followup"),
    ("แล้วลูกล่ะ ได้คนละเท่าไหร่", "ask_tax", [], "ask_followup"),
    ("โอเค แล้วทำที่สนามบินได้ไหม", "nlu_fallback", [], "ask_followup"),
    ("how do I renew my work permit", "ask_work_permit", [], None),
    ("ok bye", "goodbye", [], None),
    ("thanks a lot", "thank", [], None),
    ("เสร็จแล้ว ขอบคุณค่ะ", "thank", [], None),
    ("recommend a good movie tonight?", "out_of_scope", [], None),
    ("what result are you aiming for?", "bot_challenge", [], "ask_followup"),
    ("are you a bot?", "bot_challenge", [], None),
    ("ลูกพูดไทยไม่ได้จะเรียนโรงเรียนไทยได้ไหมคะ", "switch_language", [], "ask_followup"),
    ("พูดภาษาอังกฤษได้ไหมคะ", "switch_language", [], None),
])
def test_guard_relabels_questions_and_danger_only(text, intent, entities, expected):
    vocabulary = ["ok", "thanks", "a", "lot", "ขอบคุณ", "ค่ะ", "เสร็จ", "are", "you", "bot",
                  "พูด", "ภาษาอังกฤษ", "ได้", "ไหม", "คะ", "ไทย", "ไม่"]
    guard = DialogueActGuard(None, None, vocabulary)
    assert guard.relabelled(text, intent, entities) == expected


def test_unsure_goodbye_asks_anything_else_and_keeps_the_chat_open():
    [message], events = run(ActionGoodbye(), tracker("ok that's it i guess", "goodbye",
                                                     confidence=0.6))
    assert message["buttons"][0]["payload"] == "/goodbye"
    assert events[0]["name"] == "goodbye_confirmed" and events[0]["value"] is False
    messages, events = run(ActionGoodbye(), tracker("bye!", "goodbye", confidence=0.99))
    assert messages == [] and events[0]["value"] is True


def test_out_of_scope_after_an_answer_is_answered_only_when_it_relates_to_it():
    shown = {"current_article": "emergency-embassies-consular-help"}
    [message], _ = run(ActionAnswerTopic(), tracker("will they pay bail", "out_of_scope",
                                                    slots=shown))
    assert message["custom"]["article_ids"] == ["emergency-embassies-consular-help"]
    [message], events = run(ActionAnswerTopic(), tracker("tell me a joke", "out_of_scope",
                                                         slots=shown))
    assert message["response"] == "utter_out_of_scope" and events == []
