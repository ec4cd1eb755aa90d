"""Staff console: accounts, login, roles, CSRF, and the handoff from the user's side to staff."""

import pytest
from sqlalchemy import select

from assistant.models import Rating
from tests.support.console_helpers import create_user, csrf_token, login


@pytest.fixture
def staff(app):
    client = app.test_client()
    response = login(client, create_user(app, "staff", name="Malee"))
    assert response.status_code == 302
    return client


def test_cli_refuses_duplicates_and_short_passwords(app):
    email = create_user(app)
    again = app.test_cli_runner().invoke(
        args=["users", "create", "--email", email, "--name", "X"],
        input="a" * 12 + "\n" + "a" * 12 + "\n")
    assert again.exit_code != 0 and "already" in again.output
    short = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "new@bangkok.go.th", "--name", "X"],
        input="short\nshort\n")
    assert short.exit_code != 0 and "10 characters" in short.output


def test_wrong_password_is_refused(app):
    client = app.test_client()
    response = login(client, create_user(app), password="wrong password!")
    assert response.status_code == 200 and "Wrong e-mail or password" in response.get_data(True)
    assert client.get("/console/").status_code == 302  # still anonymous


def test_anonymous_is_sent_to_login_and_trainer_is_forbidden(app, client):
    assert client.get("/console/").headers["Location"].startswith("/console/login")
    trainer = app.test_client()
    login(trainer, create_user(app, "trainer"))
    assert trainer.get("/console/").status_code == 403


def test_forms_need_the_csrf_token(staff, conversation):
    response = staff.post(f"/console/conversations/{conversation}/take")
    assert response.status_code == 400


def test_handoff_take_over_reply_hand_back_close_and_rate(staff, client, conversation, stored):
    api = f"/api/conversations/{conversation}"
    asked = client.post(f"{api}/messages", json={"text": "ขอคุยกับเจ้าหน้าที่ค่ะ"}).get_json()
    assert asked["state"] == "waiting_for_staff"
    assert "ขอคุยกับเจ้าหน้าที่ค่ะ" in staff.get("/console/").get_data(True)
    last_seen = asked["replies"][-1]["id"]

    page = f"/console/conversations/{conversation}"
    staff.post(f"{page}/take", data={"csrf_token": csrf_token(staff, page)})
    token = csrf_token(staff, page)
    staff.post(f"{page}/reply", data={"csrf_token": token, "text": "สวัสดีค่ะ ยินดีช่วยค่ะ"})
    seen = client.get(f"{api}/messages?after={last_seen}").get_json()
    assert seen["state"] == "with_staff"
    assert [(r["sender"], r["text"]) for r in seen["replies"]][-1] == (
        "staff", "สวัสดีค่ะ ยินดีช่วยค่ะ")
    assert "คุณMalee" in seen["replies"][0]["text"]  # "Malee from the center has joined"

    waiting = client.post(f"{api}/messages", json={"text": "ขอบคุณค่ะ"}).get_json()
    assert waiting["replies"] == []  # staff answer, not the bot
    transcript = staff.get(f"{page}/messages.json").get_json()
    assert transcript["messages"][-1]["text"] == "ขอบคุณค่ะ"

    staff.post(f"{page}/hand-back", data={"csrf_token": csrf_token(staff, page)})
    back = client.post(f"{api}/messages", json={"text": "สวัสดีค่ะ"}).get_json()
    assert back["state"] == "bot" and back["replies"][0]["intent"] == "greet"

    staff.post(f"{page}/close", data={"csrf_token": csrf_token(staff, page)})
    closed = client.get(f"{api}/messages?after={back['replies'][-1]['id']}").get_json()
    assert closed["state"] == "closed" and len(closed["replies"][-1]["buttons"]) == 5
    client.post(f"{api}/satisfaction", json={"level": 5})
    rating = stored(lambda s: s.scalars(select(Rating).where(
        Rating.conversation_id == conversation)).one())
    assert (rating.level, rating.handled_by, rating.language) == (5, "staff", "th")


def test_reply_before_taking_over_is_refused(staff, client, conversation):
    page = f"/console/conversations/{conversation}"
    response = staff.post(f"{page}/reply", data={"csrf_token": csrf_token(staff, page),
                                                 "text": "hi"}, follow_redirects=True)
    assert "Take the conversation over first" in response.get_data(True)


def test_hostile_text_is_escaped_in_the_console(staff, client, conversation):
    client.post(f"/api/conversations/{conversation}/messages",
                json={"text": "<script>alert(1)</script> talk to a person"})
    html = staff.get(f"/console/conversations/{conversation}").get_data(True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
