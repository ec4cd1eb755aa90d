"""Bangkok Expat Assistant.

Sub-packages stay independent: ``assistant.nlu`` holds the custom Rasa NLU components and
imports nothing from the web service, so Rasa (Python 3.10) can load it on its own.
"""
