"""Satisfaction KPI and reports: hand-computed figures, the same on the page, in the CLI, in
CSV and in XLSX; Bangkok-time fiscal-year boundaries; empty periods; re-ratings counted once.

Each database kind gets its own empty database here, so the figures are exactly those of
the chats these tests make. Rounding rule: half up to two decimals (66.666... -> 66.67).
"""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from assistant.extensions import db
from assistant.models import (
    AnswerFeedback,
    Conversation,
    Handoff,
    Message,
    Sender,
    State,
)
from common.thai_calendar import BANGKOK
from tests.service.conftest import make_app
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, login
from tests.support.report_data import UTC, add_chat, bangkok, cli_json


def xlsx_figures(response):
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    figures = {row[0]: row[1] for row in book["Aggregates"].iter_rows(min_row=2, values_only=True)}
    ratings = list(book["Ratings"].iter_rows(min_row=2, values_only=True))
    return figures, ratings, book["Summary"]


# Fiscal year 2560 = 1 Oct 2016 - 30 Sep 2017: nine answers, six Satisfied or better.
FY2560_LEVELS = [5, 5, 4, 4, 4, 3, 2, 1, 5]


@pytest.fixture(scope="module")
def fiscal_2560(module_app):
    """Nine rated chats and one closed unrated chat in fiscal year 2560; waits 1-10 min."""
    topics = ["visa", "visa", "tax", "tax", "visa", "tax", "visa", "housing", "housing"]
    waits = [1, 2, 3, 4, 10]
    for index, level in enumerate(FY2560_LEVELS):
        add_chat(module_app, bangkok(2017, 1, 10 + index, 12), level, topic=topics[index],
                 handled_by="staff" if index < 5 else "bot",
                 wait_minutes=waits[index] if index < 5 else None,
                 language="th" if index % 2 else "en")
    add_chat(module_app, bangkok(2017, 3, 1, 9), None, fallback=True)
    return module_app


def test_hand_computed_kpi_is_the_same_in_cli_csv_xlsx_and_page(fiscal_2560, manager):
    expected = {"responses": 9, "satisfied_or_better": 6, "rate_percent": 66.67,
                "target_percent": 80, "target_met": False,
                "levels": {"5": 3, "4": 3, "3": 1, "2": 1, "1": 1}}
    figures = cli_json(fiscal_2560, "--fiscal-year", "2560")
    assert {key: figures[key] for key in expected} == expected
    assert figures["closed_chats"] == 10 and figures["response_rate_percent"] == 90.0

    query = "kind=fiscal_year&fiscal_year=2560"
    rows = list(csv.DictReader(io.StringIO(
        manager.get(f"/console/reports/ratings.csv?{query}").get_data(as_text=True))))
    assert sorted(int(row["level"]) for row in rows) == sorted(FY2560_LEVELS)
    aggregates = dict(csv.reader(io.StringIO(
        manager.get(f"/console/reports/aggregates.csv?{query}").get_data(as_text=True))))
    assert aggregates["rate_percent"] == "66.67" and aggregates["responses"] == "9"

    in_xlsx, rated, summary = xlsx_figures(manager.get(f"/console/reports/report.xlsx?{query}"))
    assert in_xlsx["rate_percent"] == 66.67 and in_xlsx["satisfied_or_better"] == 6
    assert [in_xlsx[f"level_{n}"] for n in (5, 4, 3, 2, 1)] == [3, 3, 1, 1, 1]
    assert len(rated) == 9 and {row[4] for row in rated} == {1, 2, 3, 4, 5}
    assert any("66.67" in str(cell.value) for cell in summary["B"])

    page = manager.get(f"/console/reports/?{query}").get_data(as_text=True)
    assert '<p class="kpi-value" id="kpi-rate">66.67 %</p>' in page
    assert "Target not met" in page and "ไม่บรรลุเป้าหมาย" in page
    assert page.count("<svg") >= 5


