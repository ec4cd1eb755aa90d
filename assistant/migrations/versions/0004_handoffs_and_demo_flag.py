"""handoffs (staff waiting time) and the demo flag of conversations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name='fk_handoffs_conversation_id_conversations'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'],
                            name='fk_handoffs_staff_user_id_users'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index('ix_handoffs_conversation_id', ['conversation_id'], unique=False)
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Chats waiting for staff when this migration runs: their wait started at waiting_since.
    op.execute("INSERT INTO handoffs (conversation_id, requested_at) "
               "SELECT id, waiting_since FROM conversations WHERE waiting_since IS NOT NULL")


def downgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('demo')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('ix_handoffs_conversation_id')
    op.drop_table('handoffs')
