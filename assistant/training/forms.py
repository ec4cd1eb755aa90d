"""Forms of the trainer pages (Flask-WTF: POST forms carry a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from assistant.training.inbox import REASONS
from assistant.training.nlu_files import INTENT_NAME, LANGUAGE_FOLDERS


class InboxFilterForm(FlaskForm):
    """Filters of the review inbox (GET)."""

    class Meta:
        """A GET form: no CSRF token in the URL."""

        csrf = False

    reason = SelectField("Why", choices=[("", "all"), *REASONS.items()], default="")
    language = SelectField("Language", choices=[("", "any"), ("en", "English"), ("th", "Thai")],
                           default="")
    q = StringField("Text contains", validators=[Length(max=200)])
    reviewed = BooleanField("Include reviewed")


class AnnotationForm(FlaskForm):
    """The right intent (existing or new) and entity spans for one user message."""

    intent = SelectField("Intent", choices=[], validate_choice=False)
    new_intent = StringField("…or a new intent", validators=[
        Optional(), Regexp(INTENT_NAME.pattern, message="lower case letters, digits and _")])
    answer_en = TextAreaField("Answer of the new intent (English)",
                              validators=[Length(max=1000)])
    answer_th = TextAreaField("Answer of the new intent (Thai)", validators=[Length(max=1000)])
    folder = SelectField("Training file language", choices=[(f, f) for f in LANGUAGE_FOLDERS])
    spans = HiddenField("Entities", default="[]")


class TrainingForm(FlaskForm):
    """Start a training run (CSRF only)."""
