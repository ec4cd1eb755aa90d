"""Rasa component that tags every message with its language as a ``language`` entity.

The entity fills the ``language`` slot's input and appears in ``/model/parse`` results, so
the web service and the evaluation can read the language without the action server.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.language import detect_language

ENTITY_NAME = "language"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds ``{"entity": "language", "value": "en"|"th"}`` spanning the whole message."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Creates the component (it has no trained state)."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends the language entity to each message that contains letters."""
        for message in messages:
            text = message.get(TEXT) or ""
            guess = detect_language(text)
            if guess is None:
                continue
            entity = {
                "entity": ENTITY_NAME,
                "value": guess.language,
                "start": 0,
                "end": len(text),
                "confidence_entity": 1.0,
                "mixed": guess.mixed,
                "thai_share": guess.thai_share,
            }
            entities = message.get(ENTITIES, []) + self.add_extractor_name([entity])
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
