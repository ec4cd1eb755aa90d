"""Partner sites in Chromium: the widget on a partner's page (another origin than the
service's) chats, and the chat counts under the partner's name; on a site the center has not
listed the widget says so instead of offering a chat. Rasa is away: the reply is the apology."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from assistant.extensions import db
from assistant.models import Conversation
from common.thai_calendar import bangkok_today
from tests.service.conftest import sqlite_app
from tests.support.axe import assert_accessible
from tests.support.browser import chat_in_widget, chromium, live_server, screenshot, widget_chat
from tests.support.local_server import serving
from tests.support.report_data import cli_json

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
</head><body><h1>{title}</h1><p>A page that embeds the center's chat.</p>
<script src="{service}/webchat/widget.js" defer></script></body></html>"""


def page_site(title, where):
    """A WSGI app serving one page that embeds the widget from ``where["service"]``."""
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [PAGE.format(title=title, service=where["service"]).encode()]
    return app


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The service, a partner agency's site and a site nobody listed (three origins)."""
    where: dict[str, str] = {}
    with serving(page_site("Partner agency", where)) as partner, \
            serving(page_site("Somewhere else", where)) as elsewhere:
        app = sqlite_app(tmp_path_factory, "partner-sites",
                         partner_sites=f"{partner}=Partner agency")
        with live_server(app) as service:
            where["service"] = service
            yield app, partner, elsewhere


def chats(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Conversation))


def test_the_widget_chats_on_a_partner_site_and_refuses_another(sites):
    app, partner, elsewhere = sites
    with chromium() as browser:
        page = browser.new_page()
        chat_in_widget(page, partner)
        conversation, _ = widget_chat(page)
        with app.app_context():
            assert db.session.get_one(Conversation, conversation).site == partner
        today = bangkok_today().isoformat()
        report = cli_json(app, "--from", today, "--to", today)["sites"]
        assert [(site["name"], site["chats"]) for site in report] == [
            ("Center's own site", 0), ("Partner agency", 1)]

        before = chats(app)
        other = browser.new_page()
        other.goto(elsewhere + "/")
        widget = other.locator("#bkk-expat-chat")
        widget.get_by_role("button", name="Chat with us").click()
        expect(widget.get_by_role("alert")).to_contain_text("is not offered on this website")
        expect(widget.locator("textarea")).to_be_hidden()
        assert_accessible(other, "the widget on a refused site", {"include": [["#bkk-expat-chat"]]})
        screenshot(other, "widget-site-not-allowed")
        widget.get_by_role("button", name="ภาษาไทย").click()
        expect(widget.get_by_role("alert")).to_contain_text("เว็บไซต์นี้ไม่ได้เปิดให้บริการแชต")
        assert chats(app) == before
