"""Answer feedback: the user's "Helpful? 👍 👎" vote on a knowledge answer.

A knowledge answer is a bot reply with article ids. Each answer keeps one vote: a second vote
(web or LINE) replaces the first, comment included. Votes are allowed after the chat closed,
like ratings; the vote is committed before anything else happens. A 👎 puts the question
before the answer into the trainers' review inbox (reason "not_helpful") and opens the
chat's follow-up task for staff if it has none (``assistant.chat.followup_opening``).
"""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assistant.chat import followup_opening
from assistant.chat.conversations import claim
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.models import AnswerFeedback, Conversation, Message, parse_id

MAX_COMMENT = 500


def answer_of(conversation: Conversation, raw_id: str) -> Message:
    """The conversation's knowledge answer ``raw_id``: 404 if unknown, 422 if not an answer."""
    message_id = parse_id(raw_id)
    message = None if message_id is None else db.session.get(Message, message_id)
    if message is None or message.conversation_id != conversation.id:
        raise ConversationError(404, "unknown_message", "No such message in this conversation.")
    if not message.is_knowledge_answer:
        raise ConversationError(422, "not_a_knowledge_answer",
                                "Only answers from the knowledge base can be rated helpful.")
    return message


def validate(helpful: Any, comment: Any) -> tuple[bool, Optional[str]]:
    """``(helpful, comment or None)`` from a request, or a 422 error."""
    if not isinstance(helpful, bool):
        raise ConversationError(422, "invalid_helpful", "helpful must be true or false.")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        raise ConversationError(422, "invalid_comment",
                                f"comment must be text of at most {MAX_COMMENT} characters.")
    return helpful, (comment.replace("\x00", "").strip() or None) if comment else None


def vote(message: Message, helpful: bool, comment: Optional[str] = None) -> AnswerFeedback:
    """Store (or replace) the vote on ``message``, committed before the caller goes on."""
    for _ in range(2):  # a concurrent first vote on the same answer: update that one
        claim(message.conversation)  # 410 once erased
        feedback = db.session.scalar(select(AnswerFeedback)
                                     .where(AnswerFeedback.message_id == message.id))
        if feedback is None:
            feedback = AnswerFeedback(message_id=message.id,
                                      conversation_id=message.conversation_id)
            db.session.add(feedback)
        feedback.helpful, feedback.comment = helpful, comment
        followup_opening.after_vote(message, helpful)
        try:
            db.session.commit()
            return feedback
        except IntegrityError:
            db.session.rollback()
    raise ConversationError(409, "vote_conflict", "The vote could not be stored; try again.")


def as_json(feedback: AnswerFeedback) -> dict[str, Any]:
    """The stored vote as the API returns it."""
    return {"message_id": feedback.message_id, "helpful": feedback.helpful,
            "comment": feedback.comment}

