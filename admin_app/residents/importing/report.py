"""The summary of an import for the command line: a dict (printed as JSON with --json) and the
same facts as text, in the chosen language."""

from __future__ import annotations

from flask_babel import gettext, ngettext
from openpyxl.utils import get_column_letter

from admin_app.residents.importing.problems import render


def describe(batch, status: str, message: str = "") -> dict:
    """Everything a script needs: counts, every invalid row with its reasons, the changes."""
    preview = batch.preview or {}
    return {
        "status": status,
        "message": message,
        "batch_id": batch.id if status == "imported" else None,
        "file": batch.filename,
        "format": batch.file_format,
        "encoding": batch.encoding,
        "delimiter": batch.delimiter,
        "estate": {"code": batch.estate.code, "name": batch.estate.name},
        "counts": {
            "total": batch.total_rows,
            "new": batch.new_count,
            "updated": batch.updated_count,
            "unchanged": batch.unchanged_count,
            "invalid": batch.invalid_count,
            "duplicates": batch.duplicate_count,
            "units": batch.units_created,
            **(
                {"units_updated": preview.get("units_updated", 0)}
                if getattr(batch, "kind", "") == "units"
                else {}
            ),
        },
        "table": preview.get("table"),
        "invalid": [
            {
                "row": p["row"],
                "unit": "-".join(part for part in p["label"][:3] if part),
                "name": p["label"][3],
                "errors": [render(error) for error in p["errors"]],
            }
            for p in batch.problems or []
        ],
        "updates": preview.get("updates", []),
        "duplicates": preview.get("duplicates", []),
    }


def as_text(summary: dict) -> str:
    lines = [
        gettext("File: %(file)s", file=summary["file"]) + _format(summary),
        gettext("Estate: %(name)s (%(code)s)", **summary["estate"]),
    ]
    labels = {
        "total": gettext("Rows"),
        "new": gettext("New"),
        "updated": gettext("Updated"),
        "unchanged": gettext("Unchanged"),
        "invalid": gettext("Invalid"),
        "duplicates": gettext("Duplicates"),
        "units": gettext("Units created")
        if summary["status"] == "imported"
        else gettext("Units to create"),
    }
    if "units_updated" in summary["counts"]:
        labels["units_updated"] = gettext("Units changed")
    lines += [f"  {label}: {summary['counts'][key]}" for key, label in labels.items()]
    if summary["invalid"]:
        lines.append(gettext("Invalid rows:"))
        for item in summary["invalid"]:
            who = " ".join(part for part in (item["unit"], item["name"]) if part)
            where = gettext("row %(row)s", row=item["row"])
            lines.append(f"  {where} {who}: {' '.join(item['errors'])}")
    if summary.get("table"):
        lines.append(table_text(summary["table"]))
    if summary["message"]:
        lines.append(summary["message"])
    return "\n".join(lines)


def _format(summary: dict) -> str:
    if summary["format"] == "csv":
        names = {
            ",": gettext("comma"),
            ";": gettext("semicolon"),
            "\t": gettext("tab"),
            "|": gettext("vertical bar"),
        }
        return f" (CSV, {summary['encoding']}, {names.get(summary['delimiter'], summary['delimiter'])})"
    return " (.xlsx)" if summary["format"] == "xlsx" else ""


def table_text(described: dict | None) -> str:
    """Which rows and columns of the file were read as the table, in a sentence."""
    if not described:
        return ""
    first, last = described["columns"]
    if described.get("format") == "xlsx":
        first, last = get_column_letter(first), get_column_letter(last)
    top, bottom = described["header_rows"]
    parts = []
    if described.get("sheet"):
        parts.append(gettext("sheet %(sheet)s", sheet=described["sheet"]))
    if top != bottom:
        parts.append(
            gettext("header on rows %(first)s–%(last)s (two rows joined)", first=top, last=bottom)
        )
    else:
        parts.append(gettext("header on row %(row)s", row=top))
    rows = described.get("rows") or [0, 0]
    if rows[0]:
        parts.append(gettext("rows %(first)s–%(last)s", first=rows[0], last=rows[1]))
    parts.append(gettext("columns %(first)s–%(last)s", first=first, last=last))
    text = gettext("Read as the table: %(parts)s.", parts=", ".join(parts))
    if described.get("notes"):
        text += " " + ngettext(
            "%(num)s row of notes beside or below the table was left out.",
            "%(num)s rows of notes beside or below the table were left out.",
            described["notes"],
        )
    return text
