"""Passages (pinpointed answers), follow-ups in context and the dialogue-act guard, offline."""

import asyncio

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionTopicFallback
from actions.goodbye import ActionGoodbye
from actions.knowledge_answer import ActionAnswerTopic
from knowledge import KnowledgeBase
from knowledge.aspects import evidence_share
from knowledge.passages import SUMMARY, passage_id, split_article
from nlu.dialogue_act_guard import DialogueActGuard


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


def test_list_items_are_quoted_with_their_lead_in(base):
    passages = split_article(base.get("visa-overstay"))
    ban = next(p for p in passages if p.language == "en" and "3-year ban" in p.text)
    assert ban.text.startswith("If you come forward yourself")


def test_a_wrapped_list_item_is_one_passage(base):
    passages = split_article(base.get("transport-taxis-ride-hailing"))
    fare = next(p for p in passages if p.language == "en" and p.text.startswith("The fare is"))
    assert fare.text.endswith("you may take another taxi.")
    assert not any(p.text.startswith("fixed price") for p in passages)


@pytest.mark.parametrize("text, priced", [
    ("Microchipping is free at BMA clinics", True), ("treated free of charge", True),
    ("you are free to marry", False), ("the unit must be free of storage", False)])
def test_free_is_evidence_of_a_cost_only_as_a_price(text, priced):
    assert bool(evidence_share(text, ["cost"])) is priced


def test_words_missing_in_the_reply_language_are_found_in_the_translation(base):
    text = "บริษัทต้องมี capital เท่าไหร่"
    hit = base.passages.best("visa-non-immigrant-b-business", "th", "บริษัทต้องมี capital",
                             ["cost"])
    assert hit is not None and "2 ล้านบาท" in hit.passage.text, text


def test_follow_up_answered_by_the_article_shown_stays_there():
    text = "แล้วอยู่ได้กี่วันต่อ entry"
    t = tracker(text, "ask_followup", [aspect(text, "กี่วัน", "duration")],
                slots={"current_article": "visa-destination-thailand-visa", "language": "th"})
    [message], _ = run(ActionAnswerTopic(), t)
    assert message["custom"]["article_ids"] == ["visa-destination-thailand-visa"]
    assert "180 วัน" in message["text"].split("\n\n")[0]


def test_fact_question_on_the_article_shown_is_answered_from_it():
    text = "บริษัทต้องมี capital เท่าไหร่"
    t = tracker(text, "ask_investment", [aspect(text, "เท่าไหร่", "cost")],
                slots={"current_article": "visa-non-immigrant-b-business", "language": "th"})
    [message], _ = run(ActionAnswerTopic(), t)
    assert message["custom"]["article_ids"] == ["visa-non-immigrant-b-business"]
    assert "2 ล้านบาท" in message["text"].split("\n\n")[0]


@pytest.mark.parametrize("text, context, first_reading, expected", [
    ("แล้วลูกล่ะ 10 ขวบ เข้าโรงเรียนรัฐได้ไหม", "work_permit-spouse-and-dependants-working",
     "ask_schools", "schools"),
    ("ok, and can I get it at the airport?", "visa-re-entry-permit", "affirm", "visa"),
    ("ok, and can I get it at the airport?", "visa-re-entry-permit", "ask_transport", "visa"),
])
def test_follow_up_moves_to_another_topic_only_when_first_read_as_one(
        text, context, first_reading, expected):
    t = tracker(text, "ask_followup", slots={"current_article": context})
    t.latest_message["intent_ranking"] = [{"name": first_reading, "confidence": 0.9}]
    [message], _ = run(ActionAnswerTopic(), t)
    assert message["custom"]["topic"] == expected
    assert message["custom"]["article_ids"]  # an answer, no clarifying question


def test_subject_of_the_question_can_overrule_the_classifiers_topic():
    text = "สายด่วน ขสมก. เบอร์อะไรครับ"
    asked = [aspect(text, "สายด่วน", "contact"), aspect(text, "เบอร์อะไร", "contact")]
    [message], _ = run(ActionAnswerTopic(), tracker(text, "ask_daily_life", asked,
                                                    slots={"language": "th"}))
    assert message["custom"]["article_ids"] == ["transport-buses-and-boats"]
    assert "1348" in message["text"].split("\n\n")[0]


@pytest.mark.parametrize("text, dated", [
    ("from August 2025 companies register again", True),
    ("ตั้งแต่เดือนสิงหาคม 2568", True), ("ภายใน 13 ต.ค. 2568", True),
    ("may I ask the mayor in 2025", False)])
def test_a_date_is_evidence_of_a_deadline(text, dated):
    assert bool(evidence_share(text, ["deadline"])) is dated


