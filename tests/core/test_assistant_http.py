"""The running assistant over Rasa's HTTP API: languages, knowledge answers, handoff, rating."""

import re

import pytest

THAI = re.compile(r"[\u0E00-\u0E7F]")


def answer(replies):
    """The reply that carries reply metadata."""
    found = [r for r in replies if r.metadata]
    assert found, f"no reply with metadata in {replies}"
    return found[0]


def test_english_topic_question_gets_sourced_answer_with_metadata(assistant, sender):
    reply = answer(assistant.send(sender, "How can I extend my tourist visa in Bangkok?"))
    meta = reply.metadata
    assert (meta["intent"], meta["topic"], meta["language"]) == ("ask_visa", "visa", "en")
    assert meta["article_ids"] and meta["article_ids"][0].startswith("visa-")
    source_url = meta["sources"][0]["url"]
    assert source_url.startswith("https://") and source_url in reply.text
    assert "Last reviewed:" in reply.text and not THAI.search(reply.text)
    assert 2 <= len(reply.buttons) <= 3
    assert all('"article_id"' in b["payload"] for b in reply.buttons)


def test_thai_question_is_answered_in_thai(assistant, sender):
    reply = answer(assistant.send(sender, "เปิดบัญชีธนาคารต้องใช้เอกสารอะไรบ้างคะ"))
    assert (reply.metadata["topic"], reply.metadata["language"]) == ("banking", "th")
    assert "แหล่งข้อมูลทางการ" in reply.text and "ตรวจทานล่าสุด" in reply.text
    assert all(THAI.search(b["title"]) for b in reply.buttons)


def test_code_mixed_question_is_answered_in_thai(assistant, sender):
    meta = answer(assistant.send(sender, "ต่อ visa ที่ไหนครับ")).metadata
    assert (meta["topic"], meta["language"]) == ("visa", "th")


def test_related_article_button_opens_that_article(assistant, sender):
    first = answer(assistant.send(sender, "how do I rent an apartment in Bangkok"))
    chosen = first.buttons[0]
    second = answer(assistant.send(sender, chosen["payload"]))
    assert second.metadata["article_ids"] == [first.metadata["related_article_ids"][0]]
    assert second.text.startswith(chosen["title"])


def test_explicit_language_switch_sticks(assistant, sender):
    assistant.send(sender, "สวัสดีครับ")
    switched = assistant.send(sender, "English please")
    assert not THAI.search(switched[0].text)
    meta = answer(assistant.send(sender, "ต่อวีซ่าที่ไหนครับ")).metadata
    assert meta["language"] == "en"
    back = assistant.send(sender, "ขอภาษาไทยครับ")
    assert THAI.search(back[0].text)
    assert assistant.tracker(sender)["slots"]["language_preference"] == "th"


def test_greeting_follows_the_users_language(assistant, sender):
    assert THAI.search(assistant.send(sender, "สวัสดีค่ะ")[0].text)
    assert not THAI.search(assistant.send(f"{sender}-en", "hello there")[0].text)


def test_two_fallbacks_in_a_row_offer_a_human(assistant, sender):
    first = answer(assistant.send(sender, "/nlu_fallback"))
    assert first.metadata["offer_human"] is False
    second = answer(assistant.send(sender, "/nlu_fallback"))
    assert second.metadata["offer_human"] is True
    assert second.buttons[-1]["payload"] == "/ask_human"


def test_ask_human_marks_the_conversation_for_staff(assistant, sender):
    reply = answer(assistant.send(sender, "I want to talk to a real person"))
    assert reply.metadata["handoff"] is True and reply.metadata["intent"] == "ask_human"
    assert assistant.tracker(sender)["slots"]["handoff_requested"] is True


@pytest.mark.parametrize(
    "goodbye, labels",
    [
        (
            "bye, thanks",
            ["Very Satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very Dissatisfied"],
        ),
        ("ไปก่อนนะคะ บาย", ["พึงพอใจมาก", "พึงพอใจ", "ปานกลาง", "ไม่พึงพอใจ", "ไม่พึงพอใจมาก"]),
    ],
)
def test_goodbye_asks_satisfaction_and_stores_the_rating(assistant, sender, goodbye, labels):
    replies = assistant.send(sender, goodbye)
    question = replies[-1]
    assert [b["title"] for b in question.buttons] == labels
    rated = answer(assistant.send(sender, question.buttons[1]["payload"]))
    assert rated.metadata["satisfaction_level"] == 4
    assert assistant.tracker(sender)["slots"]["satisfaction"] == 4.0


def test_typed_rating_label_is_understood(assistant, sender):
    assistant.send(sender, "ไปก่อนนะคะ บาย")
    rated = answer(assistant.send(sender, "พึงพอใจมากค่ะ"))
    assert rated.metadata["satisfaction_level"] == 5


def test_parse_gives_language_and_canonical_domain_entities(assistant):
    result = assistant.parse("ขอ LTR visa ได้ไหม อยู่เขตบางรักครับ")
    entities = {(e["entity"], e["value"]) for e in result["entities"]}
    assert {("language", "th"), ("visa_type", "LTR"), ("district", "Bang Rak")} <= entities


@pytest.mark.parametrize("nonsense", ["zxqv plmk wert", "ภภภ ถถถ ฟฟฟ", "qpwoei ruty", "ฏฐฑ ฒณ"])
def test_nonsense_never_gets_an_article(assistant, sender, nonsense):
    replies = assistant.send(sender, nonsense)
    assert replies and not any(r.metadata.get("article_ids") for r in replies)
    intent = assistant.tracker(sender)["latest_message"]["intent"]["name"]
    assert not intent.startswith("ask_"), intent


def test_fact_question_gets_the_passage_that_states_the_fact(assistant, sender):
    reply = answer(assistant.send(sender, "How much is the fine if I report my 90 days late?"))
    assert "2,000 baht" in reply.text.split("\n\n")[0]
    assert reply.metadata["passage_id"].startswith("visa-90-day-reporting#en-")


@pytest.mark.parametrize("turns", [
    ["How do I get a re-entry permit?", "ok, and can I get it at the airport?"],
    ["ขอ re-entry permit ยังไงคะ", "โอเค แล้วทำที่สนามบินได้ไหม"],
])
def test_follow_up_after_ok_is_answered_in_context_and_never_closes(assistant, sender, turns):
    for turn in turns:
        replies = assistant.send(sender, turn)
        assert not any(b["payload"].startswith("/rate_satisfaction")
                       for r in replies for b in r.buttons)
    assert answer(replies).metadata["article_ids"] == ["visa-re-entry-permit"]


@pytest.mark.parametrize("text, thai", [
    ("someone is following me and i feel unsafe", False),
    ("ได้กลิ่นแก๊สในห้อง ไฟเริ่มลุกแล้ว", True),
])
def test_danger_gets_emergency_numbers_first(assistant, sender, text, thai):
    first = assistant.send(sender, text)[0]
    assert "191" in first.text and "1669" in first.text
    assert bool(THAI.search(first.text)) is thai
    assert first.buttons[0]["payload"] == "/ask_human"
