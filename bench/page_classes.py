"""The pages the bench times, by class, each a function of the sample number: which user
opens it, our URL and plain Flask-Admin's URL for the same page (None where plain has none:
the dashboard, the statistics). Every sample changes the values (see bench/samples.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from flask_babel import force_locale

CLASSES = ("lists", "sorts", "filters", "searches", "details", "forms", "lookups", "dashboard",
           "call", "statistics")  # fmt: skip
LISTS = ("ticket", "work_order", "resident", "unit", "renovation", "vehicle_pass", "worker_pass")
CATEGORIES = ("repair", "complaint", "inquiry", "help", "suggestion")


@dataclass
class Page:
    cls: str
    view: str
    label: str
    make: Callable  # (sample number, Samples) -> (user, our url, plain url or None)


class Urls:
    """Sort indexes and filter names of one view, ours and plain's (they number differently)."""

    def __init__(self, endpoint: str, ours_app, plain_apps: dict):
        self.endpoint = endpoint
        self.ours = _describe(ours_app, endpoint)
        plain_app = next(iter(plain_apps.values()), None)
        self.plain = _describe(plain_app, endpoint) if plain_app else None

    def url(self, side: dict | None, sort=None, desc=False, filters=(), page=0, search=None):
        """filters: ((column, operation), value); None if that side cannot show the page."""
        if side is None:
            return None
        args = []
        for n, (key, value) in enumerate(filters):
            if key not in side["filters"]:
                return None
            args.append(f"flt{n}_{side['filters'][key]}={quote(value)}")
        if sort is not None:
            if sort not in side["columns"]:
                return None
            args.append(f"sort={side['columns'].index(sort)}")
            if desc:
                args.append("desc=1")
        if search:
            args.append(f"search={quote(search)}")
        if page:
            args.append(f"page={page}")
        return f"/admin/{self.endpoint}/?" + "&".join(args)

    def both(self, **kwargs) -> tuple[str, str | None]:
        return self.url(self.ours, **kwargs), self.url(self.plain, **kwargs)

    def sortable(self) -> list[str]:
        return [c for c in self.ours["columns"] if c in self.ours["sortable"]]


def _describe(app, endpoint: str) -> dict:
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    with app.test_request_context(), force_locale("en"):
        columns = [name for name, _ in view.get_list_columns()]
        filters = {}
        for i, flt in enumerate(view._filters or []):
            column = getattr(getattr(flt, "column", None), "key", None)
            operation = flt.operation()
            operation = str(getattr(operation, "_args", [operation])[0])
            filters.setdefault((column, operation), view.get_filter_arg(i, flt))
    return {"columns": columns, "sortable": set(view._sortable_columns or {}), "filters": filters}


def _between(month: tuple[str, str], plain: bool) -> str:
    return f"{month[0]} 00:00:00 to {month[1]} 23:59:59"


