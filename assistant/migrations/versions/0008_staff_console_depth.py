"""staff console: away status, labels, notes with mentions, canned answers, transcript mail

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conversation_id', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_outbound_emails_conversation_id', ['conversation_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_outbound_emails_conversation_id_conversations',
                                    'conversations', ['conversation_id'], ['id'])
    op.execute("UPDATE outbound_emails SET conversation_id = (SELECT conversation_id FROM "
               "tickets WHERE tickets.id = outbound_emails.ticket_id) "
               "WHERE ticket_id IS NOT NULL")
    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='uq_labels_name')
    )
    op.create_table('conversation_labels',
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('label_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name='fk_conversation_labels_conversation_id_conversations'),
    sa.ForeignKeyConstraint(['label_id'], ['labels.id'],
                            name='fk_conversation_labels_label_id_labels'),
    sa.PrimaryKeyConstraint('conversation_id', 'label_id')
    )
    op.create_table('notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name='fk_notes_conversation_id_conversations'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name='fk_notes_author_id_users'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_conversation_id', ['conversation_id'], unique=False)
    op.create_table('note_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name='fk_note_mentions_note_id_notes'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_note_mentions_user_id_users'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('note_id', 'user_id', name='uq_note_mentions_note_user')
    )
    with op.batch_alter_table('note_mentions', schema=None) as batch_op:
        batch_op.create_index('ix_note_mentions_note_id', ['note_id'], unique=False)
        batch_op.create_index('ix_note_mentions_user_id', ['user_id'], unique=False)
    op.create_table('canned_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('text_th', sa.Text(), nullable=False),
    sa.Column('usage_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name='fk_canned_answers_created_by_id_users'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', name='uq_canned_answers_code')
    )


def downgrade():
    op.drop_table('canned_answers')
    with op.batch_alter_table('note_mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_note_mentions_user_id')
        batch_op.drop_index('ix_note_mentions_note_id')
    op.drop_table('note_mentions')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_conversation_id')
    op.drop_table('notes')
    op.drop_table('conversation_labels')
    op.drop_table('labels')
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbound_emails_conversation_id_conversations',
                                 type_='foreignkey')
        batch_op.drop_index('ix_outbound_emails_conversation_id')
        batch_op.drop_column('conversation_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('away')
