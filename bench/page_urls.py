"""URLs of every page of a model view, ours and plain Flask-Admin's (bench.load reads them)."""

from __future__ import annotations


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def page_urls(view, app, sample_ids: dict, plain_view=None) -> list[tuple[str, str, str | None]]:
    """(label, url, plain url) for every page of one model view; the plain url is None where
    plain Flask-Admin has no such page (our estate and queue filters, our ajax lookups)."""
    base = f"/admin/{view.endpoint}"
    urls = [("list", f"{base}/"), ("list page 200", f"{base}/?page=200")]
    plain_urls = {}
    with app.test_request_context():
        for i, flt in enumerate(view._filters or []):
            value = filter_value(flt, view)
            if value is not None:
                label = f"filter {view.get_filter_arg(i, flt)}"
                urls.append((label, f"{base}/?flt0_{view.get_filter_arg(i, flt)}={value}"))
                plain_urls[label] = plain_filter_url(plain_view, flt, value)
        for index, (name, _) in enumerate(view._list_columns):
            if name in (view._sortable_columns or {}):
                urls.append((f"sort {name}", f"{base}/?sort={index}"))
    if view.column_searchable_list:
        urls.append(("search 张", f"{base}/?search=张"))
        urls.append(("search phone 1380", f"{base}/?search=1380"))
    record = sample_ids.get(view.model.__tablename__)
    if record:
        urls.append(("details", f"{base}/details/?id={record}"))
        urls.append(("edit form", f"{base}/edit/?id={record}"))
    urls.append(("create form", f"{base}/new/"))
    for name in view.form_ajax_refs or {}:
        urls.append((f"ajax {name}", f"{base}/ajax/lookup/?name={name}&query=1"))
    return [
        (label, url, None if label.startswith("ajax") else plain_urls.get(label, url))
        for label, url in urls
    ]


def filter_key(flt) -> tuple:
    """A filter's column and operation in English, the same for ours and plain's."""
    operation = flt.operation()
    column = getattr(flt, "column", None)
    return (getattr(column, "key", None), str(getattr(operation, "_args", [operation])[0]))


def plain_filter_url(plain_view, flt, value) -> str | None:
    for i, theirs in enumerate(getattr(plain_view, "_filters", None) or []):
        if filter_key(theirs) == filter_key(flt):
            return (
                f"/admin/{plain_view.endpoint}/?flt0_{plain_view.get_filter_arg(i, theirs)}={value}"
            )
    return None


def filter_value(flt, view):
    operation = str(getattr(flt.operation(), "_args", [flt.operation()])[0])
    if operation not in ("equals", "is"):
        return None
    options = flt.get_options(view)
    if options:
        return options[0][0]
    if "bool" in type(flt).__name__.lower():
        return "1"
    return None
