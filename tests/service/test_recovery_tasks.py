"""Recovery of unhappy users: a low rating opens one follow-up task, due one working day
later (hand-computed over a weekend and holidays), staff contact the user on the chat's
channel and record the outcome, and the reports count it all (SQLite and PostgreSQL).

Hand computation, office hours mon-fri 08:30-16:30 (one working day = 8 hours):
- opened Monday 30 Nov 2026 10:00 -> 6.5 h that day, 1.5 h from Tuesday 08:30: Tue 10:00;
- opened Friday 3 Apr 2026 15:00 -> 1.5 h Friday; Sat, Sun closed, Mon 6 Apr Chakri Day;
  6.5 h from Tuesday 7 Apr 08:30: Tue 7 Apr 15:00;
- opened Friday 4 Dec 2026 20:00 (after hours) -> Sat 5 Dec, Sun, Mon 7 Dec (Father's Day
  in lieu) closed, 8 h from Tue 8 Dec 08:30: Tue 8 Dec 16:30;
- opened Wednesday 30 Dec 2026 09:00 with 30 Dec an extra closed day and 31 Dec New Year's
  Eve: Mon 4 Jan 2027 is the first working day after Jan 1 and the weekend -> Mon 4 Jan 16:30.
"""

import datetime as dt

import pytest
from sqlalchemy import select

from assistant.chat import conversations, feedback
from assistant.chat.working_time import one_working_day_after
from assistant.extensions import db
from assistant.models import FollowUpTask, Message, OutboundEmail, Sender, as_utc
from assistant.reports.recovery import recovery
from common.office_hours import OfficeHours
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user, csrf_token, login
from tests.support.report_data import bangkok

HOURS = OfficeHours.parse("mon-fri 08:30-16:30", "2026-12-30")


@pytest.mark.parametrize(("opened", "due"), [
    (bangkok(2026, 11, 30, 10), bangkok(2026, 12, 1, 10)),
    (bangkok(2026, 4, 3, 15), bangkok(2026, 4, 7, 15)),
    (bangkok(2026, 12, 4, 20), bangkok(2026, 12, 8, 16, 30)),
    (bangkok(2026, 12, 30, 9), bangkok(2027, 1, 4, 16, 30)),
    (bangkok(2026, 11, 30, 16, 30), bangkok(2026, 12, 1, 16, 30)),  # at closing time
])
def test_due_one_working_day_later(opened, due):
    assert one_working_day_after(HOURS, opened) == due


def test_a_desk_open_always_gives_a_calendar_day():
    opened = bangkok(2026, 12, 5, 23)
    assert one_working_day_after(OfficeHours.parse("always"), opened) == opened + dt.timedelta(1)


def _closed_chat(app, email=None):
    chat_id = waiting_chat(app, ticket_email=email)
    with app.app_context():
        conversations.close(conversations.find(chat_id))
    return chat_id


def _tasks(app, chat_id):
    with app.app_context():
        return db.session.scalars(select(FollowUpTask)
                                  .where(FollowUpTask.conversation_id == chat_id)).all()


def _rate(app, chat_id, level, by_link=False):
    with app.app_context():
        conversations.rate(conversations.find(chat_id), level, by_link=by_link)


def test_low_ratings_open_one_task_and_good_ones_none(app_without_rasa):
    app = app_without_rasa
    happy = _closed_chat(app)
    _rate(app, happy, 4)
    assert _tasks(app, happy) == []
    unhappy = _closed_chat(app)
    _rate(app, unhappy, 2)
    _rate(app, unhappy, 1)  # a re-rating while the task is open: no second task
    [task] = _tasks(app, unhappy)
    assert (task.reason.value, task.rating_level, task.rating_after) == ("low_rating", 1, None)
    default_hours = OfficeHours.parse("mon-fri 08:30-16:30")  # the tests' setting
    assert as_utc(task.due_at) == one_working_day_after(default_hours, as_utc(task.opened_at))


