"""erasure in Rasa tracked on its own: when Rasa's copy of an erased chat was deleted

``erased_at`` says the transcript is gone from the service's tables; ``rasa_erased_at`` says
Rasa's tracker of the chat is gone too. Until then the retention process retries each round.
Chats erased before this revision get NULL: their erasure in Rasa used ``PUT
…/tracker/events []``, which deletes nothing with the SQL tracker store, so the next round
erases them in Rasa again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rasa_erased_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('rasa_erased_at')
