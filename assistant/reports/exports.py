"""CSV and XLSX exports of a period: rated chats, aggregates, helpfulness, sites, KR progress.

No transcripts and no personal data: a rated chat is its reference (never the conversation
id, which the chat API takes), close time (Bangkok), language, who handled it, level and main
topic; helpfulness is counts per topic and article.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Optional, Union

from openpyxl import Workbook
from openpyxl.styles import Font

from assistant.chat.satisfaction import LEVELS, level_labels
from assistant.reports import summary
from assistant.reports.figures import Figures
from assistant.reports.progress import MonthProgress
from common.thai_calendar import THAI_MONTHS, in_bangkok, to_be
from common.thai_calendar import thai_digits as to_thai_digits

Cell = Union[str, int, float, None]
RATING_COLUMNS = ("reference", "closed_at_bangkok", "language", "handled_by", "level",
                  "level_en", "level_th", "topic", "channel")
HELPFULNESS_COLUMNS = ("group", "name", "answers_shown", "helpful", "not_helpful",
                       "helpful_percent")
SITE_COLUMNS = ("site", "name", "chats", "respondents", "kpi_percent", "top_topics")
PROGRESS_COLUMNS = ("month", "responses", "satisfied_or_better", "kpi_percent",
                    "availability_percent", "kr_score", "notes")
# The XLSX adds the month's Thai name (B.E.) and the notes in Thai.
PROGRESS_COLUMNS_TH = (PROGRESS_COLUMNS[0], "เดือน", *PROGRESS_COLUMNS[1:], "หมายเหตุ")


def as_number(value: Optional[Decimal]) -> Optional[float]:
    """A rounded percentage as a plain number for CSV, XLSX and JSON (None stays None)."""
    return None if value is None else float(value)


def rating_rows(figures: Figures) -> list[tuple[Cell, ...]]:
    """One row per rated chat, in ``RATING_COLUMNS`` order."""
    english, thai = level_labels("en"), level_labels("th")
    return [(r.reference,
             in_bangkok(r.closed_at).isoformat(timespec="seconds"),
             r.language, r.handled_by, r.level, english[r.level], thai[r.level], r.topic or "",
             r.channel)
            for r in figures.ratings]


def aggregate_rows(figures: Figures) -> list[tuple[str, Cell]]:
    """``(figure, value)`` pairs: the KPI, the levels and the service figures."""
    kpi, waits = figures.kpi, figures.waits
    rows: list[tuple[str, Cell]] = [
        ("period", figures.period.name_en),
        ("first_day", figures.period.first.isoformat()),
        ("last_day", figures.period.last.isoformat()),
        ("responses", kpi.responses),
        ("satisfied_or_better", kpi.satisfied_or_better),
        ("rate_percent", as_number(kpi.rate_percent)),
        ("target_percent", kpi.target_percent),
        ("target_met", None if kpi.met is None else ("yes" if kpi.met else "no")),
        ("availability_percent", as_number(figures.kr.availability.measured)),
        ("kr_availability_score", as_number(figures.kr.availability.score)),
        ("kr_satisfaction_score", as_number(figures.kr.satisfaction.score)),
        ("kr_score", as_number(figures.kr.total)),
    ]
    rows += [(f"level_{level}", kpi.levels[level]) for level in LEVELS]
    rows += [
        ("closed_chats", figures.closed),
        ("response_rate_percent", as_number(figures.response_rate)),
        ("chats_started", figures.started),
        ("handed_off_chats", figures.handed_off),
        ("handoff_rate_percent", as_number(figures.handoff_rate)),
        ("staff_waits_requested", waits.requested),
        ("staff_waits_taken", waits.taken),
        ("staff_waits_never_taken", waits.never_taken),
        ("staff_waits_still_waiting", waits.still_waiting),
        ("staff_wait_median_minutes", waits.median_minutes),
        ("staff_wait_p90_minutes", waits.p90_minutes),
        ("bot_answers", figures.bot_answers),
        ("fallback_answers", figures.fallbacks),
        ("fallback_rate_percent", as_number(figures.fallback_rate)),
    ]
    rows += [(f"language_{name}", count) for name, count in figures.languages.items()]
    rows += [(f"channel_{name}", count) for name, count in figures.channels.items()]
    rows += [(f"topic_{name}", count) for name, count in figures.topics]
    rows += [(f"intent_{name}", count) for name, count in figures.intents]
    for group, kpis in (("topic", figures.by_topic), ("handled_by", figures.by_handler),
                        ("channel", figures.by_channel)):
        for name, part in kpis.items():
            rows += [(f"rate_percent_{group}_{name}", as_number(part.rate_percent)),
                     (f"responses_{group}_{name}", part.responses)]
    rows += [(f"{name}_{figure}", value) for name, figure, value in _helpfulness_cells(figures)]
    for site in figures.sites:
        key = site.site or "own"
        rows += [(f"chats_site_{key}", site.chats), (f"responses_site_{key}", site.kpi.responses),
                 (f"rate_percent_site_{key}", as_number(site.kpi.rate_percent))]
    rows.append(("demo_data", "yes" if figures.demo else "no"))
    return rows


def _helpfulness_cells(figures: Figures) -> list[tuple[str, str, Cell]]:
    """``(group, figure, value)``: shown, 👍, 👎, % helpful; overall, per topic, per article."""
    helpfulness = figures.helpfulness
    groups = [("knowledge_answers", helpfulness.total),
              *((f"helpfulness_topic_{name}", part)
                for name, part in helpfulness.by_topic.items()),
              *((f"helpfulness_article_{name}", part)
                for name, part in helpfulness.by_article.items())]
    return [(name, figure, value) for name, part in groups
            for figure, value in (("shown", part.shown), ("helpful", part.helpful),
                                  ("not_helpful", part.not_helpful),
                                  ("helpful_percent", as_number(part.rate_percent)))]


def helpfulness_rows(figures: Figures) -> list[tuple[Cell, ...]]:
    """One row per topic and per article, in ``HELPFULNESS_COLUMNS`` order."""
    helpfulness = figures.helpfulness
    return [(group, name, part.shown, part.helpful, part.not_helpful,
             as_number(part.rate_percent))
            for group, parts in (("all", {"all": helpfulness.total}),
                                 ("topic", helpfulness.by_topic),
                                 ("article", helpfulness.by_article))
            for name, part in parts.items()]


def site_rows(figures: Figures) -> list[tuple[Cell, ...]]:
    """One row per site that embeds the widget, in ``SITE_COLUMNS`` order ("" = own site)."""
    return [(part.site or "", part.name, part.chats, part.kpi.responses,
             as_number(part.kpi.rate_percent), ", ".join(part.top_topics))
            for part in figures.sites]


def progress_rows(months: list[MonthProgress]) -> list[tuple[Cell, ...]]:
    """One row per month, in ``PROGRESS_COLUMNS`` order (month as ``2026-10``)."""
    return [(f"{row.days.first:%Y-%m}", row.kpi.responses, row.kpi.satisfied_or_better,
             as_number(row.kpi.rate_percent), as_number(row.kr.availability.measured),
             as_number(row.kr.total), row.notes("en"))
            for row in months]


def _thai_month(row: MonthProgress, digits: bool) -> str:
    """``ตุลาคม 2569`` (Thai digits when ``digits``)."""
    name = f"{THAI_MONTHS[row.days.first.month - 1]} {to_be(row.days.first.year)}"
    return to_thai_digits(name) if digits else name


def progress_rows_th(months: list[MonthProgress], digits: bool = False) -> list[tuple[Cell, ...]]:
    """``progress_rows`` with the Thai month name and Thai notes, in ``PROGRESS_COLUMNS_TH``."""
    return [(month, _thai_month(row, digits), *cells,
             to_thai_digits(row.notes("th")) if digits else row.notes("th"))
            for row, (month, *cells) in zip(months, progress_rows(months), strict=True)]


def _csv(header: tuple[str, ...], rows: list[tuple[Cell, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def ratings_csv(figures: Figures) -> str:
    """The rated chats as CSV (UTF-8, header row)."""
    return _csv(RATING_COLUMNS, rating_rows(figures))


def aggregates_csv(figures: Figures) -> str:
    """The aggregate figures as CSV: ``figure,value``."""
    return _csv(("figure", "value"), list(aggregate_rows(figures)))


def progress_csv(months: list[MonthProgress]) -> str:
    """The monthly progress as CSV (UTF-8, header row)."""
    return _csv(PROGRESS_COLUMNS, progress_rows(months))


def _sheet(book: Workbook, title: str, header: tuple[str, ...],
           rows: list[tuple[Cell, ...]]) -> None:
    """A sheet with a bold, frozen header row."""
    data = book.create_sheet(title)
    data.append(list(header))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in rows:
        data.append(list(row))
    data.freeze_panes = "A2"


def _saved(book: Workbook) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def progress_workbook(months: list[MonthProgress], digits: bool = False) -> bytes:
    """The monthly progress as XLSX, with Thai month names (B.E.) and Thai notes."""
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "Monthly progress", PROGRESS_COLUMNS_TH, progress_rows_th(months, digits))
    return _saved(book)


def workbook(figures: Figures, thai_digits: bool = False) -> bytes:
    """An XLSX file: summary (English, Thai), aggregates, rated chats, helpfulness, sites."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    for lines in (summary.english(figures), summary.thai(figures, thai_digits)):
        for line in lines:
            sheet.append([line.label, line.value])
        sheet.append([])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    sheets: list[tuple[str, tuple[str, ...], list[tuple[Cell, ...]]]] = [
        ("Aggregates", ("figure", "value"), list(aggregate_rows(figures))),
        ("Ratings", RATING_COLUMNS, rating_rows(figures)),
        ("Helpfulness", HELPFULNESS_COLUMNS, helpfulness_rows(figures)),
        ("Sites", SITE_COLUMNS, site_rows(figures))]
    for title, header, rows in sheets:
        _sheet(book, title, header, rows)
    return _saved(book)
