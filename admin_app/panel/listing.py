"""How lists find their rows fast at a million records (mixed into the base view).

- The page is found first as 25 ids on the record's own table (an index walk in the sort
  order), and only those 25 rows are then loaded with their related records: joins never
  run over the whole estate.
- The count stops at LIST_COUNT_CAP ("10000+"): never an unbounded COUNT(*).
- Search matches each column the way people search it (see SEARCH_MODES), so that
  PostgreSQL can answer from an index instead of scanning every row with ILIKE '%…%'; a
  related record's column ("resident.phone") through a subquery on that record's indexes.
- Filters appear in URLs under stable names ("status_equals"), whatever the language.
"""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import (
    Integer,
    any_,
    column,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import joinedload, selectinload

from admin_app.auth.scope import estate_ids, scoped
from admin_app.extensions import db
from admin_app.models.unit import Unit
from admin_app.panel import flask_admin_private as private
from admin_app.services import unit_reader

MAX_SEARCH_TERMS = 4
# Up to this many matches (and the count's cap), a search's page is ordered from the
# matching ids themselves, which the count has read anyway: 1,000 rows read by id and sorted
# cost PostgreSQL 2-4 ms. Beyond, by the list's own order, testing each row as it comes; that
# walk is slow only where the matches are sparse (419 of a director's 1M tickets: 64k rows
# walked, 100 ms, when this was 250), and past 1,000 matches it finds a page within ~25k rows.
FEW_MATCHES = 1000
# Up to this many related records matching a search ("resident.phone") are looked up first
# and matched by id; more, and the list is searched through a subquery.
RELATED_MATCHES = 1000
# Longer than any searched column (numbers, names, phones, codes): such a term matches
# nothing, and is not sent (SQLite refuses LIKE patterns of 50,000 bytes: it was a 500).
MAX_SEARCH_TERM_LENGTH = 200
# Up to this many estates a page is merged from one index range per estate (each range is
# read up to the page's end, so the cost grows with estates × depth).
MERGED_ESTATES = 60
# How much of a refused filter value the message repeats.
SHOWN_FILTER_VALUE = 40


class CappedCount(int):
    """A row count that stopped at the cap: prints as "10000+" and pages like the cap."""

    def __str__(self) -> str:
        return f"{int(self)}+"


def _one_of(key, ids: list[int]):
    """key IN ids; on PostgreSQL as one array (= ANY), which it plans in a fraction of the
    time of a list of a thousand values."""
    if db.engine.dialect.name == "postgresql":
        return key == any_(literal(ids, ARRAY(Integer)))
    return key.in_(ids)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix(column, term: str):
    """Names, buildings, rooms: typed from the start (张 finds 张伟, 张丽…)."""
    return column.like(_escape_like(term) + "%", escape="\\")


def contains(column, term: str):
    """Record numbers: any part (a trigram index on PostgreSQL answers this)."""
    return column.ilike("%" + _escape_like(term) + "%", escape="\\")


def code(column, term: str):
    """Record numbers (HY-T2611-0007): any part, but only for terms that can occur in one —
    a Chinese name never does, and asking anyway would stop the name search using its index."""
    if not term.isascii():
        return None
    return contains(column, term.upper())


def plate(column, term: str):
    """Plates and what the gate scanned (粤B12345, a pass number): any part of three or more
    characters, which a trigram index answers; one or two, only from the start (粤B), which a
    pattern index answers — a trigram index cannot look for fewer than three."""
    if len(term) >= 3:
        return contains(column, term.upper())
    return column.like(_escape_like(term.upper()) + "%", escape="\\")


def phone(column, term: str):
    """Phones: the first digits or the last ones (people give the last four)."""
    digits = re.sub(r"\D", "", term)
    if len(digits) < 3 or len(digits) != len(term.replace("-", "").replace(" ", "")):
        return None
    return or_(column.like(digits + "%"), func.reverse(column).like(digits[::-1] + "%"))


def unit_address(column, term: str):
    """A unit's key (`unit_id`): the unit as the office writes it ("1-1-801", "1栋1单元801",
    "801室"), as every unit lookup reads it. The units of the user's estates it names are read
    first and given as values: OR-ed as a subquery with the other columns' matches, PostgreSQL
    would use none of the list's indexes (see ListingMixin._related_match)."""
    named = unit_reader.exact_condition(term)
    if named is None:
        return None
    units = scoped(select(Unit.id).where(named), Unit, current_user)
    ids = list(db.session.execute(units.limit(RELATED_MATCHES + 1)).scalars())
    if len(ids) > RELATED_MATCHES:
        return column.in_(units)
    return column.in_(ids) if ids else None


SEARCH_MODES = {
    "prefix": prefix,
    "contains": contains,
    "code": code,
    "plate": plate,
    "phone": phone,
    "unit": unit_address,
}


class ListingMixin:
    # column name -> "prefix" | "contains" | "code" | "plate" | "phone" | "unit" (a unit_id);
    # "number" columns are "code", any other column not named here "contains"
    column_search_modes: dict[str, str] = {}

    def get_list(
        self,
        page,
        sort_column,
        sort_desc,
        search,
        filters,
        execute=True,
        page_size=None,
        with_count=True,
    ):
        joins: dict = {}
        count_joins: dict = {}
        query = self.get_query()
        count_query = self.get_count_query() if with_count else None
        if private.searchable(self) and search:
            query, count_query, joins, count_joins = self.search_query(
                query, count_query, joins, count_joins, search
            )
        if filters and private.list_filters(self):
            query, count_query, joins, count_joins = private.filtered(
                self, query, count_query, joins, count_joins, filters
            )
        few_matches = False
        if count_query is None:
            count = None
        elif private.searchable(self) and search and execute:
            count, matches = self._matching_ids(count_query)
            if matches is not None and len(matches) <= FEW_MATCHES:
                if not matches:
                    return 0, []
                # A search that matches few rows: PostgreSQL, guessing more matches than
                # there are, walked the whole list in order testing each row (82k rows, 14 ms
                # for a phone search); the page is now ordered from just those rows.
                query, joins = self.get_query().filter(_one_of(self.model.id, matches)), {}
                few_matches = True
        else:
            count = self._capped_count(count_query)
        # One range per estate, merged, for a page of the list as it is (a search matching few
        # rows is already ordered from them; a joined filter or order is left to the planner).
        estates = None
        if execute and joins == {} and page_size != 0 and not few_matches:
            estates = self.merged_estates()
        keys = self._order_keys(sort_column, sort_desc) if estates else None
        if keys and self._estate_led_index(keys):
            page_ids = self._merged_page(query, estates, keys, page, page_size)
            ids = list(db.session.execute(page_ids).scalars())
        else:
            query, joins = private.sorted_by(self, query, joins, sort_column, sort_desc)
            query = query.order_by(*self.tie_breakers(sort_column, sort_desc))
            query = private.paged(self, query, page, page_size)
            if not execute:  # the caller (export, batch) loads what it needs of the selection
                return count, query
            ids = [row[0] for row in query.with_entities(self.model.id)]
        if not ids:
            return count, []
        rows = self._with_related(self.get_query().filter(self.model.id.in_(ids))).all()
        position = {pk: i for i, pk in enumerate(ids)}
        return count, sorted(rows, key=lambda row: position[row.id])

    def merged_estates(self) -> list[int] | None:
        """The estates whose rows a page merges, one index range each: the user's, when they
        see several but not all of them (a supervisor of some estates, a regional manager).
        None for one estate (one range already), for every estate (the list's own index
        passes over nobody's rows), and for a table without an estate."""
        if "estate_id" not in self.model.__table__.c:
            return None
        ids = estate_ids(current_user)
        if ids is None or not 1 < len(ids) <= MERGED_ESTATES:
            return None
        return sorted(ids)

    def _order_keys(self, sort_column, sort_desc) -> list[tuple] | None:
        """The list's order as [(column, descending)], tie-breakers included, when every key
        is a column of the record's own table; None when the order needs a join."""
        if sort_column is None:
            default = private.default_order(self)
            if any(joins for _, joins, _ in default):
                return None
            keys = [(column, bool(descending)) for column, _, descending in default]
        else:
            column, joins = private.sort_field(self, sort_column)
            if column is None or joins or isinstance(column, list):
                return None
            keys = [(column, bool(sort_desc))]
        keys += self._tie_columns(sort_column, sort_desc)
        table = self.model.__table__
        own = all(getattr(getattr(c, "expression", None), "table", None) is table for c, _ in keys)
        return keys if own else None

    def _estate_led_index(self, keys) -> bool:
        """Whether an index leads with the estate and then the order's first key: only then
        is each estate's range one walk of an index (ties among equal keys are put in order
        as they come). Without one (residents: their indexes are kept few for the import),
        each range would walk the sort column's index passing over every other estate's
        rows — once per estate, where the plain page walks it once."""
        first, _ = keys[0]
        wanted = ["estate_id", getattr(first, "expression", first).name]
        return any(
            [indexed.name for indexed in index.columns][:2] == wanted
            for index in self.model.__table__.indexes
        )

    def _merged_page(self, query, estates, keys, page, page_size):
        """The page's ids as a merge of one index range per estate: each estate's first rows
        up to the end of the page, in the list's order (an index led by the estate, see
        models.base.estate_list_indexes), then the page among those, ordered by the keys read
        with them (the table is not visited again). Sorting by number as a supervisor of the
        last estates no longer walks every other estate's numbers first."""
        size = page_size or self.page_size
        end = ((page or 0) + 1) * size
        labelled = [column.label(f"k{i}") for i, (column, _) in enumerate(keys)]
        order = [column.desc() if desc else column for column, desc in keys]

        def estate_range(estate):
            return (
                query.filter(self.model.estate_id == estate)
                .with_entities(self.model.id.label("id"), *labelled)
                .order_by(*order)
                .limit(end)
                .subquery()
            )

        if db.session.get_bind().dialect.name == "postgresql":
            # One range per estate as a LATERAL subquery over the list of estates: planned
            # once (ten UNION ALL branches took PostgreSQL 10 ms to plan, the ranges 0.5 ms
            # to read). The estates as one array parameter, not a VALUES list: SQLAlchemy
            # caches the statement's compiled form (a VALUES list's rows are part of it).
            listed = (
                func.unnest(literal(estates, ARRAY(Integer)))
                .table_valued(column("estate_id", Integer))
                .render_derived(name="merged_estates")
            )
            ranges = estate_range(listed.c.estate_id).lateral()
            merged = select(ranges).select_from(listed).join(ranges, true()).subquery()
        else:
            merged = union_all(*(select(estate_range(e)) for e in estates)).subquery()
        merged_order = [
            merged.c[f"k{i}"].desc() if desc else merged.c[f"k{i}"]
            for i, (_, desc) in enumerate(keys)
        ]
        return select(merged.c.id).order_by(*merged_order).offset((page or 0) * size).limit(size)

    def _tie_columns(self, sort_column, sort_desc) -> list[tuple]:
        """tie_breakers as [(column, descending)]."""
        default = private.default_order(self)  # (column, joins, descending)
        if sort_column is None:  # the default order is already applied
            return [(self.model.id, bool(default and default[-1][-1]))]
        columns = []
        # The default order's first column other than the estate (constant within an estate's
        # range, and the units' default order starts with it).
        names = [getattr(column, "key", None) for column, _, _ in default]
        name = next((n for n in names if n != "estate_id"), None)
        if name != sort_column and isinstance(name, str) and hasattr(self.model, name):
            columns.append(getattr(self.model, name))
        columns.append(self.model.id)
        return [(c, bool(sort_desc)) for c in columns]

    def tie_breakers(self, sort_column, sort_desc) -> list:
        """After the chosen column: the default order's column, then the id, all in the same
        direction — deep pages never repeat or skip rows with equal keys, and one index
        (column, default column, id) serves both "sort by column" and "filter on column"."""
        return [c.desc() if d else c for c, d in self._tie_columns(sort_column, sort_desc)]

    def _with_related(self, query, names=None):
        """Load the relations shown (the list's, or those `names` an export writes) with the
        rows, never one query per row."""
        if names is None:
            joins = private.shown_relations(self)
        else:
            relations = sa_inspect(self.model).relationships
            joins = [getattr(self.model, n) for n in names if n in relations]
        for join in joins:
            # Collections by a second query: a join would multiply rows and break streaming.
            loader = selectinload if join.property.uselist else joinedload
            # Only the related record itself: its own eager relations (a technician's estates
            # and trades) are not shown in a list and cost two more queries per page.
            query = query.options(loader(join).lazyload("*"))
        return query

    def _matching_ids(self, count_query) -> tuple[int, list | None]:
        """The count of a search, and its ids when there are no more than the cap (read as
        the count would be, from the search indexes, in no particular order)."""
        cap = current_app.config["LIST_COUNT_CAP"]
        ids = [row[0] for row in count_query.order_by(None).limit(cap + 1)]
        if len(ids) > cap:
            return CappedCount(cap), None
        return len(ids), ids

    def _capped_count(self, count_query) -> int:
        cap = current_app.config["LIST_COUNT_CAP"]
        limited = count_query.order_by(None).limit(cap + 1).subquery()
        count = db.session.execute(select(func.count()).select_from(limited)).scalar_one()
        return CappedCount(cap) if count > cap else count

    def search_query(self, query, count_query, joins, count_joins, search):
        table = self.model.__table__
        for term in search.split()[:MAX_SEARCH_TERMS]:
            clauses = []
            searched = self.column_searchable_list if len(term) <= MAX_SEARCH_TERM_LENGTH else ()
            for name in searched or ():
                default = "code" if name == "number" else "contains"
                mode = SEARCH_MODES[self.column_search_modes.get(name, default)]
                if "." in name:
                    clause = self._related_match(name, mode, term)
                else:
                    clause = mode(table.c[name], term)
                if clause is not None:
                    clauses.append(clause)
            condition = or_(*clauses) if clauses else false()
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    def _related_match(self, name: str, mode, term: str):
        """ "resident.phone": rows whose resident matches, in the user's scope, found on the
        resident's own indexes (never a join over the list)."""
        relation, column = name.split(".", 1)
        prop = sa_inspect(self.model).relationships[relation]
        related = prop.mapper.class_
        clause = mode(getattr(related, column), term)
        if clause is None:
            return None
        (link,) = prop.local_columns
        matching = scoped(select(related.id).where(clause), related, current_user)
        # The related ids are read first (from the related record's own indexes) and given to
        # the list as values: as a subquery OR-ed with the other columns' matches, PostgreSQL
        # used none of the list's indexes and read all 1M tickets (3–5 s for "1599").
        ids = list(db.session.execute(matching.limit(RELATED_MATCHES + 1)).scalars())
        if len(ids) > RELATED_MATCHES:
            return getattr(self.model, link.key).in_(matching)
        return getattr(self.model, link.key).in_(ids) if ids else None

    def get_filter_arg(self, index, flt):
        """URL names from the column and the operation's English text ("status_equals"), so that
        links do not depend on the user's language (Flask-Admin uses the translated label)."""
        if getattr(flt, "url_name", None):
            return flt.url_name
        column = getattr(flt, "column", None)
        key = getattr(column, "key", None) or getattr(column, "name", None) or f"f{index}"
        operation = flt.operation()
        operation = getattr(operation, "_args", [operation])[0]
        return re.sub(r"[^a-z0-9]+", "_", f"{key} {operation}".lower()).strip("_")

    def get_invalid_value_msg(self, value, filter):
        """The refused value, cut: it is flashed, so it travels in the session cookie, and a
        long one pushed the cookie past what browsers keep (they drop it: a logout)."""
        shown = value if len(value) <= SHOWN_FILTER_VALUE else value[:SHOWN_FILTER_VALUE] + "…"
        return super().get_invalid_value_msg(shown, filter)

    def shown_filter_groups(self, translate):
        """The list's filters as the page offers them. `translate()` (Flask-Admin's) writes
        every label and option in the page's language: the same for every request in that
        language, so it is kept per language (it was a tenth of the ticket list's time).
        Filters whose options depend on the request (the user's estates) get them now; one
        reached only from a link (a unit's, by id) is offered only while in use."""
        kept_groups = self.__dict__.setdefault("_filter_groups_by_language", {})
        key = str(get_locale())  # one of the configured LANGUAGES
        if key not in kept_groups:
            kept_groups[key] = translate()
        groups = kept_groups[key]
        if groups is None:
            return None
        shown = {}
        for group, items in groups.items():
            kept = []
            for item in items:
                flt = private.list_filters(self)[item["index"]]
                if getattr(flt, "per_request_options", False):
                    options = [(str(k), str(v)) for k, v in flt.get_options(self) or ()]
                    item = {**item, "options": options}
                if item["options"] or getattr(flt, "offered_when_unused", True):
                    kept.append(item)
            if kept:
                shown[group] = kept
        return shown
