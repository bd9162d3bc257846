"""The home page: today's queue for the user's estates, each a link to the filtered list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from ..auth.permissions import VIEW, allowed
from ..auth.scope import scoped
from ..extensions import db
from ..services import queues

SHOWN = 5
COUNT_CAP = 999


@dataclass
class QueueCard:
    queue: queues.Queue
    count: int
    capped: bool
    items: list
    list_url: str


class HomeView(AdminIndexView):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        return self.render("admin/wuye/home.html", estates=current_user.estates, cards=self.cards())

    def cards(self) -> list[QueueCard]:
        now = clock.now()
        cards = []
        for queue in queues.QUEUES:
            if not allowed(current_user, queue.resource, VIEW):
                continue
            base = scoped(db.session.query(queue.model), queue.model, current_user)
            base = base.filter(queue.clause(now))
            limited = base.with_entities(queue.model.id).limit(COUNT_CAP + 1).subquery()
            count = db.session.execute(select(func.count()).select_from(limited)).scalar_one()
            items = (
                base.order_by(*queue.order_by(), queue.model.id).limit(SHOWN).all() if count else []
            )
            cards.append(
                QueueCard(
                    queue=queue,
                    count=min(count, COUNT_CAP),
                    capped=count > COUNT_CAP,
                    items=items,
                    list_url=url_for(f"{queue.resource}.index_view", flt0_queue=queue.name),
                )
            )
        return cards
