"""The source watch (`make kb-watch`): a changed source page puts its articles up for review.

Against a fake official site over HTTPS on loopback, with articles written for the test
(the real knowledge base is never touched, no real site is ever asked).
"""

import datetime as dt

import pytest
from sqlalchemy import select

from assistant.chat.reviews import changed_sources
from assistant.chat.source_pages import USER_AGENT, FetchError, PoliteFetcher, main_text
from assistant.extensions import db
from assistant.models import ArticleReview, SourceCheck, User, utcnow
from common.thai_calendar import bangkok_today
from scripts.servers import free_port
from tests.service.conftest import NO_RASA, make_app
from tests.support.console_helpers import create_user
from tests.support.fake_sources import fake_site

ARTICLE = """---
id: {id}
topic: visa
reviewed: {reviewed}
sources:
{sources}
keywords:
  en: [fees]
  th: [ค่าธรรมเนียม]
title:
  en: Fees {id}
  th: ค่าธรรมเนียม {id}
answer:
  en: The fee is on the official page.
  th: ค่าธรรมเนียมอยู่ในหน้าทางการ
---
## English

See the source.

## ภาษาไทย

ดูแหล่งที่มา
"""

PAGE = """<!doctype html><html><head><title>Immigration</title>{head}</head>
<body class="{body_class}"><header>Royal Thai Police</header><nav>Home | Services</nav>
<main><h1>Extension of stay</h1>{text}</main><footer>Updated {footer}</footer></body></html>"""


