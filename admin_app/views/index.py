"""The home page: today's work lists for the user's estates, each a link to the filtered list;
a card lists the first SHOWN of what it counts and says how many more there are."""

from __future__ import annotations

from dataclasses import dataclass

from flask import redirect, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from admin_app import clock
from admin_app.auth.permissions import VIEW, allowed
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
        shown = [q for q in worklists.WORKLISTS if allowed(current_user, q.resource, VIEW)]
        bases = [
            scoped(db.session.query(q.model), q.model, current_user).filter(q.clause(now))
            for q in shown
        ]
        counts = self._counts(
            [b.with_entities(q.model.id) for q, b in zip(shown, bases, strict=True)]
        )
        cards = []
        for worklist, base, count in zip(shown, bases, counts, strict=True):
            items = (
                base.order_by(*worklist.order_by(), worklist.model.id).limit(SHOWN).all()
                if count
                else []
            )
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
    def _counts(id_queries) -> list[int]:
        """Every work list's count (up to the cap) in one statement: one round trip, not one each."""
        if not id_queries:
            return []
        counts = [
            select(func.count()).select_from(ids.limit(COUNT_CAP + 1).subquery()).scalar_subquery()
            for ids in id_queries
        ]
        return list(db.session.execute(select(*counts)).one())
