"""The reception statistics as tables (title, header, rows): the page's export and the monthly
report's XLSX attachment share them."""

from __future__ import annotations

from flask_babel import gettext


def percent(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def hours(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _figures(row: dict) -> list:
    return [
        row["contacts"],
        row["inquiries"],
        row["at_once"],
        row["by_callback"],
        row["callbacks_kept"],
        percent(row["kept_rate"]),
        row["after_the_fact"],
        hours(row["median_hours"]),
    ]


def _figure_header() -> list[str]:
    return [
        gettext("Contacts"),
        gettext("Inquiries"),
        gettext("Answered at once"),
        gettext("Answered by callback"),
        gettext("Callbacks kept on time"),
        gettext("Callbacks on-time rate"),
        gettext("Recorded after handling"),
        gettext("Median hours to a result"),
    ]


def sheets(report: dict, estate_names: dict) -> list[tuple[str, list, list]]:
    by_category = (
        gettext("By category and channel"),
        [gettext("Category"), *[str(c.label) for c in report["channels"]], gettext("Total")],
        [[str(r["category"].label), *r["channels"], r["total"]] for r in report["by_category"]],
    )
    per_month = (
        gettext("Per estate and month"),
        [gettext("Month"), gettext("Estate"), *_figure_header()],
        [
            [r["month"], estate_names.get(r["estate_id"], ""), *_figures(r)]
            for r in report["per_month"]
        ],
    )
    quarters = (
        gettext("Quarterly comparison"),
        [gettext("Quarter"), *_figure_header()],
        [[q["quarter"], *_figures(q)] for q in report["quarters"]],
    )
    return [by_category, per_month, quarters]
