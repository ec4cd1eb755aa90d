"""Partner sites (issue 19, item 5): the widget's site is known, only listed ones may use the
chat API, and the reports show chats, KPI and top topics per site.

A site is the browser's ``Origin`` (else ``Referer``'s origin). With ``PARTNER_SITES`` set,
a listed partner and the center's own site may chat; another site is refused (403, nothing
stored) and its CORS preflight grants it nothing.
"""

import pytest
from sqlalchemy import func, select

from assistant.chat.sites import parse
from assistant.extensions import db
from assistant.models import Conversation
from tests.service.conftest import NO_RASA, make_app, sqlite_app
from tests.support.console_helpers import signed_in_client
from tests.support.report_data import add_chat, bangkok, cli_json

BOI = "https://www.boi.go.th"
AGENCY = "https://partner.example:8443"
ELSEWHERE = "https://elsewhere.example"
PARTNERS = f"{BOI}=BOI; {AGENCY}=Partner Agency"
FEBRUARY_2013 = ("--month", "2013-02")


@pytest.fixture(scope="module")
def partner_app(module_database):
    """The service on SQLite and PostgreSQL, with two partner sites."""
    return make_app(module_database, NO_RASA, NO_RASA, partner_sites=PARTNERS)


def chats(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Conversation))


def site_of(app, conversation_id):
    with app.app_context():
        return db.session.get_one(Conversation, conversation_id).site


def test_the_setting_lists_origins_with_names_and_refuses_malformed_ones():
    sites = parse(" https://WWW.BOI.go.th:443/ = BOI ;http://127.0.0.1:8201=Local;; ")
    assert sites.names == {BOI: "BOI", "http://127.0.0.1:8201": "Local"}
    assert parse("").names == {} and parse("").allows(ELSEWHERE)  # none set: any site
    assert sites.name(None) == "Center's own site" and sites.name(None, "th") == "เว็บไซต์ของศูนย์ฯ"
    assert sites.name(ELSEWHERE) == ELSEWHERE  # not (or no longer) listed: its origin
    for wrong in ("www.boi.go.th=BOI", "https://www.boi.go.th/invest=BOI",
                  "ftp://files.example=F", f"{BOI}=BOI; {BOI}/=Again"):
        with pytest.raises(ValueError, match="PARTNER_SITES"):
            parse(wrong)


def test_a_malformed_setting_stops_the_service_at_start(tmp_path_factory):
    with pytest.raises(ValueError, match="is not an origin"):
        sqlite_app(tmp_path_factory, "wrong-sites", partner_sites="boi.go.th=BOI")


def test_a_partner_site_starts_and_continues_a_chat(partner_app):
    client = partner_app.test_client()
    origin = {"Origin": BOI}
    preflight = client.options("/api/conversations", headers={
        **origin, "Access-Control-Request-Method": "POST"})
    assert preflight.headers["Access-Control-Allow-Origin"] == BOI
    started = client.post("/api/conversations", headers=origin)
    assert started.status_code == 201
    assert started.headers["Access-Control-Allow-Origin"] == BOI
    assert "Origin" in started.headers["Vary"]
    chat = started.get_json()["id"]
    url = f"/api/conversations/{chat}"
    for response in (client.post(f"{url}/messages", json={"text": "Hello"}, headers=origin),
                     client.get(f"{url}/messages", headers=origin),
                     client.post(f"{url}/close", headers=origin)):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == BOI
    assert site_of(partner_app, chat) == BOI
    assert client.get("/api/site", headers=origin).get_json() == {
        "site": BOI, "name": "BOI", "allowed": True}


