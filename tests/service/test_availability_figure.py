"""Availability from the probe's results, hand-computed: good looks ÷ all looks in the period
(Bangkok days), on SQLite and PostgreSQL; no looks: no figure."""

import datetime as dt
from decimal import Decimal

from assistant.extensions import db
from assistant.models import ProbeResult
from assistant.reports.availability import availability_percent
from assistant.reports.periods import choose
from tests.support.report_data import bangkok


def test_availability_counts_the_looks_of_the_period(module_app):
    looks = [(bangkok(2013, 3, 1, 0, 0), True), (bangkok(2013, 3, 1, 0, 1), True),
             (bangkok(2013, 3, 1, 0, 2), False), (bangkok(2013, 3, 31, 23, 59), True),
             (bangkok(2013, 4, 1, 0, 0), False)]  # the next month's
    with module_app.app_context():
        db.session.add_all(ProbeResult(checked_at=moment.astimezone(dt.timezone.utc), ok=ok,
                                       failed_part=None if ok else "rasa")
                           for moment, ok in looks)
        db.session.commit()
        march = choose(kind="month", month_text="2013-03")
        assert availability_percent(march) == Decimal("75.00")  # 3 of 4
        assert availability_percent(choose(kind="month", month_text="2013-05")) is None
