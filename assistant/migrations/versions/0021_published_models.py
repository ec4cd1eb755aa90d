"""the accepted Rasa model, published for every Rasa server to pull

``published_models``: one row, the accepted model's file (name, SHA-256, bytes), served at
``GET /api/model`` to the Rasa servers of every host.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'published_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('published_models')
