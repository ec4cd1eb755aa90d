"""follow-up tasks for unhappy users

``follow_up_tasks``: one per chat at most, opened by a rating of 1 or 2 or a 👎 on an answer;
due one working day later; the contact (when, which channel), the outcome, and the rating
given after the recovery.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follow_up_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Enum('low_rating', 'not_helpful', name='followupreason',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('rating_level', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('assigned_to_id', sa.Integer(), nullable=True),
        sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('channel', sa.String(length=20), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.Enum('contacted_resolved', 'contacted_unresolved',
                                     'unreachable', 'not_needed', name='followupoutcome',
                                     native_enum=False, length=30), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=True),
        sa.Column('rating_after', sa.Integer(), nullable=True),
        sa.Column('rerated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id']),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id']),
        sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('conversation_id'),
    )
    op.create_index('ix_follow_up_tasks_due_at', 'follow_up_tasks', ['due_at'])
    op.create_index('ix_follow_up_tasks_done_at', 'follow_up_tasks', ['done_at'])


def downgrade():
    op.drop_index('ix_follow_up_tasks_done_at', table_name='follow_up_tasks')
    op.drop_index('ix_follow_up_tasks_due_at', table_name='follow_up_tasks')
    op.drop_table('follow_up_tasks')
