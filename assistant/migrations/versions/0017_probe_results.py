"""the availability probe's results

``probe_results``: each look of the probe at the service (health check and one real
question end to end): when, whether all was well, which part failed, the answer's latency.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 20:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'probe_results',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('failed_part', sa.String(length=40), nullable=True),
        sa.Column('latency_ms', sa.Integer(), nullable=True),
        sa.Column('detail', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_probe_results_checked_at', 'probe_results', ['checked_at'])


def downgrade():
    op.drop_index('ix_probe_results_checked_at', table_name='probe_results')
    op.drop_table('probe_results')
