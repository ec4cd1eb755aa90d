"""answer feedback: "Helpful?" votes on knowledge answers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                            name='fk_answer_feedback_message_id_messages'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name='fk_answer_feedback_conversation_id_conversations'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id', name='uq_answer_feedback_message_id')
    )
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_answer_feedback_conversation_id', ['conversation_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_feedback_conversation_id')
    op.drop_table('answer_feedback')
