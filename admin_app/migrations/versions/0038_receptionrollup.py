"""statistics: the reception register's monthly counts and times to a result, kept with the tickets

The reception statistics grouped a year of tickets afresh on every view, and took the medians
of their times (a director's year over forty estates: 300k tickets, ~1.5 s); they now sum
these counts, kept in the same transaction as the tickets (services/statistics/rollups.py).

Revision ID: 0038_receptionrollup
Revises: 0037_redundantindexes
Create Date: 2026-12-06 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0038_receptionrollup"
down_revision = "0037_redundantindexes"
branch_labels = None
depends_on = None


def _table(name, dimensions, measure):
    """A monthly count per estate, one row per combination of its dimensions (as 0022's)."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *dimensions,
        sa.Column(measure, sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "estate_id", "month", *(c.name for c in dimensions), name=f"uq_{name}_key"
        ),
    )


def upgrade():
    _table(
        "reception_month",
        [
            sa.Column("category", sa.String(length=32), nullable=False),
            sa.Column("channel", sa.String(length=32), nullable=False),
            *(
                sa.Column(flag, sa.Boolean(), nullable=False)
                for flag in ("at_once", "callback", "kept", "after_the_fact")
            ),
        ],
        "contacts",
    )
    _table(
        "result_time_month",
        [
            sa.Column("span", sa.Integer(), nullable=False),
            sa.Column("minutes", sa.Integer(), nullable=False),
        ],
        "tickets",
    )
    _table("result_span_month", [sa.Column("span", sa.Integer(), nullable=False)], "tickets")
    _fill()


def _fill():
    """The counts of the tickets already there (the same rules as services/statistics/rollups)."""
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', received_at) AS date)"

        def seconds(c):
            return f"CAST(extract(epoch FROM date_trunc('second', {c})) AS bigint)"
    else:
        month = "strftime('%Y-%m-01', received_at)"

        def seconds(c):
            return f"CAST(strftime('%s', {c}) AS INTEGER)"

    def boolean(condition):
        return f"(CASE WHEN {condition} THEN 1 ELSE 0 END = 1)"

    inquiry = "category = 'inquiry'"
    at_once = f"{inquiry} AND callback_due_at IS NULL AND status IN ('resolved', 'closed')"
    promised = f"{inquiry} AND callback_due_at IS NOT NULL"
    kept = f"{promised} AND COALESCE(resident_informed_at, resolved_at) <= callback_due_at"
    op.execute(
        "INSERT INTO reception_month (estate_id, month, category, channel, at_once, callback,"
        " kept, after_the_fact, contacts)"
        f" SELECT estate_id, {month}, COALESCE(category, ''), COALESCE(channel, ''),"
        f" {boolean(at_once)}, {boolean(promised)}, {boolean(kept)},"
        f" {boolean('after_the_fact')}, COUNT(*)"
        " FROM ticket WHERE received_at IS NOT NULL AND status <> 'cancelled'"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
    # Whole minutes to the result, counted down to a tenth of an hour below ten hours, an
    # hour below a hundred, ten hours above (rollups.result_minutes).
    start = "CASE WHEN after_the_fact AND occurred_at IS NOT NULL THEN occurred_at ELSE received_at END"
    taken = f"({seconds('resolved_at')} - {seconds(start)})"
    minutes = f"(CASE WHEN {taken} < 0 THEN 0 ELSE {taken} / 60 END)"
    binned = "CASE WHEN m < 600 THEN m / 6 * 6 WHEN m < 6000 THEN m / 60 * 60 ELSE m / 600 * 600 END"
    op.execute(
        "INSERT INTO result_time_month (estate_id, month, span, minutes, tickets)"
        f" SELECT estate_id, month, {_span('minutes')}, minutes, COUNT(*)"
        f" FROM (SELECT estate_id, {month} AS month, {binned} AS minutes"
        f"  FROM (SELECT estate_id, received_at, {minutes} AS m FROM ticket"
        "   WHERE received_at IS NOT NULL AND resolved_at IS NOT NULL"
        "   AND status IN ('resolved', 'closed')) AS answered) AS timed"
        " GROUP BY estate_id, month, minutes"
    )
    op.execute(
        "INSERT INTO result_span_month (estate_id, month, span, tickets)"
        " SELECT estate_id, month, span, SUM(tickets) FROM result_time_month"
        " GROUP BY estate_id, month, span"
    )


def _span(minutes):
    """rollups.result_span: 0 below 6 minutes, then spans of 6–12, 12–24, 24–48 … minutes."""
    edges = " ".join(f"WHEN {minutes} < {6 << n} THEN {n}" for n in range(40))
    return f"CASE {edges} END"


def downgrade():
    op.drop_table("result_span_month")
    op.drop_table("result_time_month")
    op.drop_table("reception_month")
