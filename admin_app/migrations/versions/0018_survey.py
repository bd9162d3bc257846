"""the yearly satisfaction survey: surveys, the households asked, their answers

Revision ID: 0018_survey
Revises: 0017_pay
Create Date: 2026-12-02 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_survey"
down_revision = "0017_pay"
branch_labels = None
depends_on = None


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade():
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("questions", sa.String(length=200), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("estate_id", "year", name="uq_survey_estate_year"),
    )
    op.create_table(
        "survey_household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("link_sent_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("channel", _enum(("phone", "paper", "online"), "answerchannel"), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entered_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "unit_id", name="uq_survey_household_unit"),
    )
    op.create_index("ix_survey_household_survey_id", "survey_household", ["survey_id"])
    op.create_index("ix_survey_household_unit_id", "survey_household", ["unit_id"])
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=32), nullable=False),
        sa.Column(
            "rating",
            _enum(("satisfied", "basically", "unsatisfied"), "satisfaction"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["household_id"], ["survey_household.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("household_id", "question", name="uq_survey_answer_question"),
    )
    op.create_index("ix_survey_answer_household_id", "survey_answer", ["household_id"])


def downgrade():
    op.drop_index("ix_survey_answer_household_id", table_name="survey_answer")
    op.drop_table("survey_answer")
    op.drop_index("ix_survey_household_unit_id", table_name="survey_household")
    op.drop_index("ix_survey_household_survey_id", table_name="survey_household")
    op.drop_table("survey_household")
    op.drop_table("survey")
