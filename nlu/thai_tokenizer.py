"""Rasa tokenizer that understands Thai, English and code-mixed messages in one pipeline."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.segmentation import split_words


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ThaiTokenizer(Tokenizer):
    """Segments Thai with pythainlp (newmm); keeps Latin words and numbers whole."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config (keys the base class requires)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[str]:
        """Python packages this component needs."""
        return ["pythainlp"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiTokenizer:
        """Creates the component (it has no trained state)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        """Tokens with character offsets into the message text."""
        text = message.get(attribute)
        tokens = [
            Token(word.text, word.start, end=word.end, lemma=word.text.lower())
            for word in split_words(text)
        ]
        if not tokens:  # Rasa expects at least one token, e.g. for "???" or emoji
            tokens = [Token(text, 0, end=len(text))]
        return self._apply_token_pattern(tokens)
