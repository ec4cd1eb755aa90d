"""article reviews and the source watch

``article_reviews``: each time a trainer or admin confirmed an article against its sources.
``source_checks``: the source watch's last look at each source URL (ETag, Last-Modified, a
fingerprint of the page's main text, when it last changed, the last error).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'article_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_article_reviews_article_id', 'article_reviews', ['article_id'])
    op.create_table(
        'source_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('etag', sa.String(length=200), nullable=True),
        sa.Column('last_modified', sa.String(length=100), nullable=True),
        sa.Column('fingerprint', sa.String(length=64), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('url'),
    )


def downgrade():
    op.drop_table('source_checks')
    op.drop_index('ix_article_reviews_article_id', table_name='article_reviews')
    op.drop_table('article_reviews')
