"""Every control of the widget is at least 44 × 44 px (WCAG 2.5.5), on a phone and a desktop,
the rating buttons and the privacy links included (Chromium)."""

import pytest

from tests.service.conftest import sqlite_app
from tests.support.browser import VIEWPORTS, chat_in_widget, chromium, live_server, screenshot

MINIMUM = 44


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = sqlite_app(tmp_path_factory, "touch")
    with live_server(app) as url:
        yield url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_control_is_a_44_pixel_target(site, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        chat = chat_in_widget(page, site)
        chat.get_by_role("button", name="End chat").click()
        chat.get_by_role("button", name="Very Satisfied", exact=True).wait_for()
        screenshot(page, f"widget-touch-targets-{viewport}")
        small = page.evaluate("""() => {
            const root = document.querySelector("#bkk-expat-chat").shadowRoot;
            return [...root.querySelectorAll("button, a, textarea")]
              .filter(e => e.offsetParent !== null)
              .map(e => [e.textContent.trim() || e.getAttribute("aria-label"),
                         e.getBoundingClientRect()])
              .filter(([, box]) => box.width < 44 || box.height < 44)
              .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`);
        }""")
        assert small == []
