"""urgent chats first in the queue; an offline question replied to is not yet answered

``conversations.urgent``: the assistant saw a sign of danger in the chat (its emergency help,
``danger: true`` in the reply's metadata); the queue lists such chats first. Chats of before
are urgent when a bot reply there answered the intent ``report_danger``.

``tickets.replied_at``: when staff first replied to an offline question. Before this revision
that reply set the status ``answered``; now it sets ``replied``, and ``answered`` (with
``answered_at``) means the question was answered: staff marked it so. Questions "answered"
before become "replied" (their ``answered_at`` moves to ``replied_at``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE conversations SET urgent = true WHERE id IN (SELECT conversation_id "
               "FROM messages WHERE sender = 'bot' AND intent = 'report_danger')")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE tickets SET status = 'replied', replied_at = answered_at, "
               "answered_at = NULL WHERE status = 'answered'")


def downgrade():
    op.execute("UPDATE tickets SET status = 'answered', "
               "answered_at = COALESCE(answered_at, replied_at) WHERE status = 'replied'")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('replied_at')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('urgent')