def test_service_figures_are_hand_computed(fiscal_2560):
    with fiscal_2560.app_context():
        from assistant.reports.figures import compute
        from assistant.reports.periods import fiscal_year
        figures = compute(fiscal_year(2560))
    assert figures.waits.requested == 5 and figures.waits.taken == 5
    assert figures.waits.median_minutes == 3.0 and figures.waits.p90_minutes == 10.0
    assert str(figures.handoff_rate) == "50.00"  # 5 of 10 chats started
    assert str(figures.fallback_rate) == "10.00"  # 1 of 10 bot answers
    assert figures.by_handler["staff"].responses == 5
    assert str(figures.by_handler["staff"].rate_percent) == "100.00"  # 5,5,4,4,4
    assert str(figures.by_handler["bot"].rate_percent) == "25.00"  # 3,2,1,5
    assert str(figures.by_topic["visa"].rate_percent) == "75.00"  # 5,5,4,2
    assert figures.languages == {"en": 6, "th": 4}


def test_thai_summary_with_buddhist_era_and_thai_digits(fiscal_2560, manager):
    page = manager.get("/console/reports/?kind=fiscal_year&fiscal_year=2560&thai_digits=y")
    text = page.get_data(as_text=True)
    assert "ร้อยละ ๖๖.๖๗" in text and "ปีงบประมาณ พ.ศ. ๒๕๖๐" in text
    assert "๑ ตุลาคม ๒๕๕๙ – ๓๐ กันยายน ๒๕๖๐" in text


def test_fiscal_year_boundary_is_bangkok_midnight(module_app):
    last_minute = bangkok(2008, 9, 30, 23, 59)  # fiscal year 2551
    first_minute = bangkok(2008, 10, 1, 0, 0)  # fiscal year 2552 (2008-09-30 17:00 UTC)
    add_chat(module_app, last_minute, 5)
    add_chat(module_app, first_minute, 1)
    assert cli_json(module_app, "--fiscal-year", "2551")["levels"] == {
        "5": 1, "4": 0, "3": 0, "2": 0, "1": 0}
    assert cli_json(module_app, "--fiscal-year", "2552")["levels"] == {
        "5": 0, "4": 0, "3": 0, "2": 0, "1": 1}
    assert cli_json(module_app, "--from", "2008-10-01", "--to", "2008-10-01")["responses"] == 1


def test_empty_period_has_no_rate_and_no_division_by_zero(module_app, manager):
    figures = cli_json(module_app, "--fiscal-year", "2540")
    assert figures["responses"] == 0 and figures["rate_percent"] is None
    assert figures["target_met"] is None and figures["response_rate_percent"] is None
    text = module_app.test_cli_runner().invoke(args=["report", "--fiscal-year", "2540"]).output
    assert "no responses" in text
    page = manager.get("/console/reports/?kind=fiscal_year&fiscal_year=2540")
    assert page.status_code == 200 and "No responses" in page.get_data(as_text=True)
    in_xlsx, rated, _ = xlsx_figures(
        manager.get("/console/reports/report.xlsx?kind=fiscal_year&fiscal_year=2540"))
    assert in_xlsx["responses"] == 0 and in_xlsx["rate_percent"] is None and rated == []


