"""Links to the satisfaction question, for users answered by e-mail: ``/rate/<token>``.

Each link's token is random and says nothing about the chat; only its SHA-256 is stored
(``RatingLink``), and it opens the chat's rating page (``assistant.public.rating_page``) for
as long as the chat is not erased. Links of the signed kind used before migration 0014 (the
conversation id, signed but readable) no longer open.
"""

from __future__ import annotations

from typing import Optional

from flask import current_app
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Conversation, RatingLink
from assistant.models.tokens import hashed, new_token


def rating_url(conversation: Conversation) -> str:
    """A new public link to rate ``conversation`` (the caller commits)."""
    token = new_token()
    db.session.add(RatingLink(conversation=conversation, token_hash=hashed(token)))
    return f"{current_app.config['PUBLIC_URL']}/rate/{token}"


def conversation_for(token: str) -> Optional[Conversation]:
    """The conversation a link's token opens, or None if unknown or the chat was erased."""
    link = db.session.scalar(select(RatingLink).where(RatingLink.token_hash == hashed(token)))
    if link is None or link.conversation.erased_at is not None:
        return None
    return link.conversation
