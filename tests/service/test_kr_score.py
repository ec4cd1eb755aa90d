"""The KR score, hand-computed: part 1 (availability, weight 40, full at 99 %), part 2 (KPI,
weight 60, full at 80 %), the total; on the page (English and Thai), in ``flask report --json``
and in the monthly progress CSV and XLSX, on SQLite and PostgreSQL.

Fiscal year 2556 (1 Oct 2012 – 30 Sep 2013), hand-computed:
- October 2012: 18 of 25 satisfied or better → KPI 72.00 %; 199 of 200 looks good →
  availability 99.50 % → 40 + 60 × 72 / 80 = 40 + 54.00 = 94.00.
- November 2012: 5 of 5 → 100.00 %; 97 of 100 looks → 97.00 % → 40 × 97 / 99 = 39.19 + 60
  = 99.19.
- December 2012 on: no answers, no looks → not measured.
- The year: 23 of 30 → 76.67 %; 296 of 300 → 98.67 %; 40 × 98.67 / 99 = 39.87 and
  60 × 76.67 / 80 = 57.50 → 97.37.
"""

import csv
import datetime as dt
import html
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from assistant.extensions import db
from assistant.models import ProbeResult
from assistant.reports.kr_explanation import explained
from assistant.reports.kr_score import Rule, kr_score
from assistant.reports.periods import date_range
from tests.support.report_data import add_chat, bangkok, cli_json

FY_2556 = "kind=fiscal_year&fiscal_year=2556"
OCTOBER = "kind=month&month=2012-10"


@pytest.fixture(scope="module")
def module_app(app_without_rasa):
    """The reports never ask the bot: the app without Rasa (``manager`` signs in to it)."""
    return app_without_rasa


