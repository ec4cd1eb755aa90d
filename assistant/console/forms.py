"""Console forms (Flask-WTF: every form carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])


class ReplyForm(FlaskForm):
    """A staff reply to the user."""

    text = TextAreaField("Reply", validators=[DataRequired(), Length(max=2000)])


class ActionForm(FlaskForm):
    """A button that changes the conversation (take over, hand back, close): CSRF only."""
