"""the site a web chat started on

``conversations.site``: the origin of the partner site whose page embedded the widget when
the chat started (None: the center's own site, other channels, older chats).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('site', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('site')
