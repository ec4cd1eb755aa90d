"""Reading answers in the widget, in Chromium against real Rasa: an answer is a card (title,
text, one official source, reviewed date) and the log shows its start; a reload opens at the
latest message; Thai lines wrap between words only; the interface language follows the
user's choice or a stable majority of their messages, not one message."""

import pytest
from playwright.sync_api import Locator, expect

from assistant.api.line_breaks import thai_breaks
from nlu.segmentation import is_thai
from tests.service.conftest import sqlite_app
from tests.support.browser import (
    VIEWPORTS,
    ask_in_widget,
    chromium,
    live_server,
    open_widget,
    screenshot,
)

# Offsets in an element's text where its rendered lines start.
LINE_STARTS = """element => {
  const starts = []; let index = 0, lastTop = null, node;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++, index++) {
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box || !node.data[i].trim()) continue;
      if (lastTop !== null && box.top > lastTop + 4) starts.push(index);
      lastTop = box.top;
    }
  }
  return starts;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, servers, knowledge_dir):
    app = sqlite_app(tmp_path_factory, "reading", servers.rasa.base_url, servers.actions_url,
                     knowledge_dir=knowledge_dir)
    with live_server(app) as url:
        yield url


def top_is_shown(chat: Locator, item: Locator) -> bool:
    log = chat.locator("ol.log").bounding_box()
    box = item.bounding_box()
    assert log and box
    return log["y"] - 1 <= box["y"] <= log["y"] + 40


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_answer_is_a_card_shown_from_its_start(site, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        chat = open_widget(page, site)
        ask_in_widget(chat, "Hello")
        answer = ask_in_widget(chat, "How do I extend my tourist visa?")
        card = answer.locator("article.card")
        expect(card.locator("h3.card-title")).not_to_be_empty()
        assert answer.locator(".source a").count() == 1  # one official source link
        assert answer.locator(".source a").inner_text().startswith("Official source: ")
        assert "http" not in card.locator(".text").inner_text()  # no raw URL in the text
        expect(card.locator(".reviewed")).to_contain_text("Last reviewed: ")
        page.wait_for_timeout(300)
        assert top_is_shown(chat, answer), "the log should show the answer's title"
        screenshot(page, f"widget-answer-card-{viewport}")

        page.reload()  # the chat was open: it opens again
        last = chat.locator("li.message").last
        last.wait_for(state="visible")
        page.wait_for_timeout(300)
        assert top_is_shown(chat, last), "a reload should open at the latest message"


def test_thai_lines_wrap_between_words(site):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS["mobile"])
        chat = open_widget(page, site)
        answer = ask_in_widget(chat, "ประกันสังคมสำหรับชาวต่างชาติที่ทำงานในกรุงเทพฯ ต้องจ่ายเท่าไหร่คะ")
        texts = [answer.locator(".card .text"), answer.locator(".card-title"),
                 *answer.locator(".quick-replies button").all()]
        wrapped = 0
        for element in texts:
            text = element.evaluate("e => e.textContent")
            starts = element.evaluate(LINE_STARTS)
            wrapped += len(starts)
            inside_words = [text[at - 3:at] + "|" + text[at:at + 3] for at in starts
                            if is_thai(text[at - 1]) and is_thai(text[at])
                            and at not in thai_breaks(text)]
            assert not inside_words, f"lines break inside Thai words: {inside_words}"
        assert wrapped >= 3  # the texts do wrap: the check saw line breaks
        screenshot(page, "widget-thai-word-wrap")


def test_one_message_in_another_language_does_not_switch_the_interface(site):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS["desktop"])
        chat = open_widget(page, site)
        ask_in_widget(chat, "How do I open a bank account?")
        thai = ask_in_widget(chat, "เปิดบัญชีธนาคารต้องใช้อะไรบ้างคะ")
        assert thai.get_attribute("lang") == "th"  # the Thai answer is marked Thai
        assert chat.get_by_role("button", name="End chat").is_visible()
        chat.get_by_role("button", name="End chat").click()
        chat.get_by_role("button", name="Very Satisfied", exact=True).wait_for()

        # The user's own choice holds, whatever they write.
        chat.get_by_role("button", name="Start a new chat").click()
        chat.get_by_role("button", name="เปลี่ยนเป็น ภาษาไทย").click()
        english = ask_in_widget(chat, "How do I extend my tourist visa?")
        ask_in_widget(chat, "Where can I get a driving licence?")
        assert english.get_attribute("lang") == "en"
        assert page.evaluate(
            "document.getElementById('bkk-expat-chat').getAttribute('lang')") == "th"
        chat.get_by_role("button", name="จบการสนทนา").click()
        chat.get_by_role("button", name="พึงพอใจมาก", exact=True).wait_for()
        screenshot(page, "widget-language-kept")
