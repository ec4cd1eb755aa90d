"""The widget for screen-reader, keyboard and low-vision users, in Chromium against real Rasa:
the live region is only appended to, focus stays in the chat after a quick reply, borders
and the focus ring contrast 3:1, and at 200 % zoom the messages keep most of the screen.
And the widget stays small."""

import pytest

from scripts.widget_size import BUDGET_BYTES, widget_sizes
from tests.service.conftest import sqlite_app
from tests.support.browser import ask_in_widget, chromium, live_server, open_widget, screenshot

SHADOW = "document.getElementById('bkk-expat-chat').shadowRoot"
# Counts what is added to and removed from the log from now on.
WATCH_LOG = f"""() => {{
  window.logChanges = {{added: 0, removed: 0}};
  new MutationObserver(records => records.forEach(record => {{
    window.logChanges.added += record.addedNodes.length;
    window.logChanges.removed += record.removedNodes.length;
  }})).observe({SHADOW}.querySelector('ol.log'), {{childList: true}});
}}"""
COLOURS = f"""([selector, property]) => {{
  const node = {SHADOW}.querySelector(selector);
  return getComputedStyle(node)[property];
}}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory, servers, knowledge_dir):
    return sqlite_app(tmp_path_factory, "a11y", servers.rasa.base_url, servers.actions_url,
                      knowledge_dir=knowledge_dir)


@pytest.fixture(scope="module")
def site(app):
    with live_server(app) as url:
        yield url


def luminance(css: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(r, g, b)`` colour."""
    channels = [int(part) / 255 for part in css[css.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_live_region_is_only_appended_to_and_focus_stays_after_a_quick_reply(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        chat = open_widget(page, site)
        page.evaluate(WATCH_LOG)
        answer = ask_in_widget(chat, "How do I extend my tourist visa?")
        ask_in_widget(chat, "How do I open a bank account?")
        answer.locator(".quick-replies button").first.click()
        assert chat.locator("textarea").evaluate("e => e === e.getRootNode().activeElement")
        chat.locator("li.message").nth(6).wait_for(timeout=20000)
        changes = page.evaluate("window.logChanges")
        assert changes["removed"] == 0, "replies must not rebuild the live region"
        assert changes["added"] == 6


def test_borders_and_the_focus_ring_contrast_at_least_3_to_1(site):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        chat = open_widget(page, site)
        ask_in_widget(chat, "Hello")
        white = "rgb(255, 255, 255)"
        for selector in ("textarea", "button.secondary"):
            border = page.evaluate(COLOURS, [selector, "borderTopColor"])
            assert contrast(border, white) >= 3, f"{selector} border {border}"
        page.keyboard.press("Shift+Tab")  # from the text box: a ring drawn by the keyboard
        page.keyboard.press("Tab")
        ring = page.evaluate(COLOURS, ["textarea", "outlineColor"])
        assert contrast(ring, white) >= 3, f"focus ring {ring}"
        header = page.evaluate(COLOURS, ["header", "backgroundColor"])
        chat.locator("header button").first.focus()
        header_ring = page.evaluate(COLOURS, ["header button", "outlineColor"])
        assert contrast(header_ring, header) >= 3, f"focus ring in the header {header_ring}"


def test_at_200_percent_zoom_the_messages_keep_most_of_the_screen(site):
    """1366 × 768 at 200 %: 683 × 384 CSS pixels, two device pixels each."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 683, "height": 384}, device_scale_factor=2)
        chat = open_widget(page, site)
        ask_in_widget(chat, "How do I extend my tourist visa?")
        height = chat.locator("ol.log").evaluate("e => e.clientHeight")
        assert height >= 0.45 * 384, f"the message area is {height} px tall"
        screenshot(page, "widget-zoom-200")


def test_the_widget_stays_small(app):
    client = app.test_client()
    sizes = widget_sizes()
    for name in sizes:  # what is measured is what is served
        assert len(client.get(f"/webchat/{name}").data) == sizes[name][0]
    assert sum(packed for _, packed in sizes.values()) < BUDGET_BYTES, sizes
