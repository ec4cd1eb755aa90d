"""Reports page and exports for managers: the KPI and how the service is used.

Staff and admins may open them; every URL takes the same period parameters.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from assistant.chat.satisfaction import LEVELS, Kpi, level_labels
from assistant.models import CHAT_ROLES
from assistant.reports import charts, exports, kr_explanation, progress, summary, trends
from assistant.reports.availability import availability
from assistant.reports.figures import Figures, compute
from assistant.reports.forms import PeriodForm
from assistant.reports.periods import PeriodError, choose
from assistant.reports.visits import LABELS as VISIT_LABELS
from assistant.reports.wording import page_language, words
from assistant.web.auth import roles_required
from common.thai_calendar import bangkok_today, in_bangkok, spelled_date
from knowledge.topics import TOPIC_TITLES

blueprint = Blueprint("reports", __name__, url_prefix="/console/reports",
                      template_folder="templates")
HANDLERS = {"bot": "Bot only", "staff": "Staff"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures() -> tuple[PeriodForm, Figures]:
    """The form as sent and the figures of its period (400 for a period that is wrong)."""
    form = PeriodForm(request.args, page_language(request.args.get("lang"),
                                                  request.accept_languages))
    if request.args and not form.validate():
        abort(400, description="; ".join(f"{name}: {', '.join(errors)}"
                                          for name, errors in form.errors.items()))
    try:
        period = choose(form.kind.data or "fiscal_year", form.fiscal_year.data,
                        int(form.quarter.data or 1), form.month.data, form.first.data,
                        form.last.data)
    except PeriodError as error:
        abort(400, description=str(error))
    return form, compute(period)


def _topic_name(topic: str) -> str:
    if topic == "none":  # figures group answers and chats without a topic under "none"
        return "No topic"
    return TOPIC_TITLES.get(topic, {}).get("en", topic)


def _rates(kpis: dict[str, Kpi]) -> dict[str, float]:
    return {name: float(kpi.rate_percent) for name, kpi in kpis.items()
            if kpi.rate_percent is not None}


def _charts(figures: Figures, language: str) -> dict[str, Any]:
    labels = level_labels("en")
    rated, handlers = _rates(figures.by_topic), _rates(figures.by_handler)
    return {
        "levels": charts.bar_chart("Answers per level",
                                   [(labels[level], figures.kpi.levels[level])
                                    for level in LEVELS]),
        "per_day": charts.column_chart(words(language)["per_day"], figures.per_day, language),
        "topics": charts.bar_chart("Top topics of answers",
                                   [(_topic_name(t), n) for t, n in figures.topics]),
        "intents": charts.bar_chart("Top intents", figures.intents),
        "by_topic": charts.bar_chart("Satisfaction by topic (%)",
                                     [(_topic_name(t), r) for t, r in rated.items()], " %"),
        "by_handler": charts.bar_chart("Satisfaction, bot only vs staff (%)",
                                       [(HANDLERS.get(n, n), r) for n, r in handlers.items()],
                                       " %"),
        "helpful_by_topic": charts.bar_chart(
            "Helpful answers by topic (% of votes)",
            [(_topic_name(t), float(part.rate_percent))
             for t, part in figures.helpfulness.by_topic.items()
             if part.rate_percent is not None], " %"),
    }


@blueprint.get("/")
@roles_required(*CHAT_ROLES)
def index() -> str:
    """The KPI with target and pass/fail, its trend, the summary and the usage figures."""
    form, figures = _figures()
    language, today = form.language, bangkok_today()
    elapsed = figures.period.up_to(today)
    return render_template(
        "reports/index.html", form=form, figures=figures, charts=_charts(figures, language),
        language=language, said=words(language), today=spelled_date(today, language),
        elapsed=elapsed, spelled_date=spelled_date,
        comparison=elapsed and trends.compare(figures, compute(elapsed.before()), language),
        english=summary.english(figures),
        thai=summary.thai(figures, bool(form.thai_digits.data)),
        labels={"en": level_labels("en"), "th": level_labels("th")}, levels=LEVELS,
        topic_name=_topic_name, handlers=HANDLERS, visit_labels=VISIT_LABELS,
        kr_words=kr_explanation.explained(figures.kr, "en"),
        availability=availability(figures.period), in_bangkok=in_bangkok,
        query=request.query_string.decode())


def _download(body: str | bytes, name: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _file_name(figures: Figures, suffix: str) -> str:
    prefix = "DEMO-" if figures.demo else ""
    period = figures.period
    return f"{prefix}satisfaction-{period.first.isoformat()}-{period.last.isoformat()}{suffix}"


@blueprint.get("/ratings.csv")
@roles_required(*CHAT_ROLES)
def ratings_csv() -> Response:
    """The rated chats of the period."""
    _, figures = _figures()
    return _download(exports.ratings_csv(figures), _file_name(figures, "-ratings.csv"),
                     "text/csv; charset=utf-8")


@blueprint.get("/aggregates.csv")
@roles_required(*CHAT_ROLES)
def aggregates_csv() -> Response:
    """The aggregate figures of the period."""
    _, figures = _figures()
    return _download(exports.aggregates_csv(figures), _file_name(figures, "-figures.csv"),
                     "text/csv; charset=utf-8")


@blueprint.get("/report.xlsx")
@roles_required(*CHAT_ROLES)
def workbook() -> Response:
    """Summary, aggregates, rated chats and helpfulness in one XLSX file."""
    form, figures = _figures()
    return _download(exports.workbook(figures, bool(form.thai_digits.data)),
                     _file_name(figures, ".xlsx"), XLSX)


@blueprint.get("/progress.csv")
@roles_required(*CHAT_ROLES)
def progress_csv() -> Response:
    """The key result month by month."""
    _, figures = _figures()
    return _download(exports.progress_csv(progress.monthly(figures.period)),
                     _file_name(figures, "-progress.csv"), "text/csv; charset=utf-8")


@blueprint.get("/progress.xlsx")
@roles_required(*CHAT_ROLES)
def progress_xlsx() -> Response:
    """The key result month by month, with Thai month names (B.E.) and Thai notes."""
    form, figures = _figures()
    return _download(exports.progress_workbook(progress.monthly(figures.period),
                                               bool(form.thai_digits.data)),
                     _file_name(figures, "-progress.xlsx"), XLSX)
