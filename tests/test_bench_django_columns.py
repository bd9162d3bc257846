"""The Django admin baseline of the bench reads our tables' real columns (it needs no Django:
the models are read as source)."""

from bench.django_columns import django_tables, mismatches

EXPECTED_TABLES = {"estate", "staff", "unit", "resident", "ticket", "work_order", "staff_estate"}


def test_the_django_models_name_every_column_of_our_tables_and_no_other():
    assert set(django_tables()) == EXPECTED_TABLES
    assert mismatches() == []


def test_a_renamed_or_missing_column_is_reported():
    source = (
        "class Unit(models.Model):\n"
        "    id = models.AutoField(primary_key=True)\n"
        "    building = models.CharField(db_column='bilding', max_length=32)\n"
        "    estate = link('Estate', 'estate_id')\n"
        "    class Meta(Unmanaged):\n"
        "        db_table = 'unit'\n"
    )
    problems = mismatches(source)
    assert "unit.bilding: in the Django model, not a column of ours" in problems
    assert "unit.building: ours, missing from the Django model" in problems
    assert "unit.room: ours, missing from the Django model" in problems
