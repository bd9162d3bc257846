"""A form's lookup reads only the records it offers: a choice shows the record's own name
(its str), so none of its eager relations is read — a unit's estate, a resident's unit and
its estate, a staff member's estates and trades (two more queries for every search of the
assignee box)."""

from __future__ import annotations

import re

import pytest

from admin_app.models import Role

from ..conftest import statements_run

LOOKUPS = {
    "unit": ("/admin/ticket/ajax/lookup/?name=unit&query=60", {"unit"}),
    "resident": ("/admin/ticket/ajax/lookup/?name=resident&query=%E4%BD%8F", {"resident"}),
    # (a staff member is in scope through the estates he belongs to: staff_estate)
    "staff": (
        "/admin/ticket/ajax/lookup/?name=assignee&query=%E5%91%98",
        {"staff", "staff_estate"},
    ),
}


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
def test_a_lookup_reads_only_the_records_it_offers(app, factories, login, lookup):
    url, tables = LOOKUPS[lookup]
    w = factories.two_estates()
    for i in range(6):
        unit = factories.unit(w.a, room=f"60{i}")
        factories.resident(unit, name=f"住户{i}", phone=f"1390000{i:04d}")
        factories.staff(Role.technician, estates=[w.a], name=f"维修员{i}")
    c = login(factories.staff(Role.supervisor, estates=[w.a], name="主管"))
    c.get(url)  # the first page of a login reads more
    with statements_run(app) as sent:
        response = c.get(url)
    assert response.status_code == 200
    assert len(response.get_json()) >= 6  # it found them all
    reads = [
        set(re.findall(r"(?:FROM|JOIN) (\w+)", s)) - {"anon_1"}
        for s in sent
        if s.lstrip().startswith("SELECT") and not re.match(r"\s*SELECT staff\.id, staff\.user", s)
    ]
    assert reads and all(read <= tables for read in reads), reads
