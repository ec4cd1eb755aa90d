"""Console forms (Flask-WTF: every form carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length

from assistant.web.forms import WithinTextLimit


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])


class ReplyForm(FlaskForm):
    """A staff reply to the user."""

    text = TextAreaField("Reply", validators=[DataRequired(), WithinTextLimit()])


class KnowledgeSearchForm(FlaskForm):
    """Search the knowledge base (GET, so no CSRF token)."""

    class Meta:
        """A GET form changes nothing: no CSRF token in the URL."""

        csrf = False

    q = StringField("Search articles (English or Thai)", validators=[Length(max=200)])


class ArticleForm(FlaskForm):
    """An article's editable parts in both languages."""

    title_en = StringField("Title (English)", validators=[DataRequired(), Length(max=200)])
    title_th = StringField("Title (Thai)", validators=[DataRequired(), Length(max=200)])
    answer_en = TextAreaField("Short answer (English, at most 80 words)",
                              validators=[DataRequired(), Length(max=1500)])
    answer_th = TextAreaField("Short answer (Thai)", validators=[DataRequired(),
                                                                 Length(max=1500)])
    details_en = TextAreaField("Details (English, Markdown)",
                               validators=[DataRequired(), Length(max=20000)])
    details_th = TextAreaField("Details (Thai, Markdown)",
                               validators=[DataRequired(), Length(max=20000)])
    keywords_en = StringField("Keywords (English, comma-separated)",
                              validators=[Length(max=2000)])
    keywords_th = StringField("Keywords (Thai, comma-separated)", validators=[Length(max=2000)])
    sources = TextAreaField("Official sources, one per line: title | https://… (add "
                            "\" | entry point\" when the home page is the service itself)",
                            validators=[DataRequired(), Length(max=4000)])
    # Any id is read; saving refuses one that does not exist, naming it.
    related = SelectMultipleField("Related articles", validate_choice=False)
    reviewed = DateField("Last reviewed", validators=[DataRequired()])


class ReviewForm(FlaskForm):
    """Confirm an article reviewed against its sources, with an optional note."""

    note = TextAreaField("Note (optional): what you checked", validators=[Length(max=1000)])
