"""A details page in sections: the fields a view groups, each with a title, and the empty ones
left out (an inquiry shows no empty complaint fields), so the record reads at a glance."""

from __future__ import annotations


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
