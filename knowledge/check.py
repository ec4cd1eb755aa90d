"""Quality gate for the knowledge base: ``python -m knowledge.check`` (``make kb-check``).

Fails (exit 1) when an article does not load (schema, both languages, https sources,
duplicate ids, related links: see ``knowledge.articles``), when an article's folder, id or
text does not match its topic and languages, or when coverage is below the minimums.
It also fails when a time-bound fact's ``valid_until`` has passed (the article must say
what holds now) and warns ``EXPIRY_WARNING_DAYS`` before, and when an article uses a name or
form of address the term base (``knowledge/terms.yml``) says to avoid. Source links that are
a bare home page (unless marked ``entry_point``) back no specific claim: they are counted,
listed with ``--home-pages``, and refused with ``--strict-sources`` (the default once every
article cites the pages that state its facts).
Every problem is listed, not just the first.
Articles reviewed more than ``STALE_AFTER_DAYS`` ago are listed as warnings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import urlparse

from common.thai_calendar import bangkok_today
from knowledge.articles import (
    Article,
    ArticleError,
    article_paths,
    articles_dir,
    collection_errors,
    load_article,
)
from knowledge.terms import term_problems
from knowledge.topics import TOPICS

MIN_ARTICLES = 130
MIN_PER_TOPIC = 5
# The center is known for these; they need more than the minimum.
MAIN_TOPICS = ("visa", "housing", "schools", "investment")
MIN_PER_MAIN_TOPIC = 8
STALE_AFTER_DAYS = 365
EXPIRY_WARNING_DAYS = 30
# Every article cites at least one official body: Thai government and public organisations
# (.go.th, .or.th, public universities .ac.th), foreign governments (embassies) and the
# state enterprises that run public services. Further sources may be other reputable bodies.
OFFICIAL_SUFFIXES = (".go.th", ".or.th", ".ac.th", ".mi.th", ".gov", ".gov.uk", ".gov.au",
                     ".gc.ca", ".europa.eu")
# (The Metropolitan Electricity Authority is www.mea.or.th, covered by .or.th.)
STATE_ENTERPRISES = ("www.bts.co.th", "www.mrta.co.th", "www.airportthai.co.th",
                     "www.mwa.co.th", "www.bmta.co.th", "www.pea.co.th",
                     "www.thailandpost.co.th", "track.thailandpost.co.th",
                     "international.thailandpost.com")
# Share of letters in Thai script: Thai text may quote English names and URLs, English
# text may quote a Thai form name ("ภ.ง.ด.90"), but neither may be the other language.
MIN_THAI_SHARE_IN_THAI = 0.3
MAX_THAI_SHARE_IN_ENGLISH = 0.1
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LETTER = re.compile(r"[^\W\d_]")


def thai_share(text: str) -> float:
    """Fraction of the letters of ``text`` that are Thai script (0 for no letters)."""
    letters = _LETTER.findall(text)
    return sum(1 for c in letters if _THAI.match(c)) / len(letters) if letters else 0.0


@dataclass
class Report:
    """What the check found: errors fail the gate, warnings are listed."""

    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    home_pages: dict[str, list[str]] = field(default_factory=dict)  # article id -> URLs

    @property
    def per_topic(self) -> Counter[str]:
        """Number of articles per topic."""
        return Counter(article.topic for article in self.articles)


def is_official(url: str) -> bool:
    """True for a government, public-body or state-enterprise address."""
    host = (urlparse(url).hostname or "").lower()
    return host.endswith(OFFICIAL_SUFFIXES) or host in STATE_ENTERPRISES


def article_errors(article: Article, today: dt.date) -> list[str]:
    """What is wrong with one loaded article beyond what the loader checks."""
    errors = []
    if article.topic not in TOPICS:
        errors.append(f"{article.id}: unknown topic {article.topic!r}")
    if not article.id.startswith(f"{article.topic}-"):
        errors.append(f"{article.id}: id must start with its topic '{article.topic}-'")
    if not any(is_official(source.url) for source in article.sources):
        errors.append(f"{article.id}: no source from an official body")
    if article.reviewed > today:
        errors.append(f"{article.id}: reviewed date {article.reviewed} is in the future")
    for part in ("title", "answer", "details"):
        texts = getattr(article, part)
        if thai_share(texts["th"]) < MIN_THAI_SHARE_IN_THAI:
            errors.append(f"{article.id}: the Thai {part} is not mostly Thai")
        if thai_share(texts["en"]) > MAX_THAI_SHARE_IN_ENGLISH:
            errors.append(f"{article.id}: the English {part} is not mostly English")
    return errors


def bare_home_pages(article: Article) -> list[str]:
    """The article's source links that are a site's home page, not marked as the service."""
    return [source.url for source in article.sources if not source.entry_point
            and urlparse(source.url).path in ("", "/") and not urlparse(source.url).query]


def expiry_problems(article: Article, today: dt.date) -> tuple[list[str], list[str]]:
    """(errors, warnings): time-bound facts past their ``valid_until``, or near it."""
    errors, warnings = [], []
    for fact in article.time_bound:
        if fact.valid_until is None:
            continue
        left = (fact.valid_until - today).days
        said = f"{article.id}: '{fact.claim['en']}' is valid until {fact.valid_until}"
        if left < 0:
            errors.append(f"{said}, which has passed: say what holds now")
        elif left <= EXPIRY_WARNING_DAYS:
            warnings.append(f"{said} ({left} days left): check whether it is extended")
    return errors, warnings


def _coverage_errors(per_topic: Counter[str], total: int) -> list[str]:
    errors = []
    if total < MIN_ARTICLES:
        errors.append(f"{total} articles; at least {MIN_ARTICLES} are required")
    for topic in TOPICS:
        needed = MIN_PER_MAIN_TOPIC if topic in MAIN_TOPICS else MIN_PER_TOPIC
        if per_topic[topic] < needed:
            errors.append(f"topic {topic}: {per_topic[topic]} articles, at least {needed}")
    return errors


def check(directory: Optional[Path] = None, today: Optional[dt.date] = None) -> Report:
    """Check every article under ``directory`` against the rules above."""
    directory = directory or articles_dir()
    today = today or bangkok_today()
    report = Report()
    for path in article_paths(directory):
        if path.parent.name not in TOPICS:
            report.errors.append(f"{path}: folder is not a topic")
        try:
            report.articles.append(load_article(path))
        except ArticleError as error:
            report.errors.append(str(error))
    report.errors += collection_errors(report.articles)
    for article in report.articles:
        report.errors += article_errors(article, today) + term_problems(article)
        expired, expiring = expiry_problems(article, today)
        report.errors += expired
        report.warnings += expiring
        if home_pages := bare_home_pages(article):
            report.home_pages[article.id] = home_pages
        age = (today - article.reviewed).days
        if age > STALE_AFTER_DAYS:
            report.warnings.append(f"{article.id}: last reviewed {article.reviewed} "
                                   f"({age} days ago); please review it")
    report.errors += _coverage_errors(report.per_topic, len(report.articles))
    return report


def _print_home_pages(report: Report, listed: bool, refused: bool) -> None:
    """Count the bare home pages; list them, or make each article's an error."""
    links = sum(len(urls) for urls in report.home_pages.values())
    print(f"{links} of {sum(len(a.sources) for a in report.articles)} source links are bare "
          f"home pages, in {len(report.home_pages)} articles")
    for article_id, urls in sorted(report.home_pages.items()):
        message = f"{article_id}: home page as a source: {', '.join(urls)}"
        if refused:
            report.errors.append(message)
        elif listed:
            print(f"  {message}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the report; exit 1 when there are errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="check freshness as of this date (YYYY-MM-DD)")
    parser.add_argument("--home-pages", action="store_true",
                        help="list the source links that are bare home pages")
    parser.add_argument("--strict-sources", action="store_true",
                        help="refuse source links that are bare home pages")
    args = parser.parse_args(argv)
    report = check(today=args.today)
    print(f"{len(report.articles)} articles loaded (each with English and Thai text and "
          "at least one https source)")
    for topic in TOPICS:
        print(f"  {topic:<15} {report.per_topic[topic]}")
    _print_home_pages(report, listed=args.home_pages, refused=args.strict_sources)
    print(f"{len(report.warnings)} warning(s) (reviewed more than {STALE_AFTER_DAYS} days ago, "
          f"or a time-bound fact ending within {EXPIRY_WARNING_DAYS} days)")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    for error in report.errors:
        print(f"  error: {error}")
    print("knowledge base check " + ("FAILED" if report.errors else "passed"))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
