"""messages taken for a staff member who is out (留言转告): staff_message

Revision ID: 0048_staffmessage
Revises: 0047_ticketassigneeindex
Create Date: 2026-12-07 04:01:07.371132

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0048_staffmessage'
down_revision = '0047_ticketassigneeindex'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('for_staff_id', sa.Integer(), nullable=False),
    sa.Column('caller_name', sa.String(length=50), nullable=False),
    sa.Column('caller_phone', sa.String(length=20), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('call_back', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'done', name='messagestatus', native_enum=False, length=32), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_note', sa.String(length=200), nullable=True),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff.id'], name=op.f('fk_staff_message_done_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['estate_id'], ['estate.id'], name=op.f('fk_staff_message_estate_id_estate')),
    sa.ForeignKeyConstraint(['for_staff_id'], ['staff.id'], name=op.f('fk_staff_message_for_staff_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_staff_message_resident_id_resident'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['staff.id'], name=op.f('fk_staff_message_taken_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_staff_message_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_message'))
    )
    with op.batch_alter_table('staff_message', schema=None) as batch_op:
        batch_op.create_index('ix_staff_message_for_status', ['for_staff_id', 'status', 'taken_at'], unique=False)
        batch_op.create_index('ix_staff_message_taken_id', ['taken_at', 'id'], unique=False, postgresql_include=['estate_id'])



def downgrade():
    with op.batch_alter_table('staff_message', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_message_taken_id', postgresql_include=['estate_id'])
        batch_op.drop_index('ix_staff_message_for_status')

    op.drop_table('staff_message')
