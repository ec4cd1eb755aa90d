"""Training files written by the console: a round trip that only adds lines."""

import difflib
import shutil

import pytest

from assistant.training.markup import AnnotationError, Span
from assistant.training.nlu_files import add_example, add_intent, known_intents
from scripts.servers import ROOT


@pytest.fixture
def project(tmp_path):
    shutil.copytree(ROOT / "nlu_data", tmp_path / "nlu_data")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def test_an_example_is_added_and_every_other_line_stays(project):
    text = "ต่อวีซ่าแถวบางรักได้ที่ไหนคะ"
    start = text.index("บางรัก")
    path, line = add_example(project / "nlu_data", "th", "ask_visa", text,
                             [Span(start, start + len("บางรัก"), "district")])
    assert line == "ต่อวีซ่าแถว[บางรัก](district)ได้ที่ไหนคะ"
    before = (ROOT / path.relative_to(project)).read_text("utf-8").splitlines()
    after = path.read_text("utf-8").splitlines()
    assert len(after) == len(before) + 1
    assert [row for row in after if row != f"    - {line}"] == before  # comments, order kept


def test_domain_round_trip_keeps_the_file_and_adds_the_intent(project):
    before = (project / "domain.yml").read_text("utf-8")
    add_intent(project / "domain.yml", project / "nlu_data" / "rules", "ask_pets",
               {"en": "Ask the landlord.", "th": "สอบถามเจ้าของห้องค่ะ"})
    after = (project / "domain.yml").read_text("utf-8")
    changes = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in changes if line.startswith("- ")]  # nothing lost or restyled
    assert "+   - ask_pets" in changes and "+   utter_ask_pets:" in changes
    assert "ask_pets" in known_intents(project / "domain.yml")
    assert "*greet_text_th" in after  # YAML aliases survive


@pytest.mark.parametrize("intent, text, spans, message", [
    ("Ask Visa", "hello", [], "intent name"),
    ("ask_visa", "", [], "one non-empty line"),
    ("ask_visa", "hi there", [Span(3, 20, "district")], "inside the text"),
    ("ask_visa", "call 0812345678 now", [Span(0, 4, "form")], "personal data"),
])
def test_bad_annotations_are_refused(project, intent, text, spans, message):
    with pytest.raises(AnnotationError, match=message):
        add_example(project / "nlu_data", "en", intent, text, spans)


def test_a_duplicate_example_is_refused(project):
    add_example(project / "nlu_data", "en", "greet", "good morning from Thonglor")
    with pytest.raises(AnnotationError, match="already"):
        add_example(project / "nlu_data", "en", "greet", "good morning from Thonglor")
