"""Personal data (PDPA): notice in the widget, a chat's data on request, erasure here and in
Rasa, and the retention purge that leaves every satisfaction figure as it was."""

import datetime as dt
import json

from sqlalchemy import func, select, update

from assistant.extensions import db
from assistant.models import Conversation, Message, utcnow
from assistant.reports.figures import compute
from assistant.reports.periods import date_range
from tests.support.browser import chromium, live_server, screenshot, widget_chat


def messages_of(app, conversation):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Message)
                                 .where(Message.conversation_id == conversation))


def rated_chat(client, text, level):
    conversation = client.post("/api/conversations").get_json()["id"]
    client.post(f"/api/conversations/{conversation}/messages", json={"text": text})
    client.post(f"/api/conversations/{conversation}/close")
    client.post(f"/api/conversations/{conversation}/satisfaction", json={"level": level})
    return conversation


def test_export_and_erasure_on_request(module_app, servers):
    client = module_app.test_client()
    conversation = rated_chat(client, "my passport AB1234567 expires, how do I renew my visa", 4)
    exported = client.get(f"/api/conversations/{conversation}/export").get_json()
    assert exported["messages"][0]["text"].startswith("my passport AB1234567")
    assert exported["rating"]["level"] == 4

    erased = client.delete(f"/api/conversations/{conversation}").get_json()
    assert erased["erased"] is True and erased["messages_deleted"] >= 3
    assert erased["rasa_tracker"] == "erased" and erased["rasa_erased_at"]
    assert messages_of(module_app, conversation) == 0
    events = servers.rasa.tracker(conversation)["events"]  # Rasa's in-memory store
    assert not [event for event in events if event.get("event") == "user"]
    after = client.get(f"/api/conversations/{conversation}/export").get_json()
    assert after["messages"] == [] and after["conversation"]["erased_at"]
    assert after["conversation"]["rasa_erased_at"]
    assert after["rating"]["level"] == 4  # the anonymous answer stays for the KPI
    refused = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert refused.status_code == 410
    assert refused.get_json()["error"]["code"] == "conversation_erased"
    assert client.delete("/api/conversations/no-such-chat").status_code == 404


def test_retention_purge_keeps_every_satisfaction_figure(module_app):
    client = module_app.test_client()
    old = [rated_chat(client, text, level) for text, level in [
        ("How do I extend my visa?", 5), ("ต่อวีซ่าท่องเที่ยวได้ไหมคะ", 2),
        ("Where can I rent a condo near BTS?", 4), ("how much is income tax", 1)]]
    recent = rated_chat(client, "how do I open a bank account", 5)
    long_ago = utcnow() - dt.timedelta(days=400)
    with module_app.app_context():
        db.session.execute(update(Conversation).where(Conversation.id.in_(old))
                           .values(closed_at=long_ago, created_at=long_ago))
        db.session.commit()
    period = date_range((long_ago - dt.timedelta(days=1)).date(), dt.date.today())

    def satisfaction():
        with module_app.app_context():
            figures = compute(period)
            return (figures.kpi, figures.by_topic, figures.by_handler, figures.closed,
                    figures.response_rate)

    before = satisfaction()
    cli = module_app.test_cli_runner()
    report_args = ["report", "--from", period.first.isoformat(), "--to",
                   period.last.isoformat(), "--json"]
    kpi_before = json.loads(cli.invoke(args=report_args).output.strip().splitlines()[-1])
    purged = cli.invoke(args=["privacy", "purge", "--days", "365"])
    assert purged.exit_code == 0 and "erased 4 transcript(s)" in purged.output
    assert "erased 4 chat(s) in Rasa, 0 still pending there" in purged.output
    assert [messages_of(module_app, chat) for chat in old] == [0, 0, 0, 0]
    assert messages_of(module_app, recent) > 0
    assert satisfaction() == before
    assert json.loads(cli.invoke(args=report_args).output.strip().splitlines()[-1]) == kpi_before
    assert before[1]  # satisfaction by topic was there to keep
    again = cli.invoke(args=["privacy", "purge", "--days", "365"])
    assert "erased 0 transcript(s)" in again.output


def test_widget_privacy_notice_download_and_delete(app):
    with live_server(app) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(url + "/")
        chat = page.locator("#bkk-expat-chat")
        chat.get_by_role("button", name="Chat with us").click()
        notice = chat.get_by_role("note")
        assert "do not type ID card, passport or bank account numbers" in notice.inner_text()
        chat.get_by_role("button", name="ภาษาไทย").click()
        assert "กรุณาอย่าพิมพ์เลขบัตรประชาชน" in notice.inner_text()
        screenshot(page, "widget-privacy-notice-thai")
        chat.locator("textarea").fill("ขอเบอร์ติดต่อศูนย์หน่อยค่ะ")
        chat.locator("textarea").press("Enter")
        chat.locator("li.message.bot").nth(1).wait_for(timeout=20000)
        assert not notice.is_visible()  # before the first message only

        with page.expect_download() as download:
            chat.get_by_role("button", name="ดาวน์โหลดบทสนทนา").click()
        readable = open(download.value.path(), encoding="utf-8").read()  # in Thai, as shown
        assert "] คุณ: ขอเบอร์ติดต่อศูนย์หน่อยค่ะ\n" in readable
        conversation, authorization = widget_chat(page)
        export = f"{url}/api/conversations/{conversation}/export"  # the JSON copy
        assert page.request.get(export).status == 401  # the id alone opens nothing
        exported = page.request.get(export, headers=authorization)
        assert exported.json()["messages"][0]["text"] == "ขอเบอร์ติดต่อศูนย์หน่อยค่ะ"
        assert exported.json()["conversation"]["id"] == conversation

        page.on("dialog", lambda dialog: dialog.accept())
        chat.get_by_role("button", name="ลบบทสนทนา").click()
        chat.get_by_text("ลบบทสนทนาของคุณแล้วค่ะ").wait_for(timeout=10000)
        assert messages_of(app, conversation) == 0
        assert notice.is_visible()  # a new chat starts with the notice again
