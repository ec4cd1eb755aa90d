"""Two staff members at once, in real Chromium, with a user in the widget (real Rasa).

Malee takes a Thai chat (Somchai sees it is hers), writes a private note mentioning Somchai
(the chat shows in his queue), hands it over to him; he answers with a canned answer typed
as ``/greet`` that goes out in Thai. The user never sees the note: not in the widget, not
through the public API.
"""

import re

import pytest

from tests.service.conftest import empty_database, make_app
from tests.support.browser import chromium, live_server, screenshot, sign_in, widget_chat
from tests.support.console_helpers import create_user

NOTE = "ผู้ใช้ถามเรื่องต่อวีซ่า รบกวนคุณ Somchai ดูต่อด้วยค่ะ (internal: check passport)"
THAI_GREETING = re.compile(r"สวัสดีค่ะ ดิฉันชื่อSomchai จากศูนย์บริการข้อมูลสำหรับชาวต่างชาติ")


@pytest.fixture(scope="module")
def site(servers, knowledge_dir, tmp_path_factory):
    with empty_database("sqlite", tmp_path_factory) as url:
        app = make_app(url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                       console_poll_seconds=1)
        result = app.test_cli_runner().invoke(args=["canned", "seed"])
        assert result.exit_code == 0, result.output
        accounts = {"malee": create_user(app, "staff", name="Malee"),
                    "somchai": create_user(app, "staff", name="Somchai"),
                    "admin": create_user(app, "admin", name="Admin"),
                    "trainer": create_user(app, "trainer", name="Trainer")}
        with live_server(app) as base_url:
            yield base_url, accounts


def staff_page(browser, base_url, email):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base_url, email)
    return page


def test_two_staff_members_assign_mention_note_and_canned_answer(site):
    base_url, accounts = site
    with chromium() as browser:
        user = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        user.goto(base_url + "/")
        widget = user.locator("#bkk-expat-chat")
        widget.get_by_role("button", name="Chat with us").click()
        widget.locator("textarea").fill("ขอคุยกับเจ้าหน้าที่ค่ะ")
        widget.locator("textarea").press("Enter")
        widget.get_by_text("ส่งเรื่องให้เจ้าหน้าที่").wait_for(timeout=30000)
        conversation_id, authorization = widget_chat(user)
        chat_path = f"/console/conversations/{conversation_id}"

        malee = staff_page(browser, base_url, accounts["malee"])
        somchai = staff_page(browser, base_url, accounts["somchai"])
        for page in (malee, somchai):  # both see the waiting chat, counter included
            page.goto(base_url + "/console/")
            page.locator(f'tr[data-chat-id="{conversation_id}"]').wait_for()
            assert page.locator("#waiting-badge").inner_text() == "1"

        # Malee takes it: Somchai sees it is hers.
        malee.goto(base_url + chat_path)
        malee.keyboard.press("t")
        malee.locator("p.meta", has_text="Assigned to Malee").wait_for()
        widget.get_by_text("คุณMalee เจ้าหน้าที่ของศูนย์").wait_for(timeout=20000)
        somchai.goto(base_url + "/console/")
        row = somchai.locator(f'tr[data-chat-id="{conversation_id}"]')
        row.wait_for()
        assert "Malee" in row.inner_text()

        # A private note mentioning Somchai: the chat shows in his queue.
        malee.locator("#note-text").fill(f"@Somchai {NOTE}")
        malee.get_by_role("button", name="Add private note").click()
        malee.locator(".transcript").get_by_text(NOTE).wait_for()
        somchai.reload()
        mention = somchai.locator(f'.mentions li[data-conversation-id="{conversation_id}"]')
        mention.wait_for()
        assert "Malee" in mention.inner_text()
        mention.get_by_role("link").click()
        somchai.locator(".transcript").get_by_text(NOTE).wait_for()

        # Malee hands the chat over to Somchai; he answers with a canned answer in Thai.
        malee.goto(base_url + chat_path)
        somchai_option = malee.locator("#reassign-to option", has_text="Somchai")
        malee.locator("#reassign-to").select_option(value=somchai_option.get_attribute("value"))
        malee.get_by_role("button", name="Reassign").click()
        malee.locator("p.meta", has_text="Assigned to Somchai").wait_for()
        somchai.goto(base_url + chat_path)
        reply = somchai.locator("#reply-text")
        reply.click()
        reply.type("/greet")
        option = somchai.locator("#canned-list [role=option]").first
        option.wait_for()
        reply.press("Enter")
        inserted = reply.input_value()
        assert THAI_GREETING.search(inserted), inserted
        screenshot(somchai, "two-staff-canned-answer-thai")
        somchai.get_by_role("button", name="Send reply").click()
        somchai.locator(".transcript li.staff").filter(has_text="ดิฉันชื่อSomchai").wait_for()

        # The user sees the Thai answer, never the note.
        widget.get_by_text("ดิฉันชื่อSomchai").wait_for(timeout=20000)
        assert NOTE not in widget.inner_text() and "internal" not in widget.inner_text()
        api = user.request.get(f"{base_url}/api/conversations/{conversation_id}/messages",
                               headers=authorization)
        texts = [reply["text"] for reply in api.json()["replies"]]
        assert any(THAI_GREETING.search(text) for text in texts)
        assert not any(NOTE in text or "internal" in text for text in texts)
        exported = user.request.get(f"{base_url}/api/conversations/{conversation_id}/export",
                                    headers=authorization)
        assert NOTE not in exported.text()
        screenshot(user, "two-staff-user-widget")

        # The greeting's usage was counted; a trainer may not open the chat.
        admin = staff_page(browser, base_url, accounts["admin"])
        admin.goto(base_url + "/console/canned/")
        greeting = admin.locator("tr", has_text="greeting").first
        assert greeting.locator("td").nth(2).inner_text().strip() == "1", greeting.inner_text()
        trainer = staff_page(browser, base_url, accounts["trainer"])
        assert trainer.goto(base_url + chat_path).status == 403
