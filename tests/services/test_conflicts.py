"""Background steps that lose a race to another writer start over (services/conflicts)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from admin_app.services.conflicts import is_write_conflict, retrying_conflicts


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


def _refused(message: str, sqlstate: str | None = None) -> OperationalError:
    return OperationalError("UPDATE …", {}, _DriverError(message, sqlstate))


SERIALIZATION = _refused("could not serialize access", "40001")
DEADLOCK = _refused("deadlock detected", "40P01")
LOCKED = _refused("database is locked")
GONE = _refused("server closed the connection unexpectedly", "08006")


@pytest.mark.parametrize(
    ("error", "conflict"),
    [(SERIALIZATION, True), (DEADLOCK, True), (LOCKED, True), (GONE, False)],
)
def test_which_refusals_are_two_writers_at_once(error, conflict):
    assert is_write_conflict(error) is conflict


def _step(*outcomes):
    """A step that raises or returns each outcome in turn, counting its runs."""
    runs = []

    def step():
        runs.append(1)
        outcome = outcomes[len(runs) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return step, runs


def test_a_step_that_lost_a_race_runs_again_on_the_data_as_it_now_is(in_app):
    step, runs = _step(SERIALIZATION, LOCKED, "imported")
    with in_app():
        assert retrying_conflicts(step) == "imported"
    assert len(runs) == 3


def test_a_step_that_keeps_losing_gives_up_with_the_databases_refusal(in_app):
    step, runs = _step(DEADLOCK, DEADLOCK, DEADLOCK, "never reached")
    with in_app(), pytest.raises(OperationalError, match="deadlock"):
        retrying_conflicts(step)
    assert len(runs) == 3


def test_any_other_failure_is_not_retried(in_app):
    step, runs = _step(GONE, "never reached")
    with in_app(), pytest.raises(OperationalError, match="closed the connection"):
        retrying_conflicts(step)
    assert len(runs) == 1
