"""known languages only: rows with a language other than en or th get en

Before payload text was checked, "/greet{"language": "zz"}" could store any language;
the service now stores only en and th.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:00:00

"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('conversations', 'ratings'):
        op.execute(f"UPDATE {table} SET language = 'en' WHERE language NOT IN ('en', 'th')")
    op.execute("UPDATE messages SET language = NULL WHERE language NOT IN ('en', 'th')")


def downgrade():
    pass  # the unknown languages are gone for good
