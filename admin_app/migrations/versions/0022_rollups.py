"""statistics: monthly counts per estate kept with the records (rollups), filled from them

Revision ID: 0022_rollups
Revises: 0021_complaints
Create Date: 2026-12-02 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0022_rollups"
down_revision = "0021_complaints"
branch_labels = None
depends_on = None

RATINGS = ("timeliness", "quality", "fee", "attitude")


def _table(name, dimensions, measures):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *dimensions,
        *(sa.Column(m, sa.Integer(), server_default="0", nullable=False) for m in measures),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "estate_id", "month", *(c.name for c in dimensions), name=f"uq_{name}_key"
        ),
    )


def upgrade():
    _table(
        "complaint_month",
        [
            sa.Column("code", sa.String(length=32), nullable=False),
            sa.Column("validity", sa.String(length=32), nullable=False),
            sa.Column("severity", sa.String(length=32), nullable=False),
            sa.Column("handled", sa.Boolean(), nullable=False),
            sa.Column("revisited", sa.Boolean(), nullable=False),
            sa.Column("reported", sa.Boolean(), nullable=False),
            sa.Column("on_time", sa.Boolean(), nullable=False),
            sa.Column("reopened", sa.Boolean(), nullable=False),
        ],
        ["complaints"],
    )
    _table(
        "revisit_month",
        [sa.Column("technician_id", sa.Integer(), nullable=False)],
        [
            "revisits",
            *(f"{r}_sum" for r in RATINGS),
            *(f"{r}_given" for r in RATINGS),
            "satisfied",
            "unsatisfied",
        ],
    )
    _table("closed_month", [], ["closed", "revisited"])
    _table(
        "trade_month",
        [sa.Column("trade", sa.String(length=32), nullable=False)],
        ["orders", "finished", "emergencies"],
    )
    _fill()


def _fill():
    """The counts of the records already there (the same rules as services/statistics/rollups)."""
    if op.get_bind().dialect.name == "postgresql":
        def month(c):
            return f"CAST(date_trunc('month', {c}) AS date)"
    else:
        def month(c):
            return f"strftime('%Y-%m-01', {c})"

    def flag(condition):
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    def boolean(condition):
        return f"({flag(condition)} = 1)"

    handled = boolean("status IN ('resolved', 'closed')")
    satisfied = flag("satisfaction IN ('satisfied', 'basically')")
    unsatisfied = flag("satisfaction = 'unsatisfied'")
    finished = flag("status IN ('closed', 'revisited')")
    op.execute(
        "INSERT INTO complaint_month (estate_id, month, code, validity, severity, handled,"
        " revisited, reported, on_time, reopened, complaints)"
        f" SELECT estate_id, {month('received_at')}, COALESCE(complaint_code, ''),"
        " COALESCE(validity, ''), COALESCE(severity, ''),"
        f" {handled},"
        f" {boolean('revisited_at IS NOT NULL')}, {boolean('reported_back_at IS NOT NULL')},"
        f" {boolean('reported_back_at IS NOT NULL AND complaint_due_at IS NOT NULL AND reported_back_at <= complaint_due_at')},"
        f" {boolean('COALESCE(complaint_round, 0) > 1')}, COUNT(*)"
        " FROM ticket WHERE category = 'complaint' AND received_at IS NOT NULL"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
    )
    sums = ", ".join(f"SUM(COALESCE(rating_{r}, 0))" for r in RATINGS)
    given = ", ".join(f"COUNT(rating_{r})" for r in RATINGS)
    op.execute(
        "INSERT INTO revisit_month (estate_id, month, technician_id, revisits, "
        + ", ".join(f"{r}_sum" for r in RATINGS)
        + ", "
        + ", ".join(f"{r}_given" for r in RATINGS)
        + ", satisfied, unsatisfied)"
        f" SELECT estate_id, {month('revisited_at')}, COALESCE(technician_id, 0), COUNT(*),"
        f" {sums}, {given},"
        f" SUM({satisfied}),"
        f" SUM({unsatisfied})"
        " FROM work_order WHERE revisited_at IS NOT NULL GROUP BY 1, 2, 3"
    )
    op.execute(
        "INSERT INTO closed_month (estate_id, month, closed, revisited)"
        f" SELECT estate_id, {month('closed_at')}, COUNT(*), SUM({flag('revisited_at IS NOT NULL')})"
        " FROM work_order WHERE closed_at IS NOT NULL GROUP BY 1, 2"
    )
    op.execute(
        "INSERT INTO trade_month (estate_id, month, trade, orders, finished, emergencies)"
        f" SELECT estate_id, {month('created_at')}, COALESCE(trade, ''), COUNT(*),"
        f" SUM({finished}),"
        f" SUM({flag('is_emergency')})"
        " FROM work_order WHERE created_at IS NOT NULL GROUP BY 1, 2, 3"
    )


def downgrade():
    for name in ("trade_month", "closed_month", "revisit_month", "complaint_month"):
        op.drop_table(name)
