"""Availability from the probe's results, hand-computed: good looks ÷ all looks in the period
(Bangkok days), on SQLite and PostgreSQL; no looks: no figure. Incidents (consecutive failed
looks) and nearest-rank latency percentiles; the figures in `flask report` and on the page."""

import datetime as dt
from decimal import Decimal

import pytest

from assistant.extensions import db
from assistant.models import ProbeResult
from assistant.reports.availability import Look, availability_percent, incidents, percentile
from assistant.reports.periods import choose
from tests.support.report_data import bangkok, cli_json


@pytest.fixture(scope="module")
def march_looks(module_app):
    """Five looks: four in March 2013 (Bangkok), the third failed (rasa)."""
    looks = [(bangkok(2013, 3, 1, 0, 0), True), (bangkok(2013, 3, 1, 0, 1), True),
             (bangkok(2013, 3, 1, 0, 2), False), (bangkok(2013, 3, 31, 23, 59), True),
             (bangkok(2013, 4, 1, 0, 0), False)]  # the next month's
    with module_app.app_context():
        db.session.add_all(ProbeResult(checked_at=moment.astimezone(dt.timezone.utc), ok=ok,
                                       failed_part=None if ok else "rasa")
                           for moment, ok in looks)
        db.session.commit()


def test_availability_counts_the_looks_of_the_period(module_app, march_looks):
    with module_app.app_context():
        march = choose(kind="month", month_text="2013-03")
        assert availability_percent(march) == Decimal("75.00")  # 3 of 4
        assert availability_percent(choose(kind="month", month_text="2013-05")) is None
    assert cli_json(module_app, "--month", "2013-03")["availability_percent"] == 75.0
    assert cli_json(module_app, "--month", "2013-05")["availability_percent"] is None


def at(minute):
    return dt.datetime(2013, 3, 1, 0, minute, tzinfo=dt.timezone.utc)


def test_consecutive_failed_looks_make_one_incident_until_the_next_good_look():
    looks = [Look(at(0), True), Look(at(1), False, "rasa"), Look(at(2), False, "answer"),
             Look(at(3), False, "rasa"), Look(at(4), True), Look(at(5), True),
             Look(at(6), False, "web")]
    first, second = incidents(looks)
    assert (first.start, first.end, first.looks, first.parts) == (
        at(1), at(4), 3, ("rasa", "answer"))
    assert first.minutes == 3.0
    assert (second.start, second.end, second.looks, second.parts) == (at(6), None, 1, ("web",))
    assert second.minutes is None
    assert incidents([Look(at(0), True)]) == []


def test_latency_percentiles_are_nearest_rank():
    values = [120, 80, 100, 400, 90, 110, 95, 105, 130, 2000]  # sorted: 80 90 95 100 105 ...
    assert percentile(values, 0.5) == 105  # 5th of 10
    assert percentile(values, 0.95) == 2000  # 10th of 10 (ceil 9.5)
    assert percentile(values[:4], 0.5) == 100  # 80 100 120 400: 2nd
    assert percentile([7], 0.95) == 7
    assert percentile([], 0.5) is None


def test_the_reports_page_shows_availability_and_incidents(march_looks, manager):
    page = manager.get("/console/reports/?kind=month&month=2013-03").get_data(as_text=True)
    assert '<td class="number" id="availability-percent">75.00 %</td>' in page
    # 00:02 Bangkok failed, the look at 23:59 was good again: one incident, the rasa's
    assert "<td>2013-03-01 00:02</td>" in page and "<td>2013-03-31 23:59</td>" in page
    assert "<td>rasa</td>" in page
