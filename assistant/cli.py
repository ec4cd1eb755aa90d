"""Command line: ``flask users ...`` (console accounts), ``flask conversations ...``."""

import datetime as dt
import time

import click
from flask import Flask
from sqlalchemy import select

from assistant import conversations as store
from assistant.extensions import db
from assistant.models import Role, User


def register(app: Flask) -> None:
    """Add the ``users`` command group to ``app``'s CLI."""

    @app.cli.group()
    def users() -> None:
        """Console accounts."""

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), default="staff",
                  show_default=True)
    @click.password_option()
    def create(email: str, name: str, role: str, password: str) -> None:
        """Create a console account (the password is asked for, never shown)."""
        email = email.strip().lower()
        if db.session.scalar(select(User).where(User.email == email)) is not None:
            raise click.ClickException(f"{email} already has an account")
        if len(password) < 10:
            raise click.ClickException("use a password of at least 10 characters")
        user = User(email=email, name=name, role=Role(role))
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"created {role} account {email}")

    @app.cli.group()
    def conversations() -> None:
        """Conversation housekeeping."""

    @conversations.command("close-inactive")
    @click.option("--minutes", type=click.IntRange(min=1), envvar="INACTIVITY_MINUTES",
                  default=30, show_default=True, help="idle time before a chat is closed")
    @click.option("--every", type=click.IntRange(min=0), default=0,
                  help="repeat every N seconds (0: once)")
    def close_inactive(minutes: int, every: int) -> None:
        """Close idle chats; each user gets the satisfaction question once."""
        while True:
            closed = store.close_inactive(dt.timedelta(minutes=minutes))
            db.session.remove()
            if closed or not every:
                click.echo(f"closed {closed} inactive conversation(s)")
            if not every:
                return
            time.sleep(every)
