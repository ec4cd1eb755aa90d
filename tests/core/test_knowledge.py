"""Knowledge articles: complete, sourced, and found by BM25 in English, Thai and mixed text."""

import datetime as dt
from urllib.parse import urlparse

import pytest

from knowledge import KnowledgeBase, load_articles
from knowledge.articles import ARTICLES_DIR, ArticleError, load_article
from knowledge.topics import TOPICS

# Official bodies only: Thai government (.go.th), official organisations (.or.th) and the
# state enterprises that run public services.
STATE_ENTERPRISES = {"www.bts.co.th", "www.mrta.co.th", "www.airportthai.co.th", "www.mwa.co.th"}


@pytest.fixture(scope="module")
def base():
    return KnowledgeBase.load()


def test_every_topic_has_at_least_two_articles(base):
    for topic in TOPICS:
        assert len([a for a in base.articles if a.topic == topic]) >= 2, topic


def test_articles_are_bilingual_sourced_and_reviewed(base):
    for article in base.articles:
        assert article.id.startswith(article.topic + "-")
        assert article.title["th"] and article.answer["th"] and article.details["th"]
        assert len(article.answer["en"].split()) <= 80
        assert dt.date(2025, 1, 1) <= article.reviewed <= dt.date.today()
        for source in article.sources:
            host = urlparse(source.url).hostname or ""
            official = host.endswith((".go.th", ".or.th")) or host in STATE_ENTERPRISES
            assert official, f"{article.id}: {source.url}"


@pytest.mark.parametrize(
    "query, topic, expected",
    [
        ("how do I extend my stay", "visa", "visa-extension-of-stay"),
        ("90 day report online", "visa", "visa-90-day-reporting"),
        ("ต่ออายุวีซ่า ขออยู่ต่อ", "visa", "visa-extension-of-stay"),
        ("ยื่น ภ.ง.ด.90 ออนไลน์", "tax", "tax-filing-pnd90-pnd91"),
        ("foreigner buying a condo quota", "housing", "housing-buying-a-condominium"),
        ("โอนเงิน PromptPay", "banking", "banking-promptpay-mobile-banking"),
        ("lost my passport", None, "emergency-lost-passport"),
    ],
)
def test_best_article(base, query, topic, expected):
    assert base.rank(query, topic)[0].article.id == expected


def test_predicted_topic_comes_first(base):
    hits = base.rank("deposit contract passport", "housing")
    topics = [hit.article.topic for hit in hits]
    first_other = next(i for i, t in enumerate(topics) if t != "housing")
    assert set(topics[:first_other]) == {"housing"}
    assert "housing" not in topics[first_other:]


def test_topic_without_matching_words_gives_its_articles_in_file_order(base):
    hits = base.rank("", "schools")
    assert [h.article.topic for h in hits] == ["schools"] * len(hits)
    assert hits[0].article.id == sorted(a.id for a in base.articles if a.topic == "schools")[0]


def test_missing_thai_section_is_rejected(tmp_path):
    text = (
        "---\nid: visa-x\ntopic: visa\nreviewed: 2026-11-01\n"
        "sources:\n  - {title: Immigration, url: 'https://www.immigration.go.th/'}\n"
        "title: {en: T, th: ท}\nanswer: {en: A, th: ก}\n---\n## English\n\nOnly English.\n"
    )
    path = tmp_path / "visa-x.md"
    path.write_text(text, "utf-8")
    with pytest.raises(ArticleError, match="ภาษาไทย"):
        load_article(path)


def test_duplicate_ids_are_rejected(tmp_path):
    for name in ("visa", "tax"):
        folder = tmp_path / name
        folder.mkdir()
        original = sorted((ARTICLES_DIR / "visa").glob("*.md"))[0]
        (folder / "a.md").write_text(original.read_text("utf-8"), "utf-8")
    with pytest.raises(ArticleError, match="duplicate"):
        load_articles(tmp_path)


def test_related_articles_prefer_the_same_topic(base):
    hits = base.rank("extend my stay, and the emergency number", "visa")
    chosen = hits[0].article
    related = base.related(chosen, hits)
    assert chosen.id == "visa-extension-of-stay"
    assert len(related) == 3 and chosen not in related
    visa_count = len([a for a in base.articles if a.topic == "visa"])
    assert [a.topic for a in related[: visa_count - 1]] == ["visa"] * (visa_count - 1)
