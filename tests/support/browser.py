"""Helpers for browser tests: the app on a real HTTP port, and headless Chromium."""

import threading
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect, sync_playwright
from werkzeug.serving import make_server

from scripts.servers import ROOT, free_port
from tests.support.console_helpers import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "var" / "test-artifacts"
WIDGET_STORE = "() => JSON.parse(localStorage.getItem('bkk-expat-chat'))"


@contextmanager
def live_server(app):
    """Serve ``app`` on a free loopback port in a background thread; yields its base URL."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()


@contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot as a test artifact under var/test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def widget_chat(page) -> tuple[str, dict[str, str]]:
    """The id of the chat the widget on ``page`` keeps, and the header with its access token."""
    saved = page.evaluate(WIDGET_STORE)
    return saved["conversation"], {"Authorization": f"Bearer {saved['token']}"}


def sign_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in to the staff console through its login form."""
    page.goto(base_url + "/console/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


# The two screens the widget is tried on: a laptop and a phone.
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "mobile": {"width": 390, "height": 844}}


def open_widget(page: Page, site: str) -> Locator:
    """Open the widget on the demo page at ``site``; returns the widget's locator."""
    page.goto(site + "/")
    chat = page.locator("#bkk-expat-chat")
    chat.get_by_role("button", name="Chat with us").click()
    return chat


def ask_in_widget(chat: Locator, text: str) -> Locator:
    """Send ``text`` in the open widget; the first reply's element once it is shown."""
    before = chat.locator("li.message").count()
    chat.locator("textarea").fill(text)
    chat.locator("textarea").press("Enter")
    reply = chat.locator("li.message").nth(before + 1)
    reply.wait_for(timeout=20000)
    return reply


def chat_in_widget(page: Page, site: str, text: str = "Hello") -> Locator:
    """Open the widget on the demo page at ``site``, send ``text`` and wait for the reply
    (with Rasa away: the apology); returns the widget's locator."""
    chat = open_widget(page, site)
    chat.locator("textarea").fill(text)
    chat.locator("textarea").press("Enter")
    expect(chat.locator("li.message.bot")).to_have_count(2)  # the welcome and the reply
    return chat
