"""jobs: the durable queue of the worker process (training runs, LINE events)

Long work leaves the request path: the web process inserts a job, ``flask jobs work`` runs
it. ``key`` queues a LINE event once; the partial unique index lets one job per ``lane``
run at a time (one training run; one LINE user's events in order).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

RUNNING_IN_LANE = sa.text("state = 'running' AND lane IS NOT NULL")


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=True),
        sa.Column('lane', sa.String(length=60), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('run_after', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_by', sa.String(length=100), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_jobs_state_run_after', 'jobs', ['state', 'run_after'])
    op.create_index('ux_jobs_running_lane', 'jobs', ['lane'], unique=True,
                    sqlite_where=RUNNING_IN_LANE, postgresql_where=RUNNING_IN_LANE)


def downgrade():
    op.drop_index('ux_jobs_running_lane', table_name='jobs')
    op.drop_index('ix_jobs_state_run_after', table_name='jobs')
    op.drop_table('jobs')
