"""Do the Django bench models (bench/django_admin/models.py) still name our tables' columns?

    python -m bench.django_columns

Reads the Django models' source (no Django needed: it runs wherever our models import) and
compares each model's db_table and db_column values with our SQLAlchemy tables. Exits 1 and
names every difference; tests/test_bench_django_columns.py runs it in the suite.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODELS = Path(__file__).parent / "django_admin" / "models.py"


def django_tables(source: str | None = None) -> dict[str, set[str]]:
    """{db_table: the columns the Django model reads} from the models' source."""
    tree = ast.parse(source if source is not None else MODELS.read_text())
    tables = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        table, columns = None, set()
        for item in ast.walk(node):
            if isinstance(item, ast.Assign) and [getattr(t, "id", None) for t in item.targets] == [
                "db_table"
            ]:
                table = ast.literal_eval(item.value)
            if isinstance(item, ast.Call):
                columns |= _columns_of(item)
            if (
                isinstance(item, ast.Assign)
                and isinstance(item.value, ast.Call)
                and getattr(item.value.func, "attr", None) == "AutoField"
            ):
                columns.add(item.targets[0].id)
        if table:
            tables[table] = columns
    return tables


def _columns_of(call: ast.Call) -> set[str]:
    """db_column="x" keywords, and link("Model", "x_id") calls' column argument."""
    found = {
        ast.literal_eval(k.value)
        for k in call.keywords
        if k.arg == "db_column" and isinstance(k.value, ast.Constant)
    }
    if getattr(call.func, "id", None) == "link" and len(call.args) >= 2:
        found.add(ast.literal_eval(call.args[1]))
    return found


def mismatches(source: str | None = None) -> list[str]:
    from admin_app.extensions import db
    from admin_app.models import Ticket  # noqa: F401  (loads every table into the metadata)

    problems = []
    for table, columns in sorted(django_tables(source).items()):
        ours = db.metadata.tables.get(table)
        if ours is None:
            problems.append(f"{table}: no such table of ours")
            continue
        theirs = {c.name for c in ours.columns}
        for name in sorted(theirs - columns):
            problems.append(f"{table}.{name}: ours, missing from the Django model")
        for name in sorted(columns - theirs):
            problems.append(f"{table}.{name}: in the Django model, not a column of ours")
    return problems


def main() -> None:
    problems = mismatches()
    for problem in problems:
        print(problem)
    tables = django_tables()
    print(f"{len(tables)} tables, {sum(map(len, tables.values()))} columns checked")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
