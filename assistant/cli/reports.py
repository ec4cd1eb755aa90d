"""``flask report``: the KPI and KR score of a period; ``flask demo-data``: demo data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

import click
from flask.cli import with_appcontext

from assistant.chat.satisfaction import LEVELS
from assistant.reports import demo, kr_explanation
from assistant.reports.exports import as_number
from assistant.reports.figures import Figures, compute
from assistant.reports.periods import PeriodError, choose

DATE = click.DateTime(formats=["%Y-%m-%d"])


def as_json(figures: Figures) -> dict[str, Any]:
    """The KPI figures as one JSON-ready object."""
    kpi, period = figures.kpi, figures.period
    return {
        "period": {"name": period.name_en, "name_th": period.name_th,
                   "first_day": period.first.isoformat(), "last_day": period.last.isoformat(),
                   "timezone": "Asia/Bangkok"},
        "responses": kpi.responses,
        "satisfied_or_better": kpi.satisfied_or_better,
        "rate_percent": as_number(kpi.rate_percent),
        "target_percent": kpi.target_percent,
        "target_met": kpi.met,
        "levels": {str(level): kpi.levels[level] for level in LEVELS},
        "closed_chats": figures.closed,
        "response_rate_percent": as_number(figures.response_rate),
        "interval_95": [as_number(bound) for bound in figures.confidence.interval_95]
        if figures.confidence.interval_95 else None,
        "availability_percent": as_number(figures.kr.availability.measured),
        "kr_score": as_number(figures.kr.total),
        "sites": [{"site": part.site, "name": part.name, "chats": part.chats,
                   "respondents": part.kpi.responses,
                   "kpi_percent": as_number(part.kpi.rate_percent),
                   "top_topics": part.top_topics} for part in figures.sites],
        "visits": figures.visits.as_dict(),
        "demo_data": figures.demo,
    }


def _text(figures: Figures) -> str:
    kpi, period = figures.kpi, figures.period
    rate = "no responses" if kpi.rate_percent is None else f"{kpi.rate_percent:.2f} %"
    status = "n/a" if kpi.met is None else ("met" if kpi.met else "NOT met")
    levels = ", ".join(f"{level}: {kpi.levels[level]}" for level in LEVELS)
    lines = [f"{period.name_en} ({period.first.isoformat()} to {period.last.isoformat()}, "
             "Bangkok time)",
             f"  satisfaction rate   {rate} (target {kpi.target_percent} %: {status})",
             f"  respondents         {kpi.responses} ({kpi.satisfied_or_better} satisfied "
             "or better)",
             f"  levels              {levels}",
             f"  closed chats        {figures.closed}",
             f"  KR score            {kr_explanation.total_text(figures.kr, 'en')}"]
    if figures.demo:
        lines.append("  (DEMO DATA: synthetic conversations)")
    return "\n".join(lines)


@click.command("report")
@click.option("--fiscal-year", type=int,
              help="Thai fiscal year, B.E. (2568 = Oct 2024-Sep 2025)")
@click.option("--quarter", type=click.IntRange(1, 4), help="quarter of that fiscal year")
@click.option("--month", "month_text", help="a calendar month, YYYY-MM")
@click.option("--from", "first", type=DATE, help="first day, YYYY-MM-DD (Bangkok)")
@click.option("--to", "last", type=DATE, help="last day, YYYY-MM-DD (Bangkok), included")
@click.option("--json", "as_json_output", is_flag=True, help="print one JSON object")
@with_appcontext
def report(fiscal_year: Optional[int], quarter: Optional[int], month_text: Optional[str],
           first: Optional[dt.datetime], last: Optional[dt.datetime],
           as_json_output: bool) -> None:
    """The satisfaction KPI of a period (default: the current fiscal year)."""
    kind = ("range" if first or last else "month" if month_text
            else "quarter" if quarter else "fiscal_year")
    try:
        period = choose(kind, fiscal_year, quarter, month_text,
                        first.date() if first else None, last.date() if last else None)
    except PeriodError as error:
        raise click.UsageError(str(error)) from error
    figures = compute(period)
    click.echo(json.dumps(as_json(figures), ensure_ascii=False) if as_json_output
               else _text(figures))


@click.command("demo-data")
@click.option("--fiscal-year", type=int, help="fiscal year to fill (default: the last one)")
@click.option("--conversations", type=click.IntRange(1, 100000), default=1500,
              show_default=True)
@click.option("--seed", type=int, default=2568, show_default=True)
@with_appcontext
def demo_data(fiscal_year: Optional[int], conversations: int, seed: int) -> None:
    """Fill a separate, empty demo database with synthetic conversations (marked demo)."""
    try:
        summary = demo.fill(fiscal_year, conversations, seed)
    except demo.NotADemoDatabase as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary)