def test_seeded_through_the_public_api_same_kpi_everywhere(module_app, manager):
    """Chats made, closed and rated through the public API, one re-rated (counted once)."""
    client = module_app.test_client()
    levels = [5, 4, 4, 3, 5, 1, 2]
    for index, level in enumerate(levels):
        chat = client.post("/api/conversations").get_json()["id"]
        text = "How do I extend my visa?" if index % 2 else "ต่อวีซ่าท่องเที่ยวได้ไหมคะ"
        assert client.post(f"/api/conversations/{chat}/messages",
                           json={"text": text}).status_code == 200
        closed = client.post(f"/api/conversations/{chat}/close").get_json()
        assert len(closed["replies"][0]["buttons"]) == 5
        if index == 0:  # first answered 1, then changed the answer to 5
            client.post(f"/api/conversations/{chat}/satisfaction", json={"level": 1})
        assert client.post(f"/api/conversations/{chat}/satisfaction",
                           json={"level": level}).status_code == 200
    today = dt.datetime.now(BANGKOK).date().isoformat()
    figures = cli_json(module_app, "--from", today, "--to", today)
    assert figures["responses"] == 7 and figures["satisfied_or_better"] == 4
    assert figures["rate_percent"] == 57.14  # 4 / 7 = 57.142857...
    assert figures["levels"] == {"5": 2, "4": 2, "3": 1, "2": 1, "1": 1}

    query = f"kind=range&first={today}&last={today}"
    page = manager.get(f"/console/reports/?{query}").get_data(as_text=True)
    assert '<p class="kpi-value" id="kpi-rate">57.14 %</p>' in page
    rows = list(csv.DictReader(io.StringIO(
        manager.get(f"/console/reports/ratings.csv?{query}").get_data(as_text=True))))
    assert sorted(int(row["level"]) for row in rows) == sorted(levels)
    assert {row["language"] for row in rows} == {"en", "th"}
    in_xlsx, rated, _ = xlsx_figures(manager.get(f"/console/reports/report.xlsx?{query}"))
    assert in_xlsx["rate_percent"] == 57.14 and len(rated) == 7
    assert {row[7] for row in rated} == {"visa"}  # main topic of each chat


def add_answer(app, shown, topic, article_ids, helpful=None):
    """A chat whose bot answer (knowledge answer if ``article_ids``) was shown at ``shown``."""
    shown = shown.astimezone(UTC)
    with app.app_context():
        chat = Conversation(language="en", created_at=shown)
        chat.messages.append(Message(sender=Sender.USER, text="question", created_at=shown))
        answer = Message(sender=Sender.BOT, text="answer", intent=f"ask_{topic}", topic=topic,
                         article_ids=article_ids, created_at=shown)
        chat.messages.append(answer)
        db.session.add(chat)
        db.session.flush()
        if helpful is not None:
            db.session.add(AnswerFeedback(message_id=answer.id, conversation_id=chat.id,
                                          helpful=helpful))
        db.session.commit()