def build_pages(ours_app, plain_apps: dict, data) -> list[Page]:
    urls = {e: Urls(e, ours_app, plain_apps) for e in LISTS}
    pages: list[Page] = []

    def add(cls, view, label, make):
        pages.append(Page(cls, view, label, make))

    def same(url_pair_of):
        """make() for a page whose URL depends only on the sample number."""

        def make(i, d):
            return (d.user(i), *url_pair_of(i, d))

        return make

    # ---- lists: the default order, page numbers 1-40 ---------------------------------------
    for e in LISTS:
        add("lists", e, "list, pages 1-40", same(lambda i, d, u=urls[e]: u.both(page=i * 7 % 40)))
    # ---- sorts: every sortable column, both directions, pages 1-5 ----------------------------
    for e in ("ticket", "work_order", "resident", "unit"):
        for column in urls[e].sortable():
            add(
                "sorts",
                e,
                f"sort {column}, both ways, pages 1-5",
                same(lambda i, d, u=urls[e], c=column: u.both(sort=c, desc=i % 2, page=i % 5)),
            )
    # ---- filters: a month, a category, a non-default sort (the slow page) -----------
    ticket, order = urls["ticket"], urls["work_order"]

    def month_category_sort(i, d):
        month, category = d.months[i % len(d.months)], CATEGORIES[i % len(CATEGORIES)]
        sort = ("number", "status", "channel", "category")[i // 2 % 4]
        filters = ((("received_at", "between"), _between(month, False)),
                   (("category", "equals"), category))  # fmt: skip
        return d.user(i), *ticket.both(filters=filters, sort=sort, desc=i % 2, page=i % 3)

    add("filters", "ticket", "month + category + sort", month_category_sort)

    def month_only(i, d):
        month = d.months[i * 3 % len(d.months)]
        filters = ((("received_at", "between"), _between(month, False)),)
        return d.user(i), *ticket.both(filters=filters, page=i % 4)

    add("filters", "ticket", "month, pages 1-4", month_only)

    def status_sort(i, d):
        status = ("open", "in_progress", "resolved", "closed", "escalated")[i % 5]
        filters = ((("status", "equals"), status),)
        return d.user(i), *ticket.both(filters=filters, sort="number", desc=i % 2, page=i % 3)

    add("filters", "ticket", "status + sort by number", status_sort)

    def order_status(i, d):
        status = ("new", "dispatched", "in_progress", "done", "closed")[i % 5]
        filters = ((("status", "equals"), status),)
        return d.user(i), *order.both(filters=filters, sort="created_at", desc=i % 2, page=i % 3)

    add("filters", "work_order", "status + sort by created", order_status)
    # ---- searches: surnames, phones, units, rooms --------------------------------------------
    for e in ("ticket", "work_order", "resident"):
        add(
            "searches",
            e,
            "search a surname",
            same(lambda i, d, u=urls[e]: u.both(search=d.surnames[i % len(d.surnames)])),
        )
    for e in ("ticket", "resident"):
        add(
            "searches",
            e,
            "search a phone (first 7 or last 4)",
            same(lambda i, d, u=urls[e]: u.both(search=d.phones[i % len(d.phones)])),
        )
    unit = urls["unit"]

    def unit_search(i, d):
        user = d.user(i)
        building, entrance, room = d.units[user][i // 4 % len(d.units[user])]
        return user, *unit.both(search="-".join(p for p in (building, entrance, room) if p))

    def room_search(i, d):
        user = d.user(i)
        return user, *unit.both(search=d.units[user][i // 4 % len(d.units[user])][2])

    add("searches", "unit", "search a unit (3-1-601)", unit_search)
    add("searches", "unit", "search a room (601)", room_search)
    # ---- details and forms: records with long and short histories ----------------------------
    for e in ("ticket", "work_order", "resident"):
        for cls, path, label in (
            ("details", "details", "details, long and short histories"),
            ("forms", "edit", "edit form"),
        ):
            if e == "resident" and cls == "details":
                label = "details"

            def make(i, d, e=e, path=path):
                user = d.user(i)
                url = f"/admin/{e}/{path}/?id={d.record(user, e, i)}"
                return user, url, url

            add(cls, e, label, make)
    for e in ("ticket", "work_order", "resident"):
        add("forms", e, "create form", same(lambda i, d, e=e: (f"/admin/{e}/new/",) * 2))
    # ---- lookups: the forms' ajax searches ----------------------------------------------------
    for field, values in (("unit", "rooms"), ("resident", "surnames")):

        def lookup(i, d, field=field, values=values):
            user = d.user(i)
            term = (
                d.units[user][i // 4 % len(d.units[user])][2]
                if values == "rooms"
                else d.surnames[i % len(d.surnames)]
            )
            url = f"/admin/ticket/ajax/lookup/?name={field}&query={quote(term)}"
            return user, url, url

        add("lookups", "ticket", f"ajax {field} ({values})", lookup)
    # ---- the dashboard, the call page and the statistics (ours only) -------------------------
    add("dashboard", "dashboard", "dashboard", same(lambda i, d: ("/admin/", None)))

    def call(i, d):
        """The front desk finding a caller: a surname, part of a phone, a unit as said."""
        user = d.user(i)
        building, entrance, room = d.units[user][i // 3 % len(d.units[user])]
        term = (
            d.surnames[i % len(d.surnames)],
            d.phones[i % len(d.phones)],
            "-".join(p for p in (building, entrance, room) if p),
        )[i % 3]
        return user, f"/admin/ticket/call/?q={quote(term)}", None

    add("call", "ticket call", "find the caller: surname, phone, unit", call)
    periods = ["2026", "2025", "2026-Q1", "2026-Q2", "2026-Q3", *(f"2026-{m:02d}" for m in
               range(1, 12))]  # fmt: skip

    def counted(i, d):
        return d.user(i), f"/admin/statistics/?period={periods[i % len(periods)]}&fresh=1", None

    add("statistics", "statistics", "counted afresh (years, quarters, months)", counted)

    def reception(i, d):
        return d.user(i), f"/admin/statistics/reception/?period={periods[i % len(periods)]}", None

    add("statistics", "reception statistics", "years, quarters, months", reception)
    return pages
