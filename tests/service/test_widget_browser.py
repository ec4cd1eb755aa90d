"""The widget on the demo page, in real headless Chromium, against real Rasa."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import AnswerFeedback
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user

THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture(scope="module")
def site(app):
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(site):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(site + "/")
        yield page
        context.close()


def widget(page):
    return page.locator("#bkk-expat-chat")


def last_bot_text(page):
    return widget(page).locator("li.message.bot .text").last


def ask(page, text, replies_before):
    chat = widget(page)
    chat.locator("textarea").fill(text)
    chat.locator("textarea").press("Enter")
    expect_count = replies_before + 1
    chat.locator("li.message.bot").nth(expect_count - 1).wait_for(timeout=20000)


def test_chat_in_english_and_thai_end_and_rate(page):
    chat = widget(page)
    chat.get_by_role("button", name="Chat with us").click()
    ask(page, "How do I extend my tourist visa?", replies_before=1)  # 1: the welcome text
    assert chat.locator("li.message.bot .source a").first.get_attribute("href").startswith(
        "https://")
    ask(page, "เปิดบัญชีธนาคารต้องใช้อะไรบ้างคะ", replies_before=2)
    assert THAI.search(last_bot_text(page).inner_text())  # the answer follows the question
    assert chat.get_by_role("button", name="End chat").is_visible()  # one message: no switch
    ask(page, "ต่อวีซ่าท่องเที่ยวได้ที่ไหนคะ", replies_before=3)
    assert chat.get_by_role("button", name="จบการสนทนา").is_visible()  # a stable majority
    screenshot(page, "widget-thai-answer")

    chat.get_by_role("button", name="จบการสนทนา").click()
    chat.get_by_role("button", name="พึงพอใจมาก", exact=True).wait_for()
    chat.get_by_role("button", name="พึงพอใจมาก", exact=True).click()
    chat.get_by_text("ขอบคุณสำหรับความคิดเห็น").wait_for()
    assert chat.get_by_role("button", name="เริ่มแชตใหม่").is_visible()
    screenshot(page, "widget-rated")

    count = chat.locator("li.message").count()
    page.reload()
    chat.locator("li.message").nth(count - 1).wait_for(state="attached")
    assert widget(page).locator("li.message").count() == count  # kept across reloads


def test_talk_to_a_person_and_keyboard_only(page):
    chat = widget(page)
    page.keyboard.press("Tab")
    chat.get_by_role("button", name="Chat with us").focus()
    page.keyboard.press("Enter")
    assert chat.locator("textarea").evaluate("e => e === e.getRootNode().activeElement")
    chat.get_by_role("button", name="Talk to a person").click()
    chat.get_by_text("asked a staff member").wait_for(timeout=20000)
    assert not chat.get_by_role("button", name="Talk to a person").is_visible()
    page.keyboard.press("Escape")
    assert chat.get_by_role("button", name="Chat with us").is_visible()


def test_mobile_layout_fills_the_screen(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 700})
        page.goto(site + "/")
        chat = widget(page)
        chat.get_by_role("button", name="Chat with us").click()
        box = chat.locator("section.panel").bounding_box()
        assert box["width"] == 375 and box["height"] == 700
        screenshot(page, "widget-mobile")


def test_user_and_staff_in_two_browsers(site, app):
    """Ask for a person in the widget; staff log in, take over and reply; the user sees the
    reply; staff close; the user rates."""
    email = create_user(app, "staff", name="Malee")
    with chromium() as browser:
        user = browser.new_context().new_page()
        user.goto(site + "/")
        chat = widget(user)
        chat.get_by_role("button", name="Chat with us").click()
        chat.get_by_role("button", name="เปลี่ยนเป็น ภาษาไทย").click()  # the user's choice
        ask(user, "สวัสดีค่ะ อยากสอบถามเรื่องวีซ่าให้สามีค่ะ", replies_before=1)
        chat.get_by_role("button", name="คุยกับเจ้าหน้าที่").click()
        chat.get_by_text("ส่งเรื่องให้เจ้าหน้าที่").wait_for(timeout=20000)

        staff = browser.new_context().new_page()
        sign_in(staff, site, email)
        staff.get_by_role("row").filter(has_text="วีซ่าให้สามี").get_by_role(
            "link", name="Open").click()
        staff.get_by_role("button", name="Take over").click()
        staff.get_by_label("Reply to the user").fill("สวัสดีค่ะ เจ้าหน้าที่มาลีค่ะ ยินดีช่วยค่ะ")
        staff.get_by_role("button", name="Send reply").click()
        screenshot(staff, "console-with-staff")

        chat.locator("li.message.staff").get_by_text("เจ้าหน้าที่มาลี").wait_for(timeout=10000)
        screenshot(user, "widget-staff-reply")

        # Agent assist: find the article in Thai, insert it into the reply box, then send
        # it with one click; the user sees its Thai answer and official source.
        staff.get_by_label("Search articles (English or Thai)").fill("วีซ่าคู่สมรส")
        staff.get_by_role("button", name="Search", exact=True).click()
        card = staff.locator("article.kb-card").first
        assert card.get_attribute("data-article-id") == "visa-marriage-family"
        card.get_by_role("button", name="Insert into reply").click()
        inserted = staff.get_by_label("Reply to the user").input_value()
        assert THAI.search(inserted) and "https://" in inserted
        screenshot(staff, "console-agent-assist")
        staff.locator("article.kb-card").first.get_by_role(
            "button", name="Send to user (ไทย)").click()
        sent = chat.locator("li.message.staff").filter(has=user.locator(".source a")).last
        sent.wait_for(timeout=10000)
        assert THAI.search(sent.inner_text())
        assert sent.locator(".source a").first.get_attribute("href").startswith("https://")
        screenshot(user, "widget-article-from-staff")

        staff.get_by_role("button", name="Close chat").click()
        chat.get_by_role("button", name="พึงพอใจมาก", exact=True).wait_for(timeout=10000)
        chat.get_by_role("button", name="พึงพอใจมาก", exact=True).click()
        chat.get_by_text("ขอบคุณสำหรับความคิดเห็น").wait_for()
        screenshot(user, "widget-rated-after-staff")


FORGET_VOTES = """() => {
  const saved = JSON.parse(localStorage.getItem("bkk-expat-chat"));
  saved.messages.forEach((message) => { delete message.feedback; });
  localStorage.setItem("bkk-expat-chat", JSON.stringify(saved));
}"""


def test_helpful_buttons_under_a_knowledge_answer_keep_the_vote_across_reloads(page, stored):
    chat = widget(page)
    chat.get_by_role("button", name="Chat with us").click()
    ask(page, "How do I do the 90-day report?", replies_before=1)
    assert chat.get_by_role("group", name="Helpful?").count() == 1  # not under the welcome
    group = chat.locator("li.message.bot").last.get_by_role("group", name="Helpful?")
    up = group.get_by_role("button", name="Helpful", exact=True)
    down = group.get_by_role("button", name="Not helpful")
    assert "Helpful?" in group.inner_text() and (up.inner_text(), down.inner_text()) == ("👍", "👎")
    assert up.get_attribute("aria-pressed") == down.get_attribute("aria-pressed") == "false"

    with page.expect_response(lambda r: r.url.endswith("/feedback")) as sent:
        down.click()
    assert sent.value.status == 200
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    conversation = page.evaluate(
        "() => JSON.parse(localStorage.getItem('bkk-expat-chat')).conversation")

    def votes():
        return stored(lambda s: [f.helpful for f in s.scalars(select(AnswerFeedback).where(
            AnswerFeedback.conversation_id == conversation))])
    assert votes() == [False]
    screenshot(page, "widget-not-helpful")

    page.reload()  # from the browser's storage
    expect(widget(page).get_by_role("button", name="Not helpful")).to_have_attribute(
        "aria-pressed", "true")
    page.evaluate(FORGET_VOTES)
    page.reload()  # from the service: the message list returns the vote
    down = widget(page).get_by_role("button", name="Not helpful")
    expect(down).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => JSON.parse(localStorage.getItem('bkk-expat-chat'))"
                         ".messages.some((m) => m.feedback === false)")

    up = widget(page).get_by_role("button", name="Helpful", exact=True)
    with page.expect_response(lambda r: r.url.endswith("/feedback")):
        up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(down).to_have_attribute("aria-pressed", "false")
    assert votes() == [True]  # replaced, one vote per answer

    widget(page).get_by_role("button", name="ภาษาไทย").click()
    thai = widget(page).get_by_role("group", name="ข้อมูลนี้มีประโยชน์ไหม")
    assert "ข้อมูลนี้มีประโยชน์ไหม" in thai.inner_text()
    expect(thai.get_by_role("button", name="มีประโยชน์", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    assert thai.get_by_role("button", name="ไม่มีประโยชน์").is_visible()
