"""The bench's one summary reads every result file a run leaves and says what a reader needs:
the pages over target, the fair ratios against plain Flask-Admin and Django admin, and the
exports, batches and imports as multiples of their floors."""

from __future__ import annotations

import json

from bench import summary


def _page(cls, view, page, ours, plain=None):
    return {
        "class": cls,
        "view": view,
        "page": page,
        "ours": {"p50": ours / 2, "p95": ours},
        "plain": {"p50": plain / 2, "p95": plain} if plain else None,
        "load": "3.1-3.4",
    }


def test_one_summary_of_every_result(tmp_path, monkeypatch):
    monkeypatch.setattr(summary, "RESULTS", tmp_path)
    pages = [
        _page("searches", "ticket", "search a surname", 62.0, 310.0),
        _page("lists", "ticket", "list, pages 1-40", 30.0, 45.0),
        _page("statistics", "statistics", "counted afresh", 90.0),
    ]
    classes = {
        "searches": {"ours_p95_ms": 62.0, "plain_p95_ms": 310.0, "ratio": 5.0,
                     "ratio_min": 5.0, "ratio_max": 5.0},
        "lists": {"ours_p95_ms": 30.0, "plain_p95_ms": 45.0, "ratio": 1.5,
                  "ratio_min": 1.5, "ratio_max": 1.5},
        "statistics": {"ours_p95_ms": 90.0, "plain_p95_ms": None, "ratio": None},
    }  # fmt: skip
    files = {
        "pages": {"samples": 50, "loadavg": {}, "classes": classes, "pages": pages},
        "django": {
            "classes": {"lists": {"ours_p95_ms": 30, "django_p95_ms": 66, "ratio": 2.2}},
            "loadavg": "2.0",
        },  # fmt: skip
        "export": {
            "floor": {"total_s": 5.0, "rows": 10},
            "ours": {"total_s": 15.0, "rows": 10, "x_floor": 3.0, "load": "4.0"},
        },  # fmt: skip
        "batch": {"orders": 10000, "ours_median_s": 3.0, "floor_median_s": 2.0, "ratio": 1.5},
    }
    for name, content in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(content))

    text = summary.summary()

    assert "over target p95 (50 ms; statistics 100 ms): 1 (target 0)" in text
    assert "search a surname" in text.split("slowest ten")[0]  # the one page over target
    assert "searches    ours    62.0 ms  plain    310.0 ms  5.0×" in text
    assert "django     66.0 ms  2.2×" in text
    assert "3.0×" in text and "1.5×" in text  # export and batch against their floors


def test_a_run_without_results_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(summary, "RESULTS", tmp_path)
    text = summary.summary()
    assert "no pages.json" in text
    assert "no export, batch or import results" in text
