"""article revisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('article_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_article_revisions_user_id_users'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_article_revisions_article_id', ['article_id'], unique=False)


def downgrade():
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_article_revisions_article_id')
    op.drop_table('article_revisions')
