"""Outgoing e-mail: stored in the outbox first, then sent over SMTP (and retried until sent).

``SMTP_URL`` says where mail goes: ``smtp://user:password@host:587?starttls=1``,
``smtps://host:465`` or ``smtp://127.0.0.1:1025``. Without it mail stays queued (visible in
the database and in ``flask mail send``'s output) so nothing is lost on a fresh install.
``send_queued`` runs under the mailer's lock (``assistant/job_lock.py``): of several hosts
one sends at a time, and each e-mail is marked sent as soon as it is, so none goes twice.
"""

from __future__ import annotations

import email.utils
import smtplib
import ssl
from email.message import EmailMessage
from typing import NamedTuple, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Conversation, EmailStatus, OutboundEmail, Ticket, utcnow

SMTP_TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 20
CENTER_NAME = {
    "en": "Information service center for foreigners, Bangkok Metropolitan Administration",
    "th": "ศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร",
}


def signature(language: str) -> str:
    """The center's name and mailbox, which close every e-mail to a user."""
    name = CENTER_NAME.get(language, CENTER_NAME["en"])
    return f"{name}\n{current_app.config['CENTER_EMAIL']}"


class Attachment(NamedTuple):
    """A text file sent with an e-mail: ``invitation.ics``, ``text/calendar; method=PUBLISH``."""

    name: str
    content_type: str
    text: str


def queue(kind: str, to: str, subject: str, body: str, conversation: Conversation,
          ticket: Optional[Ticket] = None, reply_to: Optional[str] = None,
          attachment: Optional[Attachment] = None) -> OutboundEmail:
    """Add an e-mail about ``conversation`` to the outbox (the caller commits)."""
    queued = OutboundEmail(kind=kind, to_address=to, subject=subject, body=body,
                           conversation_id=conversation.id, ticket=ticket, reply_to=reply_to)
    if attachment is not None:
        queued.attachment_name, queued.attachment_type, queued.attachment = attachment
    db.session.add(queued)
    return queued


def send_queued(limit: int = 50) -> tuple[int, int]:
    """Try to send queued mail (oldest first); returns (sent, still queued or failed)."""
    url = current_app.config["SMTP_URL"]
    due = list(db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.status == EmailStatus.QUEUED)
        .order_by(OutboundEmail.id).limit(limit)))
    if not url or not due:
        return 0, len(due)
    sent = 0
    try:
        with _connect(url) as smtp:
            for outbound in due:
                sent += _send_one(smtp, outbound)
    except (OSError, smtplib.SMTPException) as error:  # server down: all stay queued
        current_app.logger.warning("mail: SMTP unavailable: %s", error)
        for outbound in due:
            if outbound.status == EmailStatus.QUEUED:
                outbound.last_error = str(error)[:500]
    db.session.commit()
    return sent, len(due) - sent


def _send_one(smtp: smtplib.SMTP, outbound: OutboundEmail) -> int:
    outbound.attempts += 1
    try:
        smtp.send_message(_message(outbound))
    except smtplib.SMTPRecipientsRefused as error:
        outbound.last_error = str(error)[:500]
        outbound.status = EmailStatus.FAILED  # the address itself is refused: retrying fails
        return 0
    except smtplib.SMTPException as error:
        outbound.last_error = str(error)[:500]
        if outbound.attempts >= MAX_ATTEMPTS:
            outbound.status = EmailStatus.FAILED
        return 0
    outbound.status, outbound.sent_at, outbound.last_error = EmailStatus.SENT, utcnow(), None
    db.session.commit()  # sent is sent, even if a later one fails
    return 1


def _message(outbound: OutboundEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = outbound.to_address
    message["Subject"] = outbound.subject
    message["Date"] = email.utils.format_datetime(utcnow())
    message["Message-ID"] = f"<outbox-{outbound.id}.{outbound.created_at:%Y%m%d%H%M%S}@bkk-expat>"
    if outbound.reply_to:
        message["Reply-To"] = outbound.reply_to
    message.set_content(outbound.body)  # UTF-8, so Thai text arrives intact
    if outbound.attachment is not None:  # text: "text/calendar; method=PUBLISH"
        content_type, *parameters = (outbound.attachment_type or "text/plain").split(";")
        message.add_attachment(outbound.attachment, subtype=content_type.split("/")[-1].strip(),
                               filename=outbound.attachment_name,
                               params=dict(part.strip().split("=", 1) for part in parameters))
    return message


def masked(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for logs and error messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


def _connect(url: str) -> smtplib.SMTP:
    """An SMTP connection; TLS (smtps, starttls) verifies the server's certificate."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise smtplib.SMTPException(
            f"SMTP_URL must look like smtp://host:port, not {masked(url)!r}")
    tls = ssl.create_default_context()  # the system's CAs (SSL_CERT_FILE), host name checked
    if parts.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, parts.port or 465,
                                              timeout=SMTP_TIMEOUT_SECONDS, context=tls)
    else:
        smtp = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if parts.scheme == "smtp" and parse_qs(parts.query).get("starttls") == ["1"]:
            smtp.starttls(context=tls)
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        smtp.close()
        raise
    return smtp