def test_another_site_is_refused_and_nothing_is_stored(partner_app):
    client = partner_app.test_client()
    origin = {"Origin": ELSEWHERE}
    before = chats(partner_app)
    preflight = client.options("/api/conversations", headers={
        **origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    refused = client.post("/api/conversations", headers=origin)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "site_not_allowed"
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert chats(partner_app) == before
    site = client.get("/api/site", headers=origin)  # the widget reads why, and says so
    assert site.get_json() == {"site": ELSEWHERE, "name": ELSEWHERE, "allowed": False}
    assert site.headers["Access-Control-Allow-Origin"] == "*"


def test_a_partner_chat_cannot_be_used_from_another_site(partner_app):
    client = partner_app.test_client()
    chat = client.post("/api/conversations", headers={"Origin": BOI}).get_json()["id"]
    url = f"/api/conversations/{chat}"
    for headers in ({"Origin": ELSEWHERE}, {"Referer": f"{ELSEWHERE}/page.html"},
                    {"Origin": "null"}, {"Origin": "https://" + "x" * 400 + ".example"}):
        assert client.post(f"{url}/messages", json={"text": "Hi"},
                           headers=headers).status_code == 403
        assert client.get(f"{url}/messages", headers=headers).status_code == 403
        assert client.delete(url, headers=headers).status_code == 403
    assert client.get(f"{url}/messages", headers={"Origin": AGENCY}).status_code == 200


def test_the_centers_own_site_is_always_allowed(partner_app):
    client = partner_app.test_client()
    for headers in ({}, {"Origin": "http://localhost"}, {"Referer": "http://localhost/"}):
        started = client.post("/api/conversations", headers=headers)
        assert started.status_code == 201
        assert site_of(partner_app, started.get_json()["id"]) is None
    assert client.get("/api/site").get_json() == {
        "site": None, "name": "Center's own site", "allowed": True}


def test_without_partner_sites_any_site_chats_and_is_named_by_its_origin(tmp_path_factory):
    app = sqlite_app(tmp_path_factory, "any-site")
    client = app.test_client()
    started = client.post("/api/conversations", headers={"Origin": ELSEWHERE})
    assert started.status_code == 201
    assert started.headers["Access-Control-Allow-Origin"] == "*"
    assert site_of(app, started.get_json()["id"]) == ELSEWHERE
    too_long = client.post("/api/conversations", headers={"Origin": "https://" + "x" * 400})
    assert site_of(app, too_long.get_json()["id"]) == "null"  # kept as an opaque origin


def test_the_reports_show_chats_kpi_and_top_topics_per_site(partner_app):
    """February 2013: BOI 3 chats rated 5, 4, 2 (KPI 2 ÷ 3 = 66.67 %; visa twice, tax once);
    Partner Agency 2 chats, one rated 4 (100 %); the own site 1 chat rated 1 (0 %); a site
    no longer listed 1 chat rated 5 (named by its origin); a LINE chat has no site."""
    day = bangkok(2013, 2, 10, 12)
    for level, topic in ((5, "visa"), (4, "visa"), (2, "tax")):
        add_chat(partner_app, day, level, topic=topic, site=BOI)
    add_chat(partner_app, day, None, topic="housing", site=AGENCY)
    add_chat(partner_app, day, 4, topic="housing", site=AGENCY)
    add_chat(partner_app, day, 1, topic="banking")
    add_chat(partner_app, day, 5, topic="visa", site="https://old-partner.example")
    add_chat(partner_app, day, 5, topic="schools", channel="line")

    sites = cli_json(partner_app, *FEBRUARY_2013)["sites"]  # make report … --json
    assert sites == [
        {"site": None, "name": "Center's own site", "chats": 1, "respondents": 1,
         "kpi_percent": 0.0, "top_topics": ["banking"]},
        {"site": BOI, "name": "BOI", "chats": 3, "respondents": 3, "kpi_percent": 66.67,
         "top_topics": ["visa", "tax"]},
        {"site": AGENCY, "name": "Partner Agency", "chats": 2, "respondents": 1,
         "kpi_percent": 100.0, "top_topics": ["housing"]},
        {"site": "https://old-partner.example", "name": "https://old-partner.example",
         "chats": 1, "respondents": 1, "kpi_percent": 100.0, "top_topics": ["visa"]}]

    manager = signed_in_client(partner_app, "staff")
    query = "kind=month&month=2013-02"
    page = manager.get(f"/console/reports/?{query}&lang=th").get_data(as_text=True)
    assert "เว็บไซต์พันธมิตร" in page and "เว็บไซต์ของศูนย์ฯ" in page
    page = manager.get(f"/console/reports/?{query}&lang=en").get_data(as_text=True)
    boi_row = page[page.index(f'data-site="{BOI}"'):].split("</tr>")[0]
    assert ">BOI <small>" in boi_row and "66.67 %" in boi_row and "Visa" in boi_row
    figures = manager.get(f"/console/reports/aggregates.csv?{query}").get_data(as_text=True)
    assert f"rate_percent_site_{BOI},66.67" in figures and "chats_site_own,1" in figures