def page(text, head="<script>var build = 1;</script>", body_class="a", footer="2026"):
    return PAGE.format(text=text, head=head, body_class=body_class, footer=footer)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with fake_site(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_site(site, monkeypatch):
    """The site without pages or requests of other tests; its certificate trusted."""
    site.pages.clear()
    site.requests.clear()
    site.slow_seconds = 0.0
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", site.certificate)


def write_articles(folder, sources_by_article, reviewed=None):
    """One article file per id (topic visa) citing the given URLs, reviewed on 5 January
    2026 unless ``reviewed`` (id -> date) says otherwise; returns the folder."""
    for article_id, urls in sources_by_article.items():
        day = (reviewed or {}).get(article_id, dt.date(2026, 1, 5))
        sources = "\n".join(f"  - title: Page {n}\n    url: {url}" for n, url in enumerate(urls))
        (folder / "visa").mkdir(parents=True, exist_ok=True)
        (folder / "visa" / f"{article_id}.md").write_text(
            ARTICLE.format(id=article_id, reviewed=day.isoformat(), sources=sources), "utf-8")
    return folder


def watch(app, *options):
    result = app.test_cli_runner().invoke(args=["knowledge", "watch", "--delay", "0", *options])
    assert result.exit_code == 0, result.output
    return result.output


def checks(app):
    with app.app_context():
        rows = db.session.scalars(select(SourceCheck)).all()
        return {row.url: row for row in rows}


def queue(app):
    with app.app_context():
        return changed_sources()


def test_a_changed_source_page_puts_its_articles_up_for_review(site, module_database, tmp_path):
    fees, offices = f"{site.url}/fees", f"{site.url}/offices"
    site.put("fees", page("<p>The fee is 1,900 baht.</p>"))
    site.put("offices", page("<p>Chaeng Watthana, building B.</p>"), validator="last-modified")
    knowledge = write_articles(tmp_path / "articles", {
        "watch-fees": [fees, offices], "watch-offices": [offices],
        "watch-offices-today": [offices]}, reviewed={"watch-offices-today": bangkok_today()})
    app = make_app(module_database, NO_RASA, NO_RASA, knowledge_dir=knowledge)

    # First look: fingerprints stored, nothing changed, no conditional request yet.
    assert "0 changed, 0 unchanged, 2 seen for the first time, 0 error(s)" in watch(app)
    first = checks(app)
    assert first[fees].fingerprint and first[offices].fingerprint
    assert first[fees].etag and first[offices].last_modified
    assert first[fees].changed_at is None and first[offices].changed_at is None
    assert all(r["user_agent"] == USER_AGENT for r in site.requests)
    assert not any(r["if_none_match"] or r["if_modified_since"] for r in site.requests)
    assert queue(app) == {}

    # Nothing new: both answered 304 to a conditional request (ETag, Last-Modified).
    assert "0 changed, 2 unchanged" in watch(app)
    assert site.requests_to("fees")[-1]["if_none_match"] == first[fees].etag
    assert site.requests_to("fees")[-1]["status"] == 304
    assert site.requests_to("offices")[-1]["if_modified_since"] == first[offices].last_modified
    assert site.requests_to("offices")[-1]["status"] == 304

    # Markup, scripts and whitespace change: a new ETag and body, the same main text.
    site.put("fees", page("<p>The   fee is\n 1,900 <b>baht</b>.</p>",
                          head="<script>var build = 2;</script><style>p{}</style>",
                          body_class="b", footer="2027"))
    assert "0 changed, 2 unchanged" in watch(app)
    assert site.requests_to("fees")[-1]["status"] == 200
    assert checks(app)[fees].fingerprint == first[fees].fingerprint
    assert checks(app)[fees].changed_at is None
    assert queue(app) == {}

    # The text changes: every article citing the page needs a review, also the one whose
    # file says it was reviewed today (that review may have come before the change).
    site.put("offices", page("<p>Chaeng Watthana, building B, floor 2.</p>"),
             validator="last-modified")
    output = watch(app)
    assert "1 changed, 1 unchanged" in output and f"changed {offices}" in output
    changed = checks(app)[offices]
    assert changed.changed_at is not None and changed.fingerprint != first[offices].fingerprint
    assert ("3 article(s) with a changed source await review: watch-fees, watch-offices, "
            "watch-offices-today") in output
    assert queue(app) == {"watch-fees": [offices], "watch-offices": [offices],
                          "watch-offices-today": [offices]}

    # A review recorded in the console takes the article out of the queue.
    email = create_user(app, role="trainer")
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        db.session.add(ArticleReview(article_id="watch-offices", user_id=user.id,
                                     reviewed_at=utcnow()))
        db.session.commit()
    assert queue(app) == {"watch-fees": [offices], "watch-offices-today": [offices]}
    # The next look finds nothing new; the change stays until reviewed.
    assert "0 changed, 2 unchanged" in watch(app)
    assert queue(app) == {"watch-fees": [offices], "watch-offices-today": [offices]}


def test_without_network_every_page_gets_an_error_and_the_command_succeeds(
        site, module_database, tmp_path):
    dead = f"https://127.0.0.1:{free_port()}/visa"
    kept, missing = f"{site.url}/kept", f"{site.url}/missing"
    site.put("kept", page("<p>Kept.</p>"))
    knowledge = write_articles(tmp_path / "articles", {"watch-dead": [dead, kept, missing]})
    app = make_app(module_database, NO_RASA, NO_RASA, knowledge_dir=knowledge)
    watch(app)
    fingerprint = checks(app)[kept].fingerprint

    del site.pages["kept"]  # now 404, as the missing page
    output = watch(app, "--timeout", "2")
    assert "0 changed, 0 unchanged, 0 seen for the first time, 3 error(s)" in output
    assert f"error {dead}:" in output and f"error {missing}: 404" in output
    found = checks(app)
    assert all(found[url].error for url in (dead, kept, missing))
    assert found[kept].fingerprint == fingerprint and found[kept].changed_at is None
    assert found[dead].fingerprint is None

    site.put("kept", page("<p>Kept.</p>"))  # back, unchanged: the error is cleared
    watch(app)
    assert checks(app)[kept].error is None and queue(app) == {}


def test_fetcher_times_out_and_pauses_between_requests_to_one_host(site):
    site.put("slow-page", page("<p>Slow.</p>"))
    site.slow_seconds = 2.0
    with pytest.raises(FetchError, match="timed out"):
        PoliteFetcher(timeout=0.5, delay=0).fetch(f"{site.url}/slow-page")

    site.put("one", page("<p>One.</p>"))
    site.put("two", page("<p>Two.</p>"))
    fetcher = PoliteFetcher(timeout=5, delay=0.5)
    fetcher.fetch(f"{site.url}/one")
    fetcher.fetch(f"{site.url}/two")
    assert site.requests_to("two")[-1]["at"] - site.requests_to("one")[-1]["at"] >= 0.45


def test_thai_page_has_one_fingerprint_whatever_its_encoding(site):
    text = "<p>ค่าธรรมเนียมการขออยู่ต่อ 1,900 บาท</p>"
    site.put("utf8", page(text))
    site.put("tis620", page(text).replace("<head>", '<head><meta charset="tis-620">'),
             content_type="text/html", encoding="tis-620")
    fetcher = PoliteFetcher(timeout=5, delay=0)
    assert (fetcher.fetch(f"{site.url}/utf8").fingerprint
            == fetcher.fetch(f"{site.url}/tis620").fingerprint)


def test_main_text_is_the_content_without_scripts_navigation_and_markup():
    assert main_text(page("<p>A  <i>b</i>\n c</p>")) == "Extension of stay A b c"
    without_main = ("<body><nav>menu</nav><div>Body <script>x()</script>text"
                    "<br><img src=x>&amp; more</div><footer>f</footer>")
    assert main_text(without_main) == "Body text & more"
    assert main_text("<div><p>unclosed<div>still <span>here</div> after") == \
        "unclosed still here after"