def test_helpfulness_per_topic_and_article_is_hand_computed_everywhere(module_app, manager):
    """May 2012 (Bangkok): 8 knowledge answers shown, 4 👍, 2 👎 -> 66.67 % helpful."""
    ninety, retirement = ["visa-90-day-reporting"], ["visa-retirement"]
    for day, topic, articles, helpful in [
            ((2012, 5, 1, 0, 0), "visa", ninety, True),  # the first Bangkok minute of May
            ((2012, 5, 3, 10), "visa", ninety, True),
            ((2012, 5, 4, 10), "visa", ninety, False),
            ((2012, 5, 5, 10), "visa", ninety, None),  # shown, no vote
            ((2012, 5, 6, 10), "visa", retirement, False),
            ((2012, 5, 7, 10), "tax", ["tax-filing"], True),
            ((2012, 5, 31, 23, 59), "tax", ["tax-filing"], None),  # the last Bangkok minute
            ((2012, 5, 8, 10), "housing", ["housing-deposits", "housing-leases"], True),
            ((2012, 5, 9, 10), "visa", [], None),  # not a knowledge answer
            ((2012, 4, 30, 23, 59), "visa", retirement, True),  # April in Bangkok
            ((2012, 6, 1, 0, 0), "visa", retirement, False)]:  # June in Bangkok
        add_answer(module_app, bangkok(*day), topic, articles, helpful)
    expected_topics = {"visa": (5, 2, 2, "50.00"), "tax": (2, 1, 0, "100.00"),
                       "housing": (1, 1, 0, "100.00")}
    expected_articles = {"visa-90-day-reporting": (4, 2, 1, "66.67"),
                         "visa-retirement": (1, 0, 1, "0.00"), "tax-filing": (2, 1, 0, "100.00"),
                         "housing-deposits": (1, 1, 0, "100.00"),
                         "housing-leases": (1, 1, 0, "100.00")}

    def counts(part):
        return (part.shown, part.helpful, part.not_helpful, str(part.rate_percent))
    with module_app.app_context():
        from assistant.reports.figures import compute
        from assistant.reports.periods import month
        figures = compute(month(2012, 5)).helpfulness
    assert counts(figures.total) == (8, 4, 2, "66.67")
    assert {name: counts(part) for name, part in figures.by_topic.items()} == expected_topics
    assert {name: counts(part) for name, part in figures.by_article.items()} == expected_articles
    assert list(figures.by_topic) == ["visa", "tax", "housing"]  # most shown first

    query = "kind=month&month=2012-05"
    page = manager.get(f"/console/reports/?{query}").get_data(as_text=True)
    assert "8 answers from the knowledge base shown" in page
    assert "<strong>66.67 %</strong> helpful of 6 votes" in page
    by_topic = page[page.index('id="helpfulness-by-topic"'):
                    page.index('id="helpfulness-by-article"')]
    visa_row = by_topic[by_topic.index('data-name="visa"'):].split("</tr>")[0]
    assert re.findall(r'class="number">([^<]*)<', visa_row) == ["5", "2", "2", "50.00 %"]
    assert "Visa" in visa_row
    retirement_row = page[page.index('data-name="visa-retirement"'):].split("</tr>")[0]
    assert re.findall(r'class="number">([^<]*)<', retirement_row) == ["1", "0", "1", "0.00 %"]

    aggregates = dict(csv.reader(io.StringIO(
        manager.get(f"/console/reports/aggregates.csv?{query}").get_data(as_text=True))))
    assert (aggregates["knowledge_answers_shown"], aggregates["knowledge_answers_helpful"],
            aggregates["knowledge_answers_not_helpful"],
            aggregates["knowledge_answers_helpful_percent"]) == ("8", "4", "2", "66.67")
    assert aggregates["helpfulness_topic_visa_helpful_percent"] == "50.0"
    assert aggregates["helpfulness_article_visa-retirement_not_helpful"] == "1"

    book = openpyxl.load_workbook(io.BytesIO(
        manager.get(f"/console/reports/report.xlsx?{query}").data))
    rows = list(book["Helpfulness"].iter_rows(values_only=True))
    assert rows[0] == ("group", "name", "answers_shown", "helpful", "not_helpful",
                       "helpful_percent")
    sheet = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert sheet[("all", "all")] == (8, 4, 2, 66.67)
    assert sheet[("topic", "visa")] == (5, 2, 2, 50.0)
    assert sheet[("article", "visa-90-day-reporting")] == (4, 2, 1, 66.67)
    assert len(sheet) == 1 + 3 + 5

    empty = manager.get("/console/reports/?kind=month&month=2011-05").get_data(as_text=True)
    assert "0 answers from the knowledge base shown" in empty and "No knowledge answers" in empty


def test_reports_are_for_staff_and_admins_only(module_app):
    anonymous = module_app.test_client()
    assert anonymous.get("/console/reports/").status_code == 302
    trainer = module_app.test_client()
    login(trainer, create_user(module_app, "trainer"))
    for path in ("/console/reports/", "/console/reports/report.xlsx",
                 "/console/reports/ratings.csv", "/console/reports/aggregates.csv"):
        assert trainer.get(path).status_code == 403
    admin = module_app.test_client()
    login(admin, create_user(module_app, "admin"))
    assert admin.get("/console/reports/").status_code == 200


@pytest.mark.parametrize("query", ["kind=month&month=2025-13", "kind=range&first=2025-02-01",
                                   "fiscal_year=abc", "kind=quarter&quarter=9"])
def test_impossible_periods_get_a_clear_400(manager, query):
    response = manager.get(f"/console/reports/?{query}")
    assert response.status_code == 400


def test_reports_page_in_chromium_with_charts(fiscal_2560):
    """The page as a manager sees it: KPI, summary and SVG charts drawn (screenshot kept)."""
    email = create_user(fiscal_2560, "admin", name="Prapai")
    with live_server(fiscal_2560) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        sign_in(page, url, email)
        page.get_by_role("link", name="Reports").click()
        page.get_by_label("Fiscal year (B.E.)").fill("2560")
        page.get_by_label("Thai digits in the Thai summary").check()
        page.get_by_role("button", name="Show").click()
        assert page.locator("#kpi-rate").inner_text() == "66.67 %"
        assert page.locator("#kpi-status").inner_text() == "Target not met"
        charts = page.locator("svg.chart")
        assert charts.count() >= 5
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert box and box["width"] > 100 and box["height"] > 20
        assert page.locator("svg.chart rect").count() >= 5 + 365  # levels + one per day
        assert page.get_by_text("ร้อยละ ๖๖.๖๗").is_visible()
        screenshot(page, "reports-page")
        page.emulate_media(media="print")
        assert not page.locator("form.period").is_visible()  # print layout: figures only
        screenshot(page, "reports-print-layout")