@pytest.fixture(scope="module")
def fiscal_year_2556(module_app):
    """The ratings and probe looks of the module docstring."""
    levels = {10: [5] * 10 + [4] * 8 + [3] * 7, 11: [5] * 5}
    for month, month_levels in levels.items():
        for index, level in enumerate(month_levels):
            add_chat(module_app, bangkok(2012, month, 3 + index % 20, 10 + index // 20), level)
    looks = [(bangkok(2012, 10, 2) + dt.timedelta(minutes=n), n > 0) for n in range(200)]
    looks += [(bangkok(2012, 11, 2) + dt.timedelta(minutes=n), n > 2) for n in range(100)]
    with module_app.app_context():
        db.session.add_all(ProbeResult(checked_at=moment.astimezone(dt.timezone.utc), ok=ok,
                                       failed_part=None if ok else "rasa")
                           for moment, ok in looks)
        db.session.commit()


@pytest.mark.parametrize(("availability", "satisfaction", "parts", "total"), [
    ("99.5", "72", ("40.00", "54.00"), "94.00"),
    ("97.02", "85", ("39.20", "60.00"), "99.20"),  # 40 × 97.02 / 99 = 39.20
    ("99", "80", ("40.00", "60.00"), "100.00"),  # both targets met exactly
    ("100", "100", ("40.00", "60.00"), "100.00"),
    ("98.67", "76.67", ("39.87", "57.50"), "97.37"),  # 39.8667 and 57.5025, rounded
])
def test_the_kr_score_matches_hand_computed_figures(availability, satisfaction, parts, total):
    kr = kr_score(Decimal(availability), Decimal(satisfaction), Rule())
    assert (kr.availability.score, kr.satisfaction.score) == tuple(map(Decimal, parts))
    assert kr.total == Decimal(total)


def test_a_part_without_data_is_not_measured_and_neither_is_the_total():
    kr = kr_score(None, Decimal("72"), Rule())
    assert (kr.availability.score, kr.satisfaction.score, kr.total) == (None, Decimal("54.00"),
                                                                        None)
    assert explained(kr, "en").total == "Not computed: Availability not measured"
    assert explained(kr_score(None, None, Rule()), "th").total == (
        "ยังคำนวณไม่ได้: ไม่ได้วัดความพร้อมใช้งานและความพึงพอใจ")
    with pytest.raises(ValueError):
        Rule(availability_target=Decimal(0))


def test_the_explanation_says_how_each_figure_was_computed():
    english = explained(kr_score(Decimal("99.50"), Decimal("72.00"), Rule()), "en")
    assert english.availability == "Availability 99.50 % ≥ 99 % → 40 of 40"
    assert english.satisfaction == "KPI 72.00 % < 80 % → 60 × 72 / 80 = 54.00"
    assert english.total == "40.00 + 54.00 = 94.00 of 100"
    thai = explained(kr_score(Decimal("97.02"), Decimal("72.00"), Rule()), "th")
    assert thai.availability == "ความพร้อมใช้งาน (ร้อยละ) 97.02 < 99 → 40 × 97.02 / 99 = 39.20 คะแนน"
    assert thai.total == "39.20 + 54.00 = 93.20 จาก 100 คะแนน"


def test_a_period_splits_into_its_months_cut_to_its_days():
    months = date_range(dt.date(2012, 11, 15), dt.date(2013, 1, 10)).months()
    assert [(part.first, part.last) for part in months] == [
        (dt.date(2012, 11, 15), dt.date(2012, 11, 30)),
        (dt.date(2012, 12, 1), dt.date(2012, 12, 31)),
        (dt.date(2013, 1, 1), dt.date(2013, 1, 10))]


def test_flask_report_json_has_the_kr_score_and_availability(module_app, fiscal_year_2556):
    year = cli_json(module_app, "--fiscal-year", "2556")
    assert (year["kr_score"], year["availability_percent"], year["rate_percent"]) == (
        97.37, 98.67, 76.67)
    october = cli_json(module_app, "--from", "2012-10-01", "--to", "2012-10-31")  # make report
    assert (october["kr_score"], october["availability_percent"]) == (94.0, 99.5)
    december = cli_json(module_app, "--month", "2012-12")
    assert (december["kr_score"], december["availability_percent"]) == (None, None)


def page_text(client, query):
    """The reports page of ``query`` as the reader sees it (entities such as &lt; decoded)."""
    return html.unescape(client.get(f"/console/reports/?{query}").get_data(True))


def test_the_page_shows_both_parts_the_total_and_the_rule(manager, fiscal_year_2556):
    page = page_text(manager, OCTOBER)
    assert "Availability 99.50 % ≥ 99 % → 40 of 40" in page
    assert "KPI 72.00 % < 80 % → 60 × 72 / 80 = 54.00" in page
    assert "KR score: 40.00 + 54.00 = 94.00 of 100" in page
    assert "else 40 × availability / 99" in page and "KR_AVAILABILITY_TARGET" in page
    assert "ความพร้อมใช้งาน (ร้อยละ) 99.50 ≥ 99 → 40 จาก 40 คะแนน" in page
    assert "ความพึงพอใจ (ร้อยละ) 72.00 < 80 → 60 × 72 / 80 = 54.00 คะแนน" in page
    digits = page_text(manager, f"{OCTOBER}&thai_digits=y")
    assert "๔๐.๐๐ + ๕๔.๐๐ = ๙๔.๐๐ จาก ๑๐๐ คะแนน" in digits

    december = page_text(manager, "kind=month&month=2012-12")
    assert "Availability not measured (no probe data in this period) → not scored" in december
    assert "KR score: Not computed: Availability and KPI not measured" in december
    assert "ไม่ได้วัดความพร้อมใช้งาน (ไม่มีข้อมูลการตรวจสอบระบบในช่วงเวลานี้)" in december


def test_the_monthly_progress_csv_has_one_row_per_month(manager, fiscal_year_2556):
    response = manager.get(f"/console/reports/progress.csv?{FY_2556}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-progress.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data(True))))
    assert rows[0] == ["month", "responses", "satisfied_or_better", "kpi_percent",
                       "availability_percent", "kr_score", "notes"]
    assert [row[0] for row in rows[1:]] == [f"{2012 + (9 + n) // 12}-{(9 + n) % 12 + 1:02d}"
                                           for n in range(12)]
    assert rows[1] == ["2012-10", "25", "18", "72.0", "99.5", "94.0", "few answers (25 < 30)"]
    assert rows[2] == ["2012-11", "5", "5", "100.0", "97.0", "99.19", "few answers (5 < 30)"]
    assert rows[3] == ["2012-12", "0", "0", "", "", "", "no answers; availability not measured"]

    cut = manager.get("/console/reports/progress.csv?kind=range&first=2012-10-15"
                      "&last=2012-11-10").get_data(True)
    assert [row[0::6] for row in csv.reader(io.StringIO(cut))][1:] == [
        ["2012-10", "few answers (8 < 30); availability not measured; days 15–31 only"],
        ["2012-11", "few answers (5 < 30); days 1–10 only"]]


def test_the_monthly_progress_xlsx_names_the_months_in_thai(manager, fiscal_year_2556):
    response = manager.get(f"/console/reports/progress.xlsx?{FY_2556}&thai_digits=y")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Monthly progress"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("month", "เดือน", "responses", "satisfied_or_better", "kpi_percent",
                       "availability_percent", "kr_score", "notes", "หมายเหตุ")
    assert rows[1] == ("2012-10", "ตุลาคม ๒๕๕๕", 25, 18, 72, 99.5, 94, "few answers (25 < 30)",
                       "ผู้ตอบน้อย (๒๕ < ๓๐ คน)")
    assert rows[3][:2] == ("2012-12", "ธันวาคม ๒๕๕๕")
    assert rows[3][4:] == (None, None, None, "no answers; availability not measured",
                           "ไม่มีผู้ตอบ; ไม่ได้วัดความพร้อมใช้งาน")
    assert len(rows) == 13
