"""Reviews that mean something (issue 18, item 3): the "Needs review" queue lists articles
not reviewed for six months or whose source page changed since, with the reason in English
and Thai; confirming one records who and when (history kept) and dates the file today."""

import datetime as dt
import re
import shutil

import pytest
import yaml
from sqlalchemy import delete, func, select

from assistant.chat.reviews import REVIEW_INTERVAL_DAYS, months_between
from assistant.extensions import db
from assistant.models import ArticleReview, ArticleRevision, SourceCheck
from common.thai_calendar import bangkok_today, english_date, thai_short_date, utcnow
from knowledge.articles import load_article
from scripts.servers import ROOT
from tests.service.conftest import NO_RASA, make_app
from tests.support.console_helpers import csrf_token, signed_in_client

QUEUE = "/console/knowledge/needs-review"
OLDER, OLD, CHANGED = "visa-overstay", "visa-90-day-reporting", "visa-tm30-address-notification"


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """This module's own copy of the articles: its tests back-date them."""
    copy = tmp_path_factory.mktemp("reviews") / "articles"
    shutil.copytree(ROOT / "knowledge" / "articles", copy)
    return copy


@pytest.fixture(scope="module")
def review_app(module_database, articles):
    """The service on the copy (no Rasa: the queue and the confirmation never ask it)."""
    return make_app(module_database, NO_RASA, NO_RASA, articles)


@pytest.fixture
def signed_in(review_app):
    return lambda role, name="Kanya": signed_in_client(review_app, role, name)


@pytest.fixture
def dated(articles):
    """Set an article file's ``reviewed`` date; every file is put back after the test."""
    originals = {path: path.read_text("utf-8") for path in articles.rglob("*.md")}

    def set_reviewed(article_id, day):
        path = next(articles.rglob(f"{article_id}.md"))
        path.write_text(re.sub(r"^reviewed: .*$", f"reviewed: {day.isoformat()}",
                               path.read_text("utf-8"), count=1, flags=re.MULTILINE), "utf-8")
        return path
    yield set_reviewed
    for path, text in originals.items():
        path.write_text(text, "utf-8")


@pytest.fixture
def clean_records(review_app):
    """No reviews or source checks are left for the next test."""
    yield
    with review_app.app_context():
        db.session.execute(delete(ArticleReview))
        db.session.execute(delete(SourceCheck))
        db.session.commit()


def days_ago(days):
    return bangkok_today() - dt.timedelta(days=days)


def queued(html):
    """The article ids of the queue page, in its order."""
    return re.findall(r'class="review-item kb-card" data-article-id="([^"]+)"', html)


def test_months_are_whole_calendar_months():
    assert months_between(dt.date(2026, 5, 25), dt.date(2026, 11, 25)) == 6
    assert months_between(dt.date(2026, 5, 26), dt.date(2026, 11, 25)) == 5
    assert months_between(dt.date(2025, 11, 30), dt.date(2026, 12, 4)) == 12


def test_articles_not_reviewed_for_six_months_are_listed_oldest_first_with_how_long(
        signed_in, dated, clean_records):
    older, old = days_ago(400), days_ago(REVIEW_INTERVAL_DAYS + 1)
    dated(OLDER, older)
    dated(OLD, old)
    dated(CHANGED, days_ago(REVIEW_INTERVAL_DAYS))  # not yet: exactly the interval
    trainer = signed_in("trainer")
    page = trainer.get(QUEUE).get_data(as_text=True)
    assert queued(page) == [OLDER, OLD]
    months = months_between(older, bangkok_today())
    assert f"Not reviewed for {months} months (last reviewed {english_date(older)})" in page
    assert f"ไม่ได้ตรวจทานมา {months} เดือน (ตรวจทานล่าสุด {thai_short_date(older)})" in page
    index = trainer.get("/console/knowledge/").get_data(as_text=True)
    assert 'href="/console/knowledge/needs-review"' in index
    assert re.search(r'id="needs-review-count">2<', index)


def test_an_article_whose_source_changed_since_its_review_is_listed_with_the_source(
        signed_in, review_app, articles, clean_records):
    source = load_article(next(articles.rglob(f"{CHANGED}.md"))).sources[0]
    changed = utcnow()
    with review_app.app_context():
        db.session.add(SourceCheck(url=source.url, fingerprint="0" * 64, checked_at=changed,
                                   changed_at=changed))
        db.session.add(SourceCheck(url="https://www.example.go.th/before", checked_at=changed,
                                   changed_at=changed - dt.timedelta(days=400)))
        db.session.commit()
    page = signed_in("admin").get(QUEUE).get_data(as_text=True)
    assert CHANGED in queued(page)
    day = bangkok_today()
    assert f"Source changed on {english_date(day)}: {source.title}" in page
    assert f"แหล่งข้อมูลเปลี่ยนแปลงเมื่อ {thai_short_date(day)}: {source.title}" in page
    assert f'href="{source.url}"' in page
    uncited = [a for a in queued(page) if source.url not in
               [s.url for s in load_article(next(articles.rglob(f"{a}.md"))).sources]]
    assert not uncited  # nothing else: every listed article cites the changed page


def test_confirming_records_the_review_dates_the_file_and_keeps_the_history(
        signed_in, review_app, dated, clean_records):
    path = dated(OLD, days_ago(300))
    first, second = signed_in("trainer", name="Kanya"), signed_in("admin", name="Somsak")
    confirmed = first.post(f"/console/knowledge/{OLD}/review",
                           data={"csrf_token": csrf_token(first, QUEUE),
                                 "note": "Fees checked on the immigration page"})
    assert confirmed.status_code == 302
    assert yaml.safe_load(path.read_text("utf-8").split("---")[1])["reviewed"] == bangkok_today()
    after = first.get(QUEUE).get_data(as_text=True)
    assert OLD not in queued(after)
    assert f"Last reviewed: {english_date(bangkok_today())}" in after  # the flash says so

    with review_app.app_context():  # a source changes after the review: due again
        url = load_article(path).sources[0].url
        db.session.add(SourceCheck(url=url, changed_at=utcnow()))
        db.session.commit()
    assert OLD in queued(second.get(QUEUE).get_data(as_text=True))
    second.post(f"/console/knowledge/{OLD}/review", data={"csrf_token": csrf_token(second, QUEUE)})
    assert OLD not in queued(second.get(QUEUE).get_data(as_text=True))

    history = second.get(f"/console/knowledge/{OLD}/history").get_data(as_text=True)
    assert history.index("Somsak") < history.index("Kanya")  # both kept, newest first
    assert "Fees checked on the immigration page" in history
    audit = second.get("/console/training/audit").get_data(as_text=True)
    assert "article reviewed" in audit
    with review_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ArticleReview)
                                 .where(ArticleReview.article_id == OLD)) == 2
        revision = db.session.scalars(select(ArticleRevision).where(
            ArticleRevision.article_id == OLD).order_by(ArticleRevision.id)).first()
        assert revision and f"reviewed: {bangkok_today().isoformat()}" in revision.after


def test_staff_may_not_see_or_confirm_reviews(signed_in, dated, clean_records):
    path = dated(OLD, days_ago(300))
    before = path.read_text("utf-8")
    staff = signed_in("staff")
    assert staff.get(QUEUE).status_code == 403
    token = csrf_token(staff, "/console/knowledge/")
    refused = staff.post(f"/console/knowledge/{OLD}/review", data={"csrf_token": token})
    assert refused.status_code == 403 and path.read_text("utf-8") == before
    index = staff.get("/console/knowledge/").get_data(as_text=True)
    assert "needs-review-count" not in index
