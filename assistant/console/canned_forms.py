"""The form admins edit a canned answer with (Flask-WTF, so it carries a CSRF token)."""

from __future__ import annotations

from typing import Optional

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from assistant.chat.canned import CODE, FIELDS
from assistant.web.forms import WithinTextLimit


def _code(raw: Optional[str]) -> Optional[str]:
    """``" /Visa90 "`` is ``visa90``: the slash staff type is not part of the code."""
    return raw.strip().lstrip("/").lower() if raw else raw


def _text(raw: Optional[str]) -> Optional[str]:
    return raw.replace("\r\n", "\n").strip() if raw else raw


class CannedAnswerForm(FlaskForm):
    """Short code, title and the text in both languages (all required)."""

    code = StringField(
        "Short code (typed after / in the reply box)", filters=[_code],
        validators=[DataRequired("Enter a short code."),
                    Regexp(CODE, message="Use 2 to 40 lowercase letters, digits or hyphens, "
                                         "e.g. office-hours.")])
    title = StringField("Title", filters=[_text],
                        validators=[DataRequired("Enter a title."), Length(max=100)])
    text_en = TextAreaField("English text", filters=[_text],
                            validators=[DataRequired("Enter the English text."),
                                        WithinTextLimit()])
    text_th = TextAreaField("Thai text", filters=[_text],
                            validators=[DataRequired("Enter the Thai text."),
                                        WithinTextLimit()])

    def answer_fields(self) -> dict[str, str]:
        """The validated values by model field name."""
        return {name: str(getattr(self, name).data) for name in FIELDS}
