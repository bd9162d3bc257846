"""The house's layers, read from its imports (tools/import_graph.py): no circle, and no verb,
job, model or service that reaches a screen."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools" / "import_graph.py")
import_graph = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_graph)


def test_no_module_of_admin_app_imports_another_in_a_circle():
    assert import_graph.cycles(import_graph.import_graph()) == []


def test_no_verb_job_model_or_service_reaches_a_screen():
    assert import_graph.screens_reached(import_graph.import_graph()) == []


def test_the_check_sees_a_circle_and_a_verb_that_reaches_a_screen():
    graph = {
        "admin_app.tickets.operations": {"admin_app.services.history"},
        "admin_app.services.history": {"admin_app.panel.labels"},
        "admin_app.panel.labels": {"admin_app.tickets.operations"},
        "admin_app.work_orders.operations": {"admin_app.panel.actions.core"},
        "admin_app.panel.actions.core": set(),
    }
    assert import_graph.cycles(graph) == [
        ["admin_app.panel.labels", "admin_app.services.history", "admin_app.tickets.operations"]
    ]
    assert import_graph.screens_reached(graph) == [
        "admin_app.services.history -> admin_app.panel.labels",
        "admin_app.tickets.operations -> admin_app.services.history -> admin_app.panel.labels",
    ]


def test_the_command_says_so_and_exits_zero():
    result = subprocess.run(  # noqa: S603 - this interpreter, our script
        [sys.executable, str(ROOT / "tools" / "import_graph.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "no circle, no screen below the screens" in result.stdout


def test_a_plain_rq_worker_knows_how_to_build_the_app_without_importing_the_package_root():
    # The job wrapper builds the app from the factory the package registered on import.
    code = (
        "import admin_app.jobs.reminders\n"
        "from admin_app import create_app\n"
        "from admin_app.jobs import queue\n"
        "assert queue._app_factory is create_app\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)  # noqa: S603
