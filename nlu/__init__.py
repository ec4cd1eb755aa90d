"""Custom Rasa NLU components: Thai-aware tokenizer, language detector, domain entity ruler."""
