"""expiry of waits for staff: when nobody took a hand-off in time

A wait older than ``HANDOFF_EXPIRY_MINUTES`` goes back to the bot in the housekeeping round;
its hand-off row gets ``expired_at`` (``taken_at`` stays NULL: nobody took it). Rows before
this revision get NULL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-13 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_column('expired_at')