def test_demo_data_goes_only_into_an_empty_demo_database(module_app, servers, tmp_path):
    refused = module_app.test_cli_runner().invoke(args=["demo-data"])
    assert refused.exit_code != 0 and "contains 'demo'" in refused.output

    demo_app = make_app(f"sqlite:///{tmp_path / 'demo.db'}", servers.rasa.base_url,
                        servers.actions_url)
    with demo_app.app_context():
        db.session.add(Conversation())  # a real conversation: must not be mixed with demo
        db.session.commit()
    refused = demo_app.test_cli_runner().invoke(args=["demo-data"])
    assert refused.exit_code != 0 and "1 real conversation" in refused.output

    demo_app = make_app(f"sqlite:///{tmp_path / 'empty-demo.db'}", servers.rasa.base_url,
                        servers.actions_url)
    filled = demo_app.test_cli_runner().invoke(
        args=["demo-data", "--fiscal-year", "2568", "--conversations", "300"])
    assert filled.exit_code == 0, filled.output
    assert "300 DEMO conversations" in filled.output
    figures = cli_json(demo_app, "--fiscal-year", "2568")
    assert figures["demo_data"] is True and figures["responses"] > 100
    assert 60 <= figures["rate_percent"] <= 100
    with demo_app.app_context():
        from assistant.reports.figures import compute
        from assistant.reports.periods import fiscal_year
        helpfulness = compute(fiscal_year(2568)).helpfulness.total
    assert helpfulness.shown > 200 and 0 < helpfulness.not_helpful < helpfulness.helpful
    again = demo_app.test_cli_runner().invoke(args=["demo-data"])
    assert again.exit_code != 0 and "already filled" in again.output


def test_waits_never_taken_over_count_until_they_ended(module_app, manager):
    """One wait taken after 2 min, one that expired to the bot after 20, one whose chat was
    closed after 40 without staff, one still waiting for 30 min now: 4 waits, 3 never taken
    over, median of 2/20/30/40 = 25 min (before: "median 2 min, 1 of 4 taken over")."""
    now = dt.datetime.now(UTC).replace(microsecond=0)
    with module_app.app_context():
        def wait(requested, state=State.CLOSED, **ends):
            chat = Conversation(created_at=requested, state=state,
                                closed_at=ends.pop("closed_at", None))
            chat.handoffs.append(Handoff(requested_at=requested, **ends))
            db.session.add(chat)

        early = now - dt.timedelta(hours=3)
        wait(early, taken_at=early + dt.timedelta(minutes=2), state=State.WITH_STAFF)
        wait(early, expired_at=early + dt.timedelta(minutes=20), state=State.BOT)
        wait(early, closed_at=early + dt.timedelta(minutes=40))
        wait(now - dt.timedelta(minutes=30), state=State.WAITING_FOR_STAFF)
        db.session.commit()
        from assistant.reports.figures import compute
        from assistant.reports.periods import date_range
        today = now.astimezone(BANGKOK).date()
        figures = compute(date_range(today - dt.timedelta(days=1), today))
    waits = figures.waits
    assert (waits.requested, waits.taken, waits.never_taken, waits.still_waiting) == (4, 1, 3, 1)
    median = waits.median_minutes
    assert median is not None and 25.0 <= median < 25.5  # the open wait grows meanwhile
    first = (today - dt.timedelta(days=1)).isoformat()
    page = manager.get(f"/console/reports/?kind=range&first={first}&last={today.isoformat()}")
    assert '<td class="number" id="waits-never-taken">3 (1)</td>' in page.get_data(as_text=True)
