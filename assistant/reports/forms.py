"""The period selector of the reports page (GET: it changes nothing, so no CSRF token).

It opens on the current fiscal year; its labels, month names and dates follow the page
language (Thai: Buddhist Era). Each field names the kinds of period it is for
(``FIELD_KINDS``), so the page shows only those of the chosen kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, Regexp

from assistant.reports.periods import (
    current_fiscal_year,
    fiscal_quarter_number,
    fiscal_year,
    month,
)
from assistant.reports.wording import LANGUAGES, words
from common.thai_calendar import bangkok_today, parse_day, thai_numeric_date

KINDS = ("fiscal_year", "quarter", "month", "range")
# The kinds of period each field is for (the others are for every kind).
FIELD_KINDS = {"fiscal_year": ("fiscal_year", "quarter"), "quarter": ("quarter",),
               "month": ("month",), "first": ("range",), "last": ("range",)}
MONTHS_OFFERED = 60


def _month_text(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class DayField(StringField):
    """A Bangkok day, typed ``YYYY-MM-DD`` or ``D/M/YYYY`` (A.D. or B.E.).

    Shown as typed, else ISO in English and ``1/10/2569`` (B.E.) in Thai.
    """

    data: dt.date | None
    language = "en"

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the typed day (left empty: none)."""
        if not valuelist:
            return
        self.data = None
        if str(valuelist[0]).strip():
            try:
                self.data = parse_day(str(valuelist[0]))
            except ValueError as error:
                raise ValueError("a day as YYYY-MM-DD or D/M/YYYY") from error

    @staticmethod
    def shown(day: dt.date, language: str) -> str:
        """``day`` as the field shows it in ``language``."""
        return thai_numeric_date(day) if language == "th" else day.isoformat()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else self.shown(self.data, self.language)


class PeriodForm(FlaskForm):
    """Which period to report and in which language; dates are Bangkok days."""

    class Meta:
        """A GET form: no CSRF token in the URL."""

        csrf = False

    kind = SelectField("Period", default="fiscal_year")
    fiscal_year = IntegerField("Fiscal year (B.E.)", validators=[
        Optional(), NumberRange(min=2500, max=2700, message="a B.E. year (A.D. + 543)")])
    quarter = SelectField("Quarter", default="1")
    month = SelectField("Month", validate_choice=False, validators=[
        Optional(), Regexp(r"^\d{4}-\d{2}$", message="YYYY-MM")])
    first = DayField("From", validators=[Optional()])
    last = DayField("To", validators=[Optional()])
    lang = SelectField("Language · ภาษา", choices=list(LANGUAGES.items()), default="en")
    thai_digits = BooleanField("Thai digits in the Thai summary")

    def __init__(self, formdata: MultiDict[str, str], language: str = "en") -> None:
        """Bind ``formdata``; an empty one opens on the current fiscal year, quarter and month."""
        today = bangkok_today()
        year_be = current_fiscal_year(today)
        super().__init__(formdata, data=None if formdata else {
            "fiscal_year": year_be, "quarter": str(fiscal_quarter_number(today)),
            "month": _month_text(today), "first": fiscal_year(year_be).first, "last": today})
        self.lang.data = language
        self.language = language
        said = words(language)
        for field in self:
            if field.name in said:
                field.label.text = said[field.name]
        self.kind.choices = [(kind, said[f"kind_{kind}"]) for kind in KINDS]
        self.quarter.choices = [(str(n), said[f"quarter_{n}"]) for n in range(1, 5)]
        self.month.choices = self._months(today)
        self.first.language = self.last.language = language

    def _months(self, today: dt.date) -> list[tuple[str, str]]:
        """The last ``MONTHS_OFFERED`` months, newest first, and the one asked for."""
        index = today.year * 12 + today.month - 1
        firsts = [dt.date((index - n) // 12, (index - n) % 12 + 1, 1)
                  for n in range(MONTHS_OFFERED)]
        choices = [(_month_text(first), self._month_name(first)) for first in firsts]
        asked = self.month.data or ""
        if asked and asked not in dict(choices):
            choices.insert(0, (asked, asked))
        return choices

    def _month_name(self, first: dt.date) -> str:
        period = month(first.year, first.month)
        return period.name_th.removeprefix("เดือน") if self.language == "th" else period.name_en

    def hints(self) -> dict[str, str]:
        """What to type where it needs saying: the current fiscal year, the date format."""
        said, current = words(self.language), fiscal_year(current_fiscal_year())
        example = DayField.shown(current.first, self.language)
        day_hint = said["day_hint"].format(example=example)
        return {"fiscal_year": said["fiscal_year_hint"].format(
                    year=current_fiscal_year(), range=current.range_in(self.language)),
                "first": day_hint, "last": day_hint}

    def kinds_of(self, name: str) -> str:
        """The kinds of period field ``name`` is for, space-separated ("" for every kind)."""
        return " ".join(FIELD_KINDS.get(name, ()))