def test_question_about_reaching_staff_offers_the_staff_button():
    t = tracker("is there a way to reach a real person?", "ask_service_center")
    [message], _ = run(ActionAnswerTopic(), t)
    assert message["custom"]["article_ids"] == ["service_center-talking-to-staff"]
    assert message["buttons"][0]["payload"] == "/ask_human"


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
    ("ok, and can I get it at the airport?", "ask_transport", [], "ask_followup"),
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
    ("is there a way to reach a real person if I need one?", "ask_human", [],
     "ask_service_center"),
    ("ปุ่มขอคุยกับเจ้าหน้าที่ชื่อว่าอะไรคะ", "ask_human", [], "ask_service_center"),
    ("I want to talk to a real person", "ask_human", [], None),
    ("is it possible to talk to a real officer instead of the chatbot", "ask_human", [], None),
    ("ขอคุยกับเจ้าหน้าที่ได้ไหมคะ", "ask_human", [], None),
])
def test_guard_relabels_questions_and_danger_only(text, intent, entities, expected):
    vocabulary = ["ok", "thanks", "a", "lot", "ขอบคุณ", "ค่ะ", "เสร็จ", "are", "you", "bot",
                  "พูด", "ภาษาอังกฤษ", "ได้", "ไหม", "คะ", "ไทย", "ไม่"]
    guard = DialogueActGuard(None, None, vocabulary)
    assert guard.relabelled(text, intent, entities) == expected


def test_guard_learns_the_words_of_the_acts_goodbye_included_but_no_topic_words(tmp_path):
    examples = [("ขอบคุณค่ะ", "thank"), ("แค่นี้แหละ", "goodbye"), ("bye for now", "goodbye"),
                ("ต่อวีซ่าท่องเที่ยว", "ask_visa"), ("tell me a joke", "out_of_scope")]
    data = TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in examples])
    storage, resource = LocalModelStorage(tmp_path), Resource("guard")
    DialogueActGuard(storage, resource).train(data)
    guard = DialogueActGuard.load({}, storage, resource, None)
    assert guard.relabelled("ขอบคุณค่ะ แค่นี้แหละ", "thank", []) is None
    assert guard.relabelled("thanks, bye for now", "thank", []) is None
    assert guard.relabelled("ขอบคุณค่ะ ต่อวีซ่าท่องเที่ยว", "thank", []) == "ask_followup"
    assert guard.relabelled("thanks, tell me a joke", "thank", []) == "ask_followup"


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


def test_a_question_the_classifier_could_not_read_is_answered_in_the_chats_context():
    shown = {"current_article": "tax-tax-id-number", "current_topic": "tax"}
    [message], _ = run(ActionTopicFallback(), tracker("what's the top rate?", "nlu_fallback",
                                                      slots=shown, confidence=0.5))
    assert message["custom"]["article_ids"] == ["tax-personal-income-tax-rates"]
    assert message["custom"]["resolved_by"] == "context"
    [message], _ = run(ActionTopicFallback(), tracker("blorft wizzle", "nlu_fallback",
                                                      slots=shown, confidence=0.5))
    assert not message["custom"]["article_ids"] and message["custom"]["unanswered"] is True


def test_thai_question_particles_do_not_pull_a_follow_up_to_another_article():
    shown = {"current_article": "visa-90-day-reporting", "current_topic": "visa",
             "language": "th"}
    text = "ทำออนไลน์ได้ไหม"
    [message], _ = run(ActionAnswerTopic(), tracker(
        text, "ask_followup", [aspect(text, "ออนไลน์", "online")], slots=shown))
    assert message["custom"]["article_ids"] == ["visa-90-day-reporting"]


def test_a_follow_up_on_the_article_shown_is_not_answered_with_its_short_answer_again():
    shown = {"current_article": "visa-90-day-reporting", "current_topic": "visa",
             "language": "th"}
    text = "ถ้าลืมรายงานโดนปรับเท่าไหร่"
    [message], _ = run(ActionAnswerTopic(), tracker(
        text, "ask_followup", [aspect(text, "ปรับ", "penalty"), aspect(text, "เท่าไหร่", "cost")],
        slots=shown))
    assert message["custom"]["article_ids"] == ["visa-90-day-reporting"]
    assert message["custom"]["passage_id"] and "2,000" in message["text"]


def test_a_question_that_points_back_at_the_article_shown_is_answered_in_its_context():
    shown = {"current_article": "visa-tm30-address-notification", "current_topic": "visa"}
    [message], _ = run(ActionAnswerTopic(), tracker("who has to do it, me or the landlord?",
                                                    "ask_housing", slots=shown))
    assert message["custom"]["article_ids"] in (["visa-tm30-address-notification"],
                                                ["housing-landlord-tm30-duty"])
    assert message["custom"]["resolved_by"] == "context"


def test_a_follow_up_sharing_no_word_with_the_article_shown_goes_to_a_near_one_that_does():
    shown = {"current_article": "visa-tourist-visa", "current_topic": "visa"}
    [message], _ = run(ActionAnswerTopic(), tracker(
        "thanks, but what if I'm already past the date?", "ask_followup", slots=shown))
    assert message["custom"]["article_ids"] == ["visa-overstay"]
