"""access tokens, chat references and opaque rating links

The conversation id stops being a credential and stops leaving the console:
``access_token_hash`` is the SHA-256 of the token the widget gets when it starts a chat (it
alone may export, erase and read the chat; chats of before have none and cannot be read or
erased through the API); ``reference`` ("C-7F3K9Q2M") names a chat in report exports and
e-mails, made here for every existing chat; ``rating_links`` holds the SHA-256 of each
e-mailed rating link's random token (the signed links of before, which carried the
conversation id, no longer open).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-20 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as assistant.models.tokens makes them


def new_references(count):
    """``count`` distinct random references such as C-7F3K9Q2M."""
    made = set()
    while len(made) < count:
        made.add("C-" + "".join(secrets.choice(ALPHABET) for _ in range(8)))
    return list(made)


def upgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('access_token_hash', sa.String(length=64),
                                      nullable=True))
    conversations = sa.table('conversations', sa.column('id', sa.String),
                             sa.column('reference', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(conversations.c.id)).scalars().all()
    if ids:
        connection.execute(
            conversations.update().where(conversations.c.id == sa.bindparam('chat'))
            .values(reference=sa.bindparam('new')),
            [{'chat': chat, 'new': new} for chat, new in zip(ids, new_references(len(ids)))])
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.alter_column('reference', existing_type=sa.String(length=12), nullable=False)
        batch_op.create_index('ix_conversations_reference', ['reference'], unique=True)

    op.create_table('rating_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name='fk_rating_links_conversation_id_conversations'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash', name='uq_rating_links_token_hash')
    )
    with op.batch_alter_table('rating_links', schema=None) as batch_op:
        batch_op.create_index('ix_rating_links_conversation_id', ['conversation_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('rating_links', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_links_conversation_id')
    op.drop_table('rating_links')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_reference')
        batch_op.drop_column('access_token_hash')
        batch_op.drop_column('reference')
