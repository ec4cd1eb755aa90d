"""Custom actions run directly against rasa-sdk trackers (no servers)."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import search_query
from actions.fallback import ActionTopicFallback, consecutive_misses
from actions.knowledge_answer import ActionAnswerTopic
from actions.language import ActionSwitchLanguage
from actions.satisfaction import ActionRecordSatisfaction
from knowledge.replies import format_date


def tracker(text, intent, entities=(), ranking=(), slots=None, events=()):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": list(entities),
        "intent_ranking": list(ranking),
    }
    return Tracker("s", slots or {}, message, list(events), False, None, {}, "action_listen")


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def user_event(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_unanswerable_fallback_says_so_offers_staff_and_the_likeliest_topics():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_tax", "confidence": 0.3},
        {"name": "greet", "confidence": 0.2},
        {"name": "ask_banking", "confidence": 0.2},
        {"name": "ask_visa", "confidence": 0.1},
        {"name": "ask_housing", "confidence": 0.05},
    ]
    t = tracker("hmm, blorft wizzle?", "nlu_fallback", ranking=ranking,
                events=[user_event("nlu_fallback")])
    [message], _ = run(ActionTopicFallback(), t)
    assert [b["payload"] for b in message["buttons"]] == [
        "/ask_human", "/ask_tax", "/ask_banking", "/ask_visa"]
    assert message["custom"]["unanswered"] is True and message["custom"]["offer_human"] is True
    assert message["custom"]["question"] == "hmm, blorft wizzle?"
    assert message["text"].startswith("I'm sorry, I don't know the answer")


def test_consecutive_misses_stop_at_an_understood_message():
    events = [user_event("nlu_fallback"), user_event("ask_visa"),
              {"event": "bot"}, user_event("nlu_fallback"), user_event("nlu_fallback")]
    assert consecutive_misses(tracker("x", "nlu_fallback", events=events)) == 2


def test_unsure_nlu_answers_when_retrieval_confirms_a_likely_topic():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5},
               {"name": "ask_banking", "confidence": 0.4},
               {"name": "ask_transport", "confidence": 0.4}]
    t = tracker("which card do I need to ride the BTS skytrain", "nlu_fallback", ranking=ranking)
    [message], _ = run(ActionTopicFallback(), t)
    meta = message["custom"]
    assert meta["article_ids"] == ["transport-bts-mrt-airport-rail"]
    assert (meta["intent"], meta["topic"], meta["resolved_by"]) == (
        "nlu_fallback", "transport", "retrieval")


def test_retrieval_outside_the_likely_topics_does_not_answer():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5},
               {"name": "ask_schools", "confidence": 0.3},
               {"name": "ask_tax", "confidence": 0.3}]
    t = tracker("which card do I need to ride the BTS skytrain", "nlu_fallback", ranking=ranking)
    [message], _ = run(ActionTopicFallback(), t)
    assert "article_ids" not in message["custom"] or not message["custom"]["article_ids"]
    assert [b["payload"] for b in message["buttons"]] == ["/ask_schools", "/ask_tax"]


def test_an_article_that_stands_out_answers_whatever_topics_the_classifier_thought():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5},
               {"name": "ask_tax", "confidence": 0.3},
               {"name": "ask_banking", "confidence": 0.2}]
    t = tracker("Where can I get married as a foreigner in Bangkok?", "nlu_fallback",
                ranking=ranking)
    [message], _ = run(ActionTopicFallback(), t)
    assert message["custom"]["article_ids"] == ["daily_life-marriage-registration"]
    assert message["custom"]["resolved_by"] == "retrieval"


def test_a_fallback_answered_from_retrieval_is_not_a_miss():
    answered = {"event": "bot", "data": {"custom": {"article_ids": ["visa-x"]}}}
    events = [user_event("nlu_fallback"), answered, user_event("nlu_fallback")]
    assert consecutive_misses(tracker("x", "nlu_fallback", events=events)) == 1


def test_thai_fallback_with_human_button():
    events = [user_event("nlu_fallback"), user_event("nlu_fallback")]
    t = tracker("อืม", "nlu_fallback", slots={"language": "th"}, events=events)
    [message], _ = run(ActionTopicFallback(), t)
    assert message["buttons"][-1] == {"title": "คุยกับเจ้าหน้าที่", "payload": "/ask_human"}


def test_possible_danger_gets_the_numbers_before_an_answer_on_another_topic():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5},
               {"name": "ask_housing", "confidence": 0.25},
               {"name": "ask_emergency", "confidence": 0.18}]
    t = tracker("I have severe chest pain and my left arm is numb", "nlu_fallback",
                ranking=ranking)
    note, answer = run(ActionTopicFallback(), t)[0]
    assert "191" in note["text"] and "1669" in note["text"]
    assert note["custom"]["danger_note"] is True and not note["custom"].get("danger")
    assert "191" not in answer["text"]


def test_possible_danger_note_in_thai():
    ranking = [{"name": "ask_housing", "confidence": 0.6},
               {"name": "report_danger", "confidence": 0.3}]
    t = tracker("มีคนแปลกหน้าอยู่ในคอนโด", "ask_housing", ranking=ranking,
                slots={"language": "th"})
    note, answer = run(ActionAnswerTopic(), t)[0]
    assert note["text"].startswith("หากมีผู้ใดตกอยู่ในอันตราย") and "191" in note["text"]
    assert answer["custom"]["topic"] == "housing"


def test_no_danger_note_before_an_answer_on_emergencies():
    ranking = [{"name": "ask_emergency", "confidence": 0.7},
               {"name": "report_danger", "confidence": 0.3}]
    [answer], _ = run(ActionAnswerTopic(), tracker(
        "what is the tourist police number", "ask_emergency", ranking=ranking))
    assert answer["custom"]["topic"] == "emergency" and "1155" in answer["text"]


@pytest.mark.parametrize("ranking", [
    [{"name": "ask_housing", "confidence": 0.9}, {"name": "ask_visa", "confidence": 0.05}],
    [{"name": "ask_housing", "confidence": 0.6}, {"name": "ask_visa", "confidence": 0.3},
     {"name": "report_danger", "confidence": 0.1}],
    [{"name": "ask_housing", "confidence": 0.9}, {"name": "ask_emergency", "confidence": 0.05}],
])
def test_no_danger_note_when_danger_is_not_among_the_first_readings(ranking):
    t = tracker("condo near BTS Asok", "ask_housing", ranking=ranking)
    messages, _ = run(ActionAnswerTopic(), t)
    assert len(messages) == 1 and messages[0]["custom"]["topic"] == "housing"


@pytest.mark.parametrize(
    "text, entities, level",
    [
        ("/rate_satisfaction", [{"entity": "satisfaction_level", "value": 2}], 2),
        ("very dissatisfied", [], 1),
        ("Satisfied!", [], 4),
        ("พึงพอใจมากค่ะ", [], 5),
        ("เฉยๆ ครับ", [], 3),
        ("5", [], 5),
    ],
)
def test_rating_levels(text, entities, level):
    messages, events = run(ActionRecordSatisfaction(),
                           tracker(text, "rate_satisfaction", entities=entities))
    assert messages[0]["custom"]["satisfaction_level"] == level
    assert [(e["name"], e["value"]) for e in events] == [("satisfaction", float(level))]


@pytest.mark.parametrize("text", ["not very satisfied", "7", "meh"])
def test_unclear_rating_asks_again_and_stores_nothing(text):
    messages, events = run(ActionRecordSatisfaction(), tracker(text, "rate_satisfaction"))
    assert events == []
    assert messages[-1]["response"] == "utter_ask_satisfaction"


def test_explicit_request_sets_the_preference():
    _, events = run(ActionSwitchLanguage(), tracker("ขอภาษาไทยครับ", "switch_language",
                                                    slots={"language": "en"}))
    assert {e["name"]: e["value"] for e in events} == {"language_preference": "th",
                                                       "language": "th"}


def test_switch_without_naming_a_language_toggles():
    _, events = run(ActionSwitchLanguage(),
                    tracker("change language", "switch_language", slots={"language": "en"}))
    assert {e["name"]: e["value"] for e in events} == {"language_preference": "th",
                                                       "language": "th"}


def test_search_query_adds_canonical_entities_and_ignores_payloads():
    entities = [{"entity": "visa_type", "value": "LTR"}, {"entity": "language", "value": "en"}]
    assert search_query(tracker("requirements?", "ask_visa", entities=entities)) == (
        "requirements? LTR")
    assert search_query(tracker('/ask_visa{"article_id": "x"}', "ask_visa")) == ""


def test_unknown_article_id_falls_back_to_search():
    entities = [{"entity": "article_id", "value": "no-such-article"}]
    [message], _ = run(ActionAnswerTopic(), tracker("/ask_tax", "ask_tax", entities=entities))
    assert message["custom"]["topic"] == "tax"


def test_dates_in_english_and_buddhist_era():
    import datetime as dt

    assert format_date(dt.date(2026, 11, 25), "en") == "25 November 2026"
    assert format_date(dt.date(2026, 11, 25), "th") == "25 พ.ย. 2569"