def test_a_thumbs_down_opens_a_task_once(app_without_rasa):
    app = app_without_rasa
    chat_id = _closed_chat(app)
    with app.app_context():
        answer = db.session.scalars(select(Message).where(
            Message.conversation_id == chat_id, Message.sender == Sender.BOT)).all()[0]
        answer.article_ids = ["visa-extension-of-stay"]
        db.session.commit()
        feedback.vote(answer, False)
        feedback.vote(answer, True)
        feedback.vote(answer, False)
        answer_id = answer.id
    _rate(app, chat_id, 2)  # the low rating joins the open task
    [task] = _tasks(app, chat_id)
    assert (task.reason.value, task.message_id, task.rating_level) == ("not_helpful", answer_id, 2)


def test_from_a_low_rating_to_a_recorded_outcome_and_the_rating_after(app_without_rasa):
    app = app_without_rasa
    chat_id = _closed_chat(app, email="unhappy@example.com")
    _rate(app, chat_id, 1)
    [task] = _tasks(app, chat_id)
    staff = app.test_client()
    assert login(staff, create_user(app, "staff", name="Malee")).status_code == 302

    page = staff.get("/console/follow-ups/").get_data(as_text=True)
    assert f'data-task-id="{task.id}"' in page and "rated 1 of 5" in page
    assert "reach by web, email" in page and "Overdue" not in page
    token = csrf_token(staff, "/console/follow-ups/")
    response = staff.post(f"/console/follow-ups/{task.id}/contact",
                          data={"text": "Sorry about that: here is the right office.",
                                "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        mail = db.session.scalars(select(OutboundEmail).where(
            OutboundEmail.conversation_id == chat_id,
            OutboundEmail.kind == "staff_reply")).one()
        assert mail.to_address == "unhappy@example.com"
        assert "here is the right office" in mail.body and "/rate/" in mail.body
        sent = db.session.scalars(select(Message).where(
            Message.conversation_id == chat_id, Message.sender == Sender.STAFF)).all()[-1]
        assert sent.details == {"follow_up": task.id}

    _rate(app, chat_id, 4, by_link=True)  # the user rates again from the e-mail's link
    response = staff.post(f"/console/follow-ups/{task.id}/done",
                          data={"outcome": "contacted_resolved", "note": "Found the office",
                                "csrf_token": token})
    assert response.status_code == 302
    [task] = _tasks(app, chat_id)
    assert (task.outcome.value, task.channel, task.rating_level, task.rating_after) == (
        "contacted_resolved", "web+email", 1, 4)
    assert task.done_at is not None and task.outcome_note == "Found the office"
    assert f'data-task-id="{task.id}"' not in staff.get("/console/follow-ups/").get_data(True)
    again = staff.post(f"/console/follow-ups/{task.id}/done",
                       data={"outcome": "unreachable", "csrf_token": token})
    assert again.status_code == 302
    assert _tasks(app, chat_id)[0].outcome.value == "contacted_resolved"


def test_the_report_counts_tasks_done_in_time_and_ratings_after(app_without_rasa):
    app = app_without_rasa
    opened = bangkok(2013, 3, 4, 10).astimezone(dt.timezone.utc)  # a period of its own
    due = opened + dt.timedelta(days=1)
    rows = [  # (done after opening, rating before, rating after)
        (dt.timedelta(hours=2), 1, 4),      # in time, re-rated satisfied
        (dt.timedelta(days=1), 2, 2),       # in time (exactly at the due time), same level
        (dt.timedelta(days=2), 2, None),    # late, not re-rated
        (None, 1, None),                    # still open
    ]
    with app.app_context():
        for done_after, before, after in rows:
            chat = conversations.start()
            db.session.add(FollowUpTask(conversation=chat, reason="low_rating",
                                        rating_level=before, opened_at=opened, due_at=due,
                                        done_at=done_after and opened + done_after,
                                        rating_after=after))
        db.session.commit()
        figures = recovery(opened - dt.timedelta(hours=1), opened + dt.timedelta(hours=1))
    assert (figures.opened, figures.done, figures.done_in_time) == (4, 3, 2)
    assert (figures.rerated, figures.improved, figures.satisfied_after) == (2, 1, 1)
    assert str(figures.in_time_percent) == "50.00"

    staff = app.test_client()
    assert login(staff, create_user(app, "staff")).status_code == 302
    page = staff.get("/console/reports/?kind=month&month=2013-03").get_data(as_text=True)
    assert "4 follow-up(s) opened" in page and "2\n    in time" in page
