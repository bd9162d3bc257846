"""The whole bench in one command: the dataset, then every measurement, each in its own process.

    .venv/bin/python -m bench [--database bench_wuye] [--skip generate,export,…] [--quick]

In order: generate (the 1M-ticket dataset, or the trail an older one lacks), pages (every
page, ours and plain Flask-Admin side by side), export (first byte and peak memory), batch
(a filter-wide dispatch of 10,000 work orders), import (100,000 residents, scratch database),
sweep (the reminder sweep at 1M tickets, scratch database). Each writes its results to
bench/results/; a step that fails is reported and the others still run. --quick times each
page 5 times instead of 50 (a look, not a record). It ends with one summary of
bench/results/*.json (bench/summary.py). The load
test (bench.load, gunicorn and simulated users) is separate: it needs the bench extra.
capacity (wrk against gunicorn, the four busiest pages, before and after) needs Debian's wrk
(apt-get install -y wrk; the step installs it when run as root).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def steps(database: str, quick: bool) -> dict[str, list[str]]:
    python = sys.executable
    pages = ["--samples", "5"] if quick else []
    return {
        "generate": [python, "-m", "bench.generate", "--database", database],
        "pages": [python, "-m", "bench.pages", "--database", database, *pages],
        "export": [python, "-m", "bench.export", "--database", database],
        "batch": [python, "-m", "bench.batch", "--database", database],
        "import": [python, str(HERE / "import_residents.py")],
        "sweep": [python, str(HERE / "reminder_sweep.py")],
        "django": django_step(python, database, quick),
        "capacity": [python, "-m", "bench.capacity", "--database", database]
        + (["--rounds", "1", "--duration", "8"] if quick else []),
    }


def django_step(python: str, database: str, quick: bool) -> list[str] | None:
    """Our pages against Django admin over the same tables; None (skipped, said so) without
    Django, which comes with the bench extra."""
    import importlib.util

    if importlib.util.find_spec("django") is None:
        return None
    samples = ["--samples", "10"] if quick else []
    return [python, "-m", "bench.django_pages", "--database", database, *samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--skip", default="", help="steps to leave out, e.g. import,sweep")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    skipped = {s for s in args.skip.split(",") if s}
    outcomes = {}
    for name, command in steps(args.database, args.quick).items():
        if name in skipped:
            continue
        if command is None:
            print(f"\n=== bench: {name} SKIPPED: not installed (pip install -e '.[bench]') ===")
            continue
        print(f"\n=== bench: {name} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command, cwd=HERE.parent)
        outcomes[name] = (code, time.perf_counter() - started)
    print("\n=== bench: summary (results in bench/results/) ===")
    for name, (code, seconds) in outcomes.items():
        print(f"  {name:<9} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:7.0f} s")
    from .summary import summary

    print("\n" + summary(), flush=True)
    sys.exit(1 if any(code for code, _ in outcomes.values()) else 0)


if __name__ == "__main__":
    main()
