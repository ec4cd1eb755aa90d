"""The spaCy EntityRuler component: patterns from lookup tables, offsets from Rasa tokens."""

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.domain_entities import DomainEntityRuler
from nlu.thai_tokenizer import ThaiTokenizer

LOOKUPS = [
    {"name": "district", "elements": ["Bang Rak", "บางรัก", "Khlong Toei", "คลองเตย"]},
    {"name": "form", "elements": ["TM30", "TM.30", "ตม.30", "ภ.ง.ด.90"]},
    {"name": "visa_type", "elements": ["non-b", "LTR", "long-term resident visa"]},
]


@pytest.fixture
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("ruler")
    ruler = DomainEntityRuler(storage, resource)
    ruler.train(TrainingData(lookup_tables=LOOKUPS))
    return DomainEntityRuler.load({}, storage, resource, None)


def extract(ruler, text):
    message = Message.build(text=text)
    ThaiTokenizer(ThaiTokenizer.get_default_config()).process([message])
    ruler.process([message])
    return [(e["entity"], e["value"], e["start"], e["end"]) for e in message.get(ENTITIES, [])]


def test_english_multiword_case_insensitive(trained):
    text = "Is a Long-Term Resident visa possible? I live in bang rak"
    assert extract(trained, text) == [
        ("visa_type", "Long-Term Resident visa", 5, 28),
        ("district", "bang rak", 49, 57),
    ]


def test_thai_inside_unspaced_text(trained):
    text = "คอนโดแถวคลองเตยต้องแจ้งตม.30ไหม"
    found = extract(trained, text)
    assert ("district", "คลองเตย", 8, 15) in found
    assert [e for e in found if e[0] == "form"]
    for _, value, start, end in found:
        assert text[start:end] == value


def test_thai_abbreviation_with_dots(trained):
    assert extract(trained, "ยื่น ภ.ง.ด.90 ยังไง") == [("form", "ภ.ง.ด.90", 5, 13)]


def test_no_patterns_no_entities(tmp_path):
    ruler = DomainEntityRuler.load({}, LocalModelStorage(tmp_path), Resource("none"), None)
    assert extract(ruler, "LTR visa in Bang Rak") == []
