"""One summary of a whole bench run, read from bench/results/*.json:

- pages with p95 over target (50 ms; statistics 100 ms), and the slowest ten;
- the fair ratios per class against plain Flask-Admin (pages.json) and Django admin
  (django.json, when its bench ran);
- export, batch and import as multiples of their floors (export.json, batch.json,
  import.json), and wrk's req/s (capacity.json).

    python -m bench.summary            (python -m bench prints it at the end)
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
TARGET_MS = {"statistics": 100}


def _read(name: str):
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


def _bare(load) -> str:
    """A load average as the steps record it, some with their own "load " in front."""
    return str(load or "?").removeprefix("load ")


def _ratio(value) -> str:
    return f"{value:.1f}×" if isinstance(value, int | float) else "–"


def pages_part(pages: dict) -> list[str]:
    rows = pages.get("pages", [])
    load = pages.get("loadavg") or {}
    if isinstance(load, dict):
        load = f"{load.get('start', '?')} at the start, {load.get('end', '?')} at the end"
    lines = [f"Pages ({pages.get('samples')} samples each; load average {load}):"]
    over = [r for r in rows if r["ours"] and r["ours"]["p95"] > TARGET_MS.get(r["class"], 50)]
    lines.append(f"  over target p95 (50 ms; statistics 100 ms): {len(over)} (target 0)")
    for r in sorted(over, key=lambda r: -r["ours"]["p95"]):
        lines.append(f"    {_page(r)}")
    lines.append("  slowest ten (ours p95):")
    for r in sorted(rows, key=lambda r: -r["ours"]["p95"])[:10]:
        lines.append(f"    {_page(r)}")
    lines.append("  fair ratio per class, plain Flask-Admin p95 / ours p95 (target ≥ 2×):")
    for cls, c in pages.get("classes", {}).items():
        if c.get("ratio") is None:
            lines.append(f"    {cls:<11} ours {c['ours_p95_ms']:7.1f} ms   (no plain page)")
            continue
        lines.append(
            f"    {cls:<11} ours {c['ours_p95_ms']:7.1f} ms  plain {c['plain_p95_ms']:8.1f} ms  "
            f"{_ratio(c['ratio'])} (pages {_ratio(c['ratio_min'])}–{_ratio(c['ratio_max'])})"
        )
    return lines


def _page(r: dict) -> str:
    plain = r.get("plain")
    ratio = f"  plain {plain['p95']:.1f} ms" if plain else ""
    return (
        f"{r['view']:<12} {r['page']:<42} p95 {r['ours']['p95']:7.1f} ms{ratio}  (load {r['load']})"
    )


def django_part(django: dict) -> list[str]:
    loads = [x for x in django.get("loadavg") or [] if isinstance(x, int | float)]
    load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "?"
    lines = [f"Django admin, p95 / ours p95 (load average {load}):"]
    for cls, c in (django.get("classes") or {}).items():
        lines.append(
            f"    {cls:<11} ours {c.get('ours_p95_ms', 0):7.1f} ms  "
            f"django {c.get('django_p95_ms', 0):8.1f} ms  {_ratio(c.get('ratio'))}"
        )
    return lines


def floors_part(export, batch, imported) -> list[str]:
    lines = ["Against the floors (the same run; target export ≤ 5×, batch and import ≤ 1.5×):"]
    if export and "ours" in export and "floor" in export:
        o, f = export["ours"], export["floor"]
        lines.append(
            f"    export  {o.get('rows', 0):,} rows: ours {o['total_s']:.1f} s, \\copy "
            f"{f['total_s']:.1f} s = {_ratio(o.get('x_floor'))}  (load {_bare(o.get('load'))})"
        )
    if batch and "ratio" in batch:
        loads = sorted({r.get("load", "") for r in batch.get("rounds", [])})
        lines.append(
            f"    batch   {batch.get('orders', 0):,} dispatches: ours "
            f"{batch['ours_median_s']:.2f} s, set-based {batch['floor_median_s']:.2f} s = "
            f"{_ratio(batch['ratio'])}  (load {', '.join(loads[:1] + loads[-1:])})"
        )
    if imported:
        ratio = next(
            (imported[k] for k in ("ratio", "x_floor", "write_x_floor") if k in imported), None
        )
        lines.append(
            f"    import  {imported.get('rows', '?')} residents: {_ratio(ratio)} the indexed "
            f"INSERT … SELECT  (load {_bare(imported.get('load', imported.get('loadavg')))})"
        )
    if len(lines) == 1:
        lines.append("    (no export, batch or import results)")
    return lines


def capacity_part(capacity) -> list[str]:
    """wrk's saturated req/s per page, before and after (bench/capacity.py), with the workers'
    CPU per request and the load average of the runs."""
    lines = ["Capacity (wrk against gunicorn, req/s before → after; target ≥ 2×):"]
    for page, r in capacity.items():
        if not (isinstance(r, dict) and "before" in r and "after" in r):
            continue
        loads = [
            x
            for side in (r.get("runs") or {}).values()
            for run in side
            for x in (run.get("load") or [])[:1]
        ]
        load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "?"
        b, a = r["before"], r["after"]
        lines.append(
            f"    {page:<15} {b['rps']:6.1f} → {a['rps']:6.1f}  {_ratio(r.get('ratio'))}  "
            f"CPU {b.get('cpu_ms_per_request', 0):.0f} → {a.get('cpu_ms_per_request', 0):.0f} "
            f"ms/request  (load {load})"
        )
    return lines


def summary() -> str:
    lines = ["=== bench: one summary (bench/results/*.json) ==="]
    pages = _read("pages")
    if isinstance(pages, dict) and "classes" in pages:
        lines += pages_part(pages)
    else:
        lines.append("Pages: no pages.json from this bench (run python -m bench.pages)")
    django = _read("django")
    if django:
        lines += django_part(django)
    lines += floors_part(_read("export"), _read("batch"), _read("import"))
    capacity = _read("capacity")
    if capacity:
        lines += capacity_part(capacity)
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary())
