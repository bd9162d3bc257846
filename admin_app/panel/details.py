"""A details page in sections: the fields a view groups, each with a title, and the empty ones
left out (an inquiry shows no empty complaint fields), so the record reads at a glance."""

from __future__ import annotations

from flask import request

from admin_app import validation


def fields_of(groups) -> tuple[str, ...]:
    """Every field of a view's sections, in order: its details list and export columns."""
    return tuple(name for _, names in groups for name in names)


class DetailsSectionsMixin:
    # (title, field names) pairs; None keeps Flask-Admin's one table of every field.
    details_groups: tuple | None = None
    # A column the view draws from another attribute (a signature image from its file id).
    details_sources: dict = {}

    def details_sections(self, model, details_columns) -> list:
        """[(title, [(field, label), …]), …] without empty fields or sections."""
        labels = dict(details_columns)
        sections = []
        for title, names in self.details_groups or ():
            rows = []
            for name in names:
                if name not in labels:
                    continue
                value = getattr(model, self.details_sources.get(name, name), None)
                if value is None or (isinstance(value, str | list) and not value):
                    continue
                rows.append((name, labels[name]))
            if rows:
                sections.append((title, rows))
        return sections


class LatestPage(list):
    """The latest entries of a list on a details page (its history, a household's documents);
    `more` says whether older ones were left out."""

    more = False


def latest_shown(argument: str, page: int, most: int) -> int:
    """How many entries of such a list the page shows: the request's ?<argument>=N, rounded up
    to whole pages of `page` and at most `most`. Each "more" link asks for one page more, so a
    page costs the same however long the list is."""
    asked = validation.record_id(request.args.get(argument, "")) or page
    pages = -(-min(asked, most) // page)
    return max(pages, 1) * page
