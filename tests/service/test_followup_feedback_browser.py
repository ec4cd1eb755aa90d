"""Acceptance: a Thai user asks, follows up twice, gets a pinpointed fact, presses 👎, and a
trainer sees it in the review inbox with its context (widget and console in headless
Chromium, the real assistant behind them)."""

import re

from playwright.sync_api import expect

from tests.support.browser import chromium, live_server, screenshot, sign_in, widget_chat
from tests.support.console_helpers import create_user

TURNS = ["ต่อวีซ่าเกษียณต้องมีเงินในบัญชีเท่าไหร่ครับ", "แล้วต้องใช้เอกสารอะไรบ้าง", "ยื่นที่ไหน"]
HELPFUL_TH = "ข้อมูลนี้มีประโยชน์ไหม"


def test_thai_follow_ups_pinpointed_fact_not_helpful_reaches_the_trainer(app):
    trainer_email = create_user(app, "trainer", name="Kanda")
    with live_server(app) as url, chromium() as browser:
        user = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        user.goto(url + "/")
        chat = user.locator("#bkk-expat-chat")
        chat.get_by_role("button", name="Chat with us").click()
        chat.get_by_role("button", name="เปลี่ยนเป็น ภาษาไทย").click()  # the user's choice
        bot = chat.locator("li.message.bot")
        for text in TURNS:
            before = bot.count()
            chat.locator("textarea").fill(text)
            chat.locator("textarea").press("Enter")
            bot.nth(before).wait_for(timeout=20000)
            answer = bot.last
            assert answer.locator(".source a").count() >= 1, f"no article shown for {text}"
            expect(answer.get_by_role("group", name=HELPFUL_TH)).to_be_visible()

        conversation, authorization = widget_chat(user)
        replies = user.request.get(f"{url}/api/conversations/{conversation}/messages",
                                   headers=authorization).json()["replies"]
        assert len(replies) == len(TURNS), replies
        assert all(reply["article_ids"] for reply in replies)  # every answer from an article
        last = replies[-1]

        down = bot.last.get_by_role("button", name="ไม่มีประโยชน์")
        with user.expect_response(lambda r: r.url.endswith("/feedback")) as sent:
            down.click()
        assert sent.value.status == 200
        expect(down).to_have_attribute("aria-pressed", "true")
        screenshot(user, "followup-not-helpful-widget")

        trainer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(trainer, url, trainer_email)
        trainer.wait_for_url(re.compile(r".*/console/$"))
        trainer.goto(url + "/console/training/")
        trainer.get_by_label("Why").select_option(label="answer marked not helpful")
        trainer.get_by_role("button", name="Filter").click()
        trainer.wait_for_url(re.compile(r".*reason=not_helpful.*"))
        item = trainer.locator("tr[data-message-id]", has_text=TURNS[2])
        expect(item).to_have_count(1)
        shown = item.inner_text()
        assert all(turn in shown for turn in TURNS)  # the three user turns
        assert "answer marked not helpful" in shown and "👎 marked not helpful" in shown
        assert last["text"].splitlines()[0][:30] in shown  # the judged answer
        assert all(article in shown for article in last["article_ids"])
        screenshot(trainer, "followup-not-helpful-inbox")

        # A pinpointed fact: the last answer quotes one passage, and the trainer sees which.
        assert last["passage_id"], "the last answer is not a pinpointed fact (no passage_id)"
        assert last["passage_id"] in shown
