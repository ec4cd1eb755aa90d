"""Limits the whole service applies, read in one place from the app's settings."""

from __future__ import annotations

from flask import current_app


def max_text_length() -> int:
    """The longest text a user message, staff reply, canned answer or note may have.

    ``Settings.max_text_length`` (2,000 characters): the API refuses longer messages, the
    forms longer texts, the OpenAPI document and the pages' text boxes say so.
    """
    return int(current_app.config["MAX_TEXT_LENGTH"])
