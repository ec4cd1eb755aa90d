"""Knowledge base in the console: search, agent assist, editing with checks and history.

The app and the running action server read the same copy of the articles, so an edit made
here must change the assistant's next answer without a restart.
"""

import uuid
from html.parser import HTMLParser

import pytest

from assistant.chat.articles import ArticleDraft, article_text
from assistant.settings import ROOT
from knowledge.articles import load_article, parse_article
from tests.support.console_helpers import csrf_token, signed_in_client

ARTICLE = "visa-90-day-reporting"
EDIT_PAGE = f"/console/knowledge/{ARTICLE}/edit"


@pytest.fixture
def signed_in(app):
    """A logged-in test client for a role."""
    return lambda role, name="Napat": signed_in_client(app, role, name)


@pytest.fixture
def restored_article(knowledge_dir):
    """Put the edited article's file back after the test."""
    path = knowledge_dir / "visa" / f"{ARTICLE}.md"
    original = path.read_text("utf-8")
    yield path
    path.write_text(original, "utf-8")


class FormFields(HTMLParser):
    """The values of a page's inputs and text areas (checked boxes as a list)."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "checkbox":
            if "checked" in attrs and attrs.get("name"):  # chosen related articles: a list
                self.values.setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value", "")
        if tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.values[self._textarea] = self.values[self._textarea].lstrip("\n")
            self._textarea = None


def form_fields(client):
    """The edit form as the page fills it (the article as it is)."""
    parser = FormFields()
    parser.feed(client.get(EDIT_PAGE).get_data(as_text=True))
    return parser.values


def test_staff_search_finds_articles_in_thai_and_english(signed_in):
    staff = signed_in("staff")
    thai = staff.get("/console/knowledge/?q=รายงานตัว 90 วัน").get_data(as_text=True)
    english = staff.get("/console/knowledge/?q=report my address every 90 days").get_data(True)
    for page in (thai, english):
        assert f'data-article-id="{ARTICLE}"' in page
    assert "Edit</a>" not in english  # staff may search, not edit
    assert staff.get(EDIT_PAGE).status_code == 403


def test_agent_assist_sends_an_article_with_its_source(signed_in, client, conversation):
    staff = signed_in("staff")
    page = f"/console/conversations/{conversation}"
    staff.post(f"{page}/take", data={"csrf_token": csrf_token(staff, page)})
    html = staff.get(f"{page}?q=TM.47 90 day report").get_data(as_text=True)
    assert f'data-article-id="{ARTICLE}"' in html and "Insert into reply" in html
    sent = staff.post(f"{page}/articles/{ARTICLE}", data={"csrf_token": csrf_token(staff, page)})
    assert sent.status_code == 302

    replies = client.get(f"/api/conversations/{conversation}/messages").get_json()["replies"]
    article = replies[-1]
    assert article["sender"] == "staff" and article["topic"] == "visa"
    assert "TM.47" in article["text"]
    assert article["sources"][0]["url"].startswith("https://")


def test_trainer_edit_is_checked_saved_recorded_and_used_by_the_bot(
        signed_in, restored_article, client, conversation):
    trainer = signed_in("trainer", name="Kanya")
    marker = f"Checked by the center {uuid.uuid4().hex[:8]}."
    fields = form_fields(trainer)
    fields["answer_en"] = f"{fields['answer_en']} {marker}"
    saved = trainer.post(EDIT_PAGE, data=fields)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert marker in restored_article.read_text("utf-8")

    history = trainer.get(f"/console/knowledge/{ARTICLE}/history").get_data(as_text=True)
    assert "Kanya" in history and marker in history
    audit = trainer.get("/console/training/audit").get_data(as_text=True)
    assert "article edited" in audit and ARTICLE in audit

    reply = client.post(f"/api/conversations/{conversation}/messages",
                        json={"text": "how do I do the 90 day report online?"}).get_json()
    assert any(marker in r["text"] for r in reply["replies"]), reply


def test_a_source_marked_as_the_services_entry_point_stays_marked(signed_in, restored_article):
    trainer = signed_in("trainer")
    fields = form_fields(trainer)
    fields["sources"] = ("Immigration Bureau — 90-day report online | "
                         "https://tm47.immigration.go.th/ | entry point\n" + fields["sources"])
    assert trainer.post(EDIT_PAGE, data=fields).status_code == 302
    saved = load_article(restored_article)
    assert saved.sources[0].entry_point and saved.sources[0].url.startswith("https://tm47")
    assert not any(source.entry_point for source in saved.sources[1:])
    assert "https://tm47.immigration.go.th/ | entry point" in form_fields(trainer)["sources"]


@pytest.mark.parametrize("field, value, message", [
    ("answer_en", "word " * 81, "80 words"),
    ("sources", "Immigration | http://www.immigration.go.th/", "https"),
    ("answer_th", "Only English here, no Thai at all.", "not mostly Thai"),
    ("related", "visa-does-not-exist", "does not exist"),
])
def test_invalid_edit_is_refused_and_nothing_is_written(
        signed_in, restored_article, field, value, message):
    trainer = signed_in("admin")
    before = restored_article.read_text("utf-8")
    fields = form_fields(trainer)
    fields[field] = value
    refused = trainer.post(EDIT_PAGE, data=fields)
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    assert restored_article.read_text("utf-8") == before


def test_an_edit_keeps_the_articles_time_bound_facts():
    """The form does not edit time-bound facts: saving an edit writes them back unchanged."""
    path = ROOT / "knowledge" / "articles" / "tax" / "tax-foreign-income-remittance.md"
    article = load_article(path)
    assert article.time_bound  # a proposal, said to be one in the answer
    saved = parse_article(article_text(article, ArticleDraft.of(article)), path)
    assert saved.time_bound == article.time_bound
