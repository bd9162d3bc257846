"""The home page: today's work lists for the user's estates, each a link to the filtered list;
a card lists the first SHOWN of what it counts and says how many more there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import redirect, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, literal, select, union_all

from admin_app import clock
from admin_app.auth.permissions import VIEW, allowed, may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.services import worklists

SHOWN = 5
COUNT_CAP = 999


@dataclass
class WorklistCard:
    worklist: worklists.Worklist
    count: int
    capped: bool
    items: list
    list_url: str

    @property
    def urgent(self) -> bool:
        """Red when it counts something: always for an urgent list, else when its first record
        (the most pressing, in its order) is pressing."""
        if not self.count:
            return False
        pressing = self.worklist.urgent_if
        return self.worklist.urgent or bool(pressing and self.items and pressing(self.items[0]))

    @property
    def more(self) -> int:
        """How many it counts beyond those it lists (at least: a capped count says "+")."""
        return max(self.count - len(self.items), 0)


class HomeView(AdminIndexView):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        # No `next`: the dashboard is only the default start, and naming it would send a guard
        # or a technician there instead of to his own page (auth.views.home_for).
        return redirect(url_for("auth.login"))

    @expose("/")
    def index(self):
        return self.render("admin/wuye/home.html", estates=current_user.estates, cards=self.cards())

    def cards(self) -> list[WorklistCard]:
        now = clock.now()
        shown = [
            q
            for q in worklists.WORKLISTS
            if q.on_dashboard
            and allowed(current_user, q.resource, VIEW)
            and (q.needs is None or may(current_user, q.needs))
            and (q.concerns is None or q.concerns(current_user))
        ]
        bases = [
            scoped(db.session.query(q.model), q.model, current_user).filter(
                q.clause_for(current_user, now)
            )
            for q in shown
        ]
        counts = self._counts(
            [b.with_entities(q.model.id) for q, b in zip(shown, bases, strict=True)]
        )
        firsts = self._first_items(
            [
                (q, base) if count else None
                for q, base, count in zip(shown, bases, counts, strict=True)
            ]
        )
        cards = []
        for worklist, count, items in zip(shown, counts, firsts, strict=True):
            cards.append(
                WorklistCard(
                    worklist=worklist,
                    count=min(count, COUNT_CAP),
                    capped=count > COUNT_CAP,
                    items=items,
                    list_url=url_for(f"{worklist.resource}.index_view", flt0_queue=worklist.name),
                )
            )
        return cards

    @staticmethod
    def _first_items(lists) -> list[list]:
        """Each card's first SHOWN records, in its order ([] for a card that counted none): the
        ids of every card in one statement, then the records of each kind in one query, not
        one query per card."""
        found: list[list] = [[] for _ in lists]
        branches = []
        for card, entry in enumerate(lists):
            if entry is None:
                continue
            worklist, base = entry
            order = (*worklist.order_by(), worklist.model.id)
            first = (
                base.with_entities(
                    worklist.model.id.label("id"),
                    func.row_number().over(order_by=order).label("place"),
                )
                .order_by(*order)
                .limit(SHOWN)
                .subquery()
            )
            branches.append(select(literal(card).label("card"), first.c.id, first.c.place))
        if not branches:
            return found
        everything = union_all(*branches).subquery()
        ids_by_card: dict[int, list[int]] = defaultdict(list)
        for card, record_id in db.session.execute(
            select(everything.c.card, everything.c.id).order_by(
                everything.c.card, everything.c.place
            )
        ):
            ids_by_card[card].append(record_id)
        wanted: dict = defaultdict(set)
        for card, ids in ids_by_card.items():
            wanted[lists[card][0].model].update(ids)
        loaded = {
            (model, record.id): record
            for model, ids in wanted.items()
            for record in db.session.query(model).filter(model.id.in_(ids))
        }
        for card, ids in ids_by_card.items():
            found[card] = [loaded[lists[card][0].model, i] for i in ids]
        return found

    @staticmethod
    def _counts(id_queries) -> list[int]:
        """Every work list's count (up to the cap) in one statement: one round trip, not one each."""
        if not id_queries:
            return []
        counts = [
            select(func.count()).select_from(ids.limit(COUNT_CAP + 1).subquery()).scalar_subquery()
            for ids in id_queries
        ]
        return list(db.session.execute(select(*counts)).one())
