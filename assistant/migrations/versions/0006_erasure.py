"""erased transcripts: when, and the chat's main topic kept for the figures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('main_topic', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('main_topic')
        batch_op.drop_column('erased_at')
