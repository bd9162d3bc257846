"""the gate's lending box (百宝箱): box_item, loan

What the box at the gate holds (a pump, umbrellas, a trolley, lent free for use inside the
estate) and who took what, for which unit, due back when, and when it came back.

Revision ID: 0050_lendingbox
Revises: 0049_signingopinion
Create Date: 2026-12-07 06:54:17.210853

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0050_lendingbox'
down_revision = '0049_signingopinion'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('box_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('lend_hours', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estate.id'], name=op.f('fk_box_item_estate_id_estate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_box_item')),
    sa.UniqueConstraint('estate_id', 'name', name='uq_box_item_estate_name')
    )
    with op.batch_alter_table('box_item', schema=None) as batch_op:
        batch_op.create_index('ix_box_item_name_id', ['name', 'id'], unique=False, postgresql_include=['estate_id'])

    op.create_table('loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('borrower_name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('lent_at', sa.DateTime(), nullable=False),
    sa.Column('lent_by_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estate.id'], name=op.f('fk_loan_estate_id_estate')),
    sa.ForeignKeyConstraint(['item_id'], ['box_item.id'], name=op.f('fk_loan_item_id_box_item')),
    sa.ForeignKeyConstraint(['lent_by_id'], ['staff.id'], name=op.f('fk_loan_lent_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['returned_by_id'], ['staff.id'], name=op.f('fk_loan_returned_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_loan_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan'))
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index('ix_loan_estate_returned', ['estate_id', 'returned_at', 'lent_at'], unique=False)
        batch_op.create_index('ix_loan_item_returned', ['item_id', 'returned_at'], unique=False)
        batch_op.create_index('ix_loan_lent_id', ['lent_at', 'id'], unique=False, postgresql_include=['estate_id'])
        batch_op.create_index(batch_op.f('ix_loan_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_unit_id'))
        batch_op.drop_index('ix_loan_lent_id', postgresql_include=['estate_id'])
        batch_op.drop_index('ix_loan_item_returned')
        batch_op.drop_index('ix_loan_estate_returned')

    op.drop_table('loan')
    with op.batch_alter_table('box_item', schema=None) as batch_op:
        batch_op.drop_index('ix_box_item_name_id', postgresql_include=['estate_id'])

    op.drop_table('box_item')
