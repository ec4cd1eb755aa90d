"""Forms and validators more than one blueprint uses (Flask-WTF: POST forms carry a CSRF token)."""

from __future__ import annotations

from typing import Optional

from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.validators import Length

from assistant.limits import max_text_length


class ActionForm(FlaskForm):
    """A button that changes something (take over, hand back, close, rate): CSRF only."""


class WithinTextLimit:
    """At most ``max_text_length()`` characters, checked (and worded) as ``Length`` does."""

    def __init__(self, message: Optional[str] = None) -> None:
        """Keep the error message (None: WTForms' own)."""
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        """Refuse a longer text (``ValidationError``)."""
        Length(max=max_text_length(), message=self.message)(form, field)
