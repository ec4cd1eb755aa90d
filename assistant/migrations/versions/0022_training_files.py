"""the trainers' copies of the training data files, shared by every host

``training_files``: one row per file of the Rasa project trainers changed in the console
(``nlu_data/...``, ``domain.yml``, ``tests/stories/...``), its whole text as last saved.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'training_files',
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('base_sha256', sa.String(length=64), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('path'),
    )


def downgrade():
    op.drop_table('training_files')
