"""Conversation filters shared by the queue and the history: one GET form, one query step.

Filters: label, language, topic (any bot or staff message on that topic, or the topic kept
when the transcript was erased), state, rating (a level or not rated), Bangkok days of the
start (from, to, both included), who the chat is assigned to, and a text that a message
(user, bot or staff) or a private note contains (case-insensitive for Latin letters; ``%``
and ``_`` are plain characters) or that is the chat's reference (``C-7F3K9Q2M``, as report
exports and e-mails name it), and priority (urgent chats only). A value that is not one of
the choices is ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, Select, exists, or_, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from assistant.chat.satisfaction import level_labels
from assistant.console.wording import STATE_WORDS
from assistant.extensions import db
from assistant.models import Conversation, Label, Message, Note, Rating, Sender, State, User
from common.thai_calendar import bangkok_midnight
from knowledge.topics import TOPIC_TITLES

NOT_RATED = "none"
URGENT = "urgent"
ANY = ("", "Any")


class FilterForm(FlaskForm):
    """Which conversations to list (GET, so no CSRF token)."""

    class Meta:
        """A GET form changes nothing: no CSRF token in the URL."""

        csrf = False

    q = StringField("Text (English or Thai)", validators=[Length(max=200)],
                    filters=[lambda text: text.strip() if text else text])
    label = SelectField("Label", default="")
    language = SelectField("Language", choices=[ANY, ("en", "English"), ("th", "ไทย")],
                           default="")
    topic = SelectField("Topic", default="", choices=[ANY] + [
        (topic, titles["en"]) for topic, titles in TOPIC_TITLES.items()])
    state = SelectField("State", default="", choices=[ANY] + [
        (state.value, words["en"]) for state, words in STATE_WORDS.items()])
    rating = SelectField("Rating", default="")
    date_from = DateField("From (Bangkok day)", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    assigned = SelectField("Assigned", default="", choices=[("", "Anyone"), ("me", "Me"),
                                                            ("unassigned", "Unassigned")])
    priority = SelectField("Priority", default="", choices=[ANY, (URGENT, "Urgent only")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Choices that come from the database and the domain: labels and rating levels."""
        super().__init__(*args, **kwargs)
        self.label.choices = [ANY] + [(name, name) for name in label_names()]
        levels = [(str(level), f"{level} {title}") for level, title in level_labels("en").items()]
        self.rating.choices = [ANY, *levels, (NOT_RATED, "Not rated")]

    def values(self) -> dict[str, Any]:
        """The valid values given (empty and invalid ones left out)."""
        self.validate()
        return {field.name: field.data for field in self
                if field.data not in (None, "") and not field.errors}


def label_names() -> list[str]:
    """Every label's name, alphabetically."""
    return list(db.session.scalars(select(Label.name).order_by(Label.name)))


def apply(query: Select[Conversation], values: dict[str, Any],
          user: User) -> Select[Conversation]:
    """``query`` narrowed to the conversations matching ``values`` (``FilterForm.values``)."""
    for condition in _conditions(values, user):
        query = query.where(condition)
    return query


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``: case-insensitive for Latin letters, wildcards escaped."""
    condition: ColumnElement[bool] = column.icontains(text, autoescape=True)
    return condition


def _conditions(values: dict[str, Any], user: User) -> Iterator[ColumnElement[bool]]:
    if "q" in values:
        yield or_(_mentions_text(values["q"]), Conversation.reference == values["q"].upper())
    if "label" in values:
        yield Conversation.labels.any(Label.name == values["label"])
    if "language" in values:
        yield Conversation.language == values["language"]
    if "topic" in values:
        yield or_(Conversation.main_topic == values["topic"],
                  exists().where(Message.conversation_id == Conversation.id,
                                 Message.sender != Sender.USER,
                                 Message.topic == values["topic"]))
    if "state" in values:
        yield Conversation.state == State(values["state"])
    if "rating" in values:
        rating = values["rating"]
        yield (~Conversation.rating.has() if rating == NOT_RATED
               else Conversation.rating.has(Rating.level == int(rating)))
    if "date_from" in values:
        yield Conversation.created_at >= _utc_midnight(values["date_from"])
    if "date_to" in values:
        yield Conversation.created_at < _utc_midnight(values["date_to"] + dt.timedelta(days=1))
    if values.get("assigned") == "me":
        yield Conversation.assigned_to_id == user.id
    elif values.get("assigned") == "unassigned":
        yield Conversation.assigned_to_id.is_(None)
    if values.get("priority") == URGENT:
        yield Conversation.urgent.is_(True)


def _mentions_text(text: str) -> ColumnElement[bool]:
    return or_(exists().where(Message.conversation_id == Conversation.id,
                              Message.payload.is_(None), contains_text(Message.text, text)),
               exists().where(Note.conversation_id == Conversation.id,
                              contains_text(Note.text, text)))


def _utc_midnight(day: dt.date) -> dt.datetime:
    """Bangkok midnight as UTC: SQLite compares the stored UTC text."""
    return bangkok_midnight(day).astimezone(dt.timezone.utc)
