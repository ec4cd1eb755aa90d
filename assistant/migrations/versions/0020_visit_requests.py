"""visits to the center; one attachment per outgoing e-mail

``visit_requests``: a visit asked for in a chat (name, e-mail, purpose, two preferred
slots), staff's decision (confirmed, another slot proposed, cancelled), the agreed start and
when the reminder went. ``outbound_emails`` gets one optional text attachment (the visit's
calendar invitation).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visit_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('first_slot', sa.DateTime(timezone=True), nullable=False),
        sa.Column('second_slot', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.Enum('requested', 'proposed', 'confirmed', 'cancelled',
                                    name='visitstatus', native_enum=False, length=20),
                  nullable=False),
        sa.Column('start_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accept_token_hash', sa.String(length=64), nullable=True),
        sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('accept_token_hash'),
    )
    op.create_index('ix_visit_requests_conversation_id', 'visit_requests', ['conversation_id'])
    op.create_index('ix_visit_requests_status', 'visit_requests', ['status'])
    op.create_index('ix_visit_requests_start_at', 'visit_requests', ['start_at'])
    op.create_index('ix_visit_requests_created_at', 'visit_requests', ['created_at'])
    with op.batch_alter_table('outbound_emails') as batch:
        batch.add_column(sa.Column('attachment_name', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('attachment_type', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('attachment', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbound_emails') as batch:
        batch.drop_column('attachment')
        batch.drop_column('attachment_type')
        batch.drop_column('attachment_name')
    op.drop_index('ix_visit_requests_created_at', table_name='visit_requests')
    op.drop_index('ix_visit_requests_start_at', table_name='visit_requests')
    op.drop_index('ix_visit_requests_status', table_name='visit_requests')
    op.drop_index('ix_visit_requests_conversation_id', table_name='visit_requests')
    op.drop_table('visit_requests')
