"""Rasa component that keeps a question from being read as small talk, and danger as a question.

Runs after the intent classifiers and entity extractors:

- any ``danger`` entity (from the lookup table in ``nlu_data/lookups/safety.yml``) makes
  the intent ``report_danger``, whatever the classifier said: emergency numbers come first;
- a message classified as goodbye, thanks, yes, no, hello or out of scope that also asks
  something (a question word or mark, a follow-up opener such as "what about" / "แล้ว",
  a domain entity, or, for short acts, two or more words never seen in the examples of the
  acts and chat requests) is relabelled ``ask_followup``: "ok, and can I do it online?" is
  a question, not "ok"; so is a "are you a bot?" or "switch language" reading with such
  unseen words ("what result are you aiming for?", "ลูกพูดไทยไม่ได้จะเรียนโรงเรียนไทยได้ไหม");
- a topic question, or one the classifier was unsure of, that opens as a follow-up ("and
  for my wife?", "แล้วลูกล่ะ", "โอเค แล้วทำที่สนามบินได้ไหม") is relabelled
  ``ask_followup`` too, so it is answered in the context of the chat (a self-contained
  one still finds its own article there).

- a request for staff phrased as a question about how that works ("is there a way to
  reach a person?", "how many times before it offers staff?", "ปุ่มคุยกับเจ้าหน้าที่ชื่ออะไร")
  becomes a question about the service center, whose answer explains it and carries the
  button that calls staff; "I want to talk to a person" stays a request.

The classifier's ranking is kept, so the reply metadata still shows what it thought.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.segmentation import split_words

FOLLOW_UP_INTENT = "ask_followup"
DANGER_INTENT = "report_danger"
FALLBACK_INTENT = "nlu_fallback"
DANGER_ENTITY = "danger"
# Acts that end or derail a chat when misread; out_of_scope only yields to strong signs.
SHORT_ACTS = ("greet", "thank", "affirm", "deny")
ACTS = (*SHORT_ACTS, "goodbye", "out_of_scope")
# Requests about the chat itself: questions by nature, so only words never seen in their
# examples (or an opener, a domain entity) make them a question on a topic.
CHAT_REQUESTS = ("bot_challenge", "switch_language")
CONTENT_ENTITIES = ("visa_type", "form", "district", "aspect")
# English cues as patterns; Thai cues as whole words (Thai has no word boundaries to match).
QUESTION = re.compile(r"\?|\b(?:what|how|where|when|which|who|why|can i|could i|is there|"
                      r"are there|do i|does|should i|is it)\b", re.IGNORECASE)
THAI_QUESTION_WORDS = {"ไหม", "มั้ย", "หรือเปล่า", "รึเปล่า", "อะไร", "ยังไง", "อย่างไร",
                       "เท่าไหร่", "เท่าไร", "ที่ไหน", "ไหน", "ใคร", "เมื่อไหร่", "เมื่อไร",
                       "กี่", "ล่ะ", "หรือยัง", "บ้าง"}
FOLLOW_UP = re.compile(r"^\W*(?:(?:ok(?:ay)?|great|thanks|yes|no|right|sure|alright)\W+)?"
                       r"(?:and|but|also)\b|\b(?:what about|how about|what if|i mean|i meant)\b",
                       re.IGNORECASE)
THAI_FOLLOW_UP_WORDS = {"แล้ว", "หมายถึง", "ถ้า"}
# Asking how reaching staff works, rather than asking for staff now.
HUMAN_INTENT = "ask_human"
SERVICE_CENTER_INTENT = "ask_service_center"
HOW_IT_WORKS = re.compile(r"^\W*(?:how|what|which|when|why|does)\b|\bis there a way\b|"
                          r"\bhow (?:many|often|long|do|does)\b", re.IGNORECASE)
THAI_HOW_IT_WORKS_WORDS = {"ยังไง", "อย่างไร", "อะไร", "กี่", "เมื่อไหร่", "เมื่อไร", "ช่องทาง",
                           "วิธี", "ชื่อ", "ทำไม"}
MIN_UNKNOWN_WORDS = 2
# Words seen in these intents' examples are no question's own words: "ขอบคุณค่ะ แค่นี้แหละ"
# (thanks, that's all) says goodbye in words of the goodbye examples, it asks nothing.
VOCABULARY_INTENTS = (*SHORT_ACTS, "goodbye", *CHAT_REQUESTS)
VOCABULARY_FILE = "act_vocabulary.json"


def _is_topic_question(intent: Optional[str]) -> bool:
    return bool(intent) and str(intent).startswith("ask_") \
        and intent not in ("ask_human", FOLLOW_UP_INTENT)


def _starts_phrase(text: str, start: int) -> bool:
    """True when position ``start`` of ``text`` begins the text or follows a space."""
    return start == 0 or text[start - 1].isspace()


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class DialogueActGuard(GraphComponent):
    """Relabels danger as ``report_danger`` and questions read as small talk as follow-ups."""

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Iterable[str]] = None) -> None:
        """Keeps the words seen in the examples of the short acts."""
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = set(vocabulary or ())

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> DialogueActGuard:
        """Creates an untrained component."""
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> DialogueActGuard:
        """Loads the vocabulary saved by ``train``."""
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / VOCABULARY_FILE).read_text("utf-8"))
        except ValueError:  # nothing persisted
            words = []
        return cls(model_storage, resource, words)

    def train(self, training_data: TrainingData) -> Resource:
        """Collects the words of the acts' and chat requests' examples; persists them."""
        self._vocabulary = {
            word.text.lower()
            for example in training_data.intent_examples
            if example.get(INTENT) in VOCABULARY_INTENTS
            for word in split_words(example.get(TEXT) or "")
        }
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(sorted(self._vocabulary), ensure_ascii=False), "utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Relabels the messages that need it."""
        for message in messages:
            intent = message.get(INTENT) or {}
            relabel = self.relabelled(message.get(TEXT) or "", intent.get("name"),
                                      [e.get("entity") for e in message.get(ENTITIES) or []])
            if relabel:
                message.set(INTENT, {"name": relabel, "confidence": intent.get("confidence")},
                            add_to_output=True)
        return messages

    def relabelled(self, text: str, intent: Optional[str],
                   entities: List[Optional[str]]) -> Optional[str]:
        """The intent ``text`` should have instead of ``intent``, or None to keep it."""
        if DANGER_ENTITY in entities:
            return DANGER_INTENT if intent != DANGER_INTENT else None
        split = split_words(text)
        words = [word.text.lower() for word in split]
        if intent == HUMAN_INTENT:
            asks_how = bool(HOW_IT_WORKS.search(text)) or bool(THAI_HOW_IT_WORKS_WORDS & set(words))
            return SERVICE_CENTER_INTENT if asks_how else None
        # "แล้ว" opens a follow-up at the start of a phrase; inside one it means "already".
        opener = any(w.text in THAI_FOLLOW_UP_WORDS and _starts_phrase(text, w.start)
                     for w in split) or bool(FOLLOW_UP.search(text))
        if intent not in (*ACTS, *CHAT_REQUESTS):
            continues = _is_topic_question(intent) or intent == FALLBACK_INTENT
            return FOLLOW_UP_INTENT if opener and continues else None
        asks = opener or any(entity in CONTENT_ENTITIES for entity in entities)
        if intent in (*SHORT_ACTS, "goodbye"):
            asks = asks or bool(QUESTION.search(text)) or bool(THAI_QUESTION_WORDS & set(words))
        if intent in (*SHORT_ACTS, *CHAT_REQUESTS) and self._vocabulary:
            unknown = [w for w in words if not w.isdigit() and w not in self._vocabulary]
            asks = asks or len(unknown) >= MIN_UNKNOWN_WORDS
        return FOLLOW_UP_INTENT if asks else None
