"""spaCy EntityRuler over Rasa's tokens for the assistant's domain entities.

Patterns come from the lookup tables in ``nlu_data/lookups/`` (visa types, Bangkok's 50
districts in English and Thai, forms such as TM30), so trainers keep them as ordinary Rasa
training data. Each lookup entry is segmented with the same Thai-aware word splitter as the
tokenizer and matched case-insensitively token by token, which works for Thai where regex
word boundaries do not. ``EntitySynonymMapper`` later maps surface forms to canonical values.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from nlu.segmentation import split_words

Pattern = Dict[str, Any]
PATTERNS_FILE = "patterns.json"


def patterns_from_lookup_tables(lookup_tables: List[Dict[str, Any]]) -> List[Pattern]:
    """One token pattern per lookup entry: ``{"label", "pattern": [{"LOWER": ...}]}``."""
    patterns = []
    for table in lookup_tables:
        elements = table.get("elements") or []
        for element in elements if isinstance(elements, list) else []:
            words = split_words(str(element))
            if words:
                token_pattern = [{"LOWER": word.text.lower()} for word in words]
                patterns.append({"label": table["name"], "pattern": token_pattern})
    return patterns


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class DomainEntityRuler(GraphComponent, EntityExtractorMixin):
    """Extracts lookup-table entities with a spaCy EntityRuler (longest match wins)."""

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        patterns: Optional[List[Pattern]] = None,
    ) -> None:
        """Builds a blank multi-language spaCy pipeline holding only the ruler."""
        self._model_storage = model_storage
        self._resource = resource
        self._nlp = spacy.blank("xx")
        self._ruler: EntityRuler = self._nlp.add_pipe("entity_ruler")  # type: ignore[assignment]
        self._set_patterns(patterns or [])

    def _set_patterns(self, patterns: List[Pattern]) -> None:
        self._patterns = patterns
        self._ruler.clear()
        self._ruler.add_patterns(patterns)

    @staticmethod
    def required_packages() -> List[str]:
        """Python packages this component needs."""
        return ["spacy", "pythainlp"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DomainEntityRuler:
        """Creates an untrained component."""
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DomainEntityRuler:
        """Loads the patterns saved by ``train``."""
        try:
            with model_storage.read_from(resource) as directory:
                patterns = json.loads((directory / PATTERNS_FILE).read_text("utf-8"))
        except ValueError:  # nothing was persisted (no lookup tables at training time)
            patterns = []
        return cls(model_storage, resource, patterns)

    def train(self, training_data: TrainingData) -> Resource:
        """Turns the lookup tables into patterns and persists them."""
        self._set_patterns(patterns_from_lookup_tables(training_data.lookup_tables))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PATTERNS_FILE).write_text(
                json.dumps(self._patterns, ensure_ascii=False), "utf-8"
            )
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends the matched entities to each message."""
        for message in messages:
            tokens: List[Token] = message.get(TOKENS_NAMES[TEXT]) or []
            found = self.extract(message.get(TEXT) or "", tokens)
            if found:
                entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def extract(self, text: str, tokens: List[Token]) -> List[Dict[str, Any]]:
        """Entities found in ``text``, with character offsets taken from ``tokens``."""
        if not tokens or not self._patterns:
            return []
        doc = self._nlp(Doc(self._nlp.vocab, words=[token.text for token in tokens]))
        entities = []
        for span in doc.ents:
            start, end = tokens[span.start].start, tokens[span.end - 1].end
            entities.append(
                {
                    "entity": span.label_,
                    "value": text[start:end],
                    "start": start,
                    "end": end,
                    "confidence_entity": 1.0,
                }
            )
        return entities
