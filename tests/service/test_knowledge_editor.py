"""The knowledge editor for trainers (issue 17, trainer item 5): a preview of both languages
side by side, as the chat shows the article, that follows the typing and never turns typed
text into markup; related articles picked by title, stored as ids as before.
"""

import pytest
import yaml
from playwright.sync_api import expect

from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, csrf_token, login

ARTICLE = "visa-90-day-reporting"
EDIT_PAGE = f"/console/knowledge/{ARTICLE}/edit"
PICKED = "schools-bma-schools"  # picked by its Thai title
PICKED_TITLE_TH = "โรงเรียนสังกัดกรุงเทพมหานคร"
TYPED_TH = "ข้อความทดสอบภาษาไทย <b>ตัวหนา</b> <script>alert(1)</script>"


@pytest.fixture(scope="module")
def editor_app(module_database, knowledge_dir):
    """The service on the test copy of the articles (no Rasa: the editor never asks it)."""
    return make_app(module_database, NO_RASA, NO_RASA, knowledge_dir)


@pytest.fixture
def article_file(knowledge_dir):
    """The edited article's file, put back after the test."""
    path = knowledge_dir / "visa" / f"{ARTICLE}.md"
    original = path.read_text("utf-8")
    yield path
    path.write_text(original, "utf-8")


def front_matter(path):
    return yaml.safe_load(path.read_text("utf-8").split("---")[1])


def test_the_preview_escapes_what_was_typed_and_needs_the_csrf_token(editor_app):
    trainer = editor_app.test_client()
    login(trainer, create_user(editor_app, "trainer"))
    fields = {"csrf_token": csrf_token(trainer, EDIT_PAGE), "title_en": "Title",
              "title_th": "หัวข้อ", "answer_en": "Short.", "answer_th": TYPED_TH,
              "details_en": "Text.", "details_th": "ข้อความ", "reviewed": "2026-11-25",
              "sources": "Immigration | https://www.immigration.go.th/"}
    preview = trainer.post(f"/console/knowledge/{ARTICLE}/preview", data=fields)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<b>" not in html
    del fields["csrf_token"]
    assert trainer.post(f"/console/knowledge/{ARTICLE}/preview", data=fields).status_code == 400


def test_without_script_the_preview_button_shows_the_draft_and_saves_nothing(editor_app,
                                                                            article_file):
    trainer = editor_app.test_client()
    login(trainer, create_user(editor_app, "trainer"))
    before = article_file.read_text("utf-8")
    page = trainer.get(EDIT_PAGE).get_data(as_text=True)
    assert 'id="article-preview"' in page
    assert 'value="visa-tm30-address-notification" checked' in page  # chosen before
    fields = {"csrf_token": csrf_token(trainer, EDIT_PAGE), "title_en": "Draft title",
              "title_th": "หัวข้อร่าง", "answer_en": "Draft.", "answer_th": "ร่าง",
              "details_en": "Text.", "details_th": "ข้อความ", "reviewed": "2026-11-25",
              "sources": "Immigration | https://www.immigration.go.th/", "preview": "1"}
    shown = trainer.post(EDIT_PAGE, data=fields)
    assert shown.status_code == 200 and "หัวข้อร่าง\n\nร่าง" in shown.get_data(as_text=True)
    assert article_file.read_text("utf-8") == before


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_preview_follows_the_typing_in_both_languages(editor_app, viewport):
    email = create_user(editor_app, "trainer", name="Kanya")
    with live_server(editor_app) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        sign_in(page, url, email)
        page.goto(url + EDIT_PAGE)
        english = page.locator(".preview-language[lang=en] .preview-message .text")
        thai = page.locator(".preview-language[lang=th] .preview-message .text")
        expect(english).to_contain_text("If you stay in Thailand for more than 90 days")
        page.get_by_label("Short answer (Thai)").fill(TYPED_TH)
        expect(thai).to_contain_text(TYPED_TH)  # shown as typed text, not as markup
        expect(page.locator("#article-preview b, #article-preview script")).to_have_count(0)
        expect(thai).to_contain_text("ตรวจทานล่าสุด: 25 พ.ย. 2569")  # as the chat dates it
        expect(page.get_by_role("button", name="Preview")).to_be_hidden()  # follows the typing
        en_box, th_box = english.bounding_box(), thai.bounding_box()
        if viewport == "desktop":  # side by side
            assert th_box["x"] > en_box["x"] + en_box["width"] - 1
            assert abs(th_box["y"] - en_box["y"]) < 2
        else:  # one under the other on a phone
            assert th_box["y"] > en_box["y"] + en_box["height"] - 1
        page.locator("#article-preview").scroll_into_view_if_needed()
        screenshot(page, f"knowledge-editor-preview-{viewport}")


def test_a_related_article_is_picked_by_its_title_and_stored_by_id(editor_app, article_file):
    email = create_user(editor_app, "trainer", name="Kanya")
    with live_server(editor_app) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS["desktop"])
        sign_in(page, url, email)
        page.goto(url + EDIT_PAGE)
        choices = page.locator("#related-list li")
        total = choices.count()
        page.get_by_label("Find by title (English or Thai)").fill("bma schools")
        expect(choices.filter(visible=True)).to_have_count(4)  # 3 chosen stay, and this one
        page.get_by_label("Find by title (English or Thai)").fill(PICKED_TITLE_TH)
        picked = page.get_by_role("checkbox", name=PICKED_TITLE_TH)
        picked.check()
        expect(page.locator("#related-count")).to_contain_text(f"4 chosen · 4 of {total} shown")
        screenshot(page, "knowledge-editor-related-picker")
        page.get_by_role("button", name="Save article").click()
        expect(page.locator(".flash")).to_contain_text("Saved")
    related = front_matter(article_file)["related"]
    assert related[-1] == PICKED and len(related) == 4
