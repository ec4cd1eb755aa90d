"""``flask users ...``: console accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Role, User


@click.group(cls=AppGroup)
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
