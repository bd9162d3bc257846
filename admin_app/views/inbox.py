"""The in-panel inbox: each staff member's reminders, newest first, with the record linked.

Reached from the bell in the navigation bar (its unread count comes from `unread_badge`).
Marking read changes state, so it is a POST with the CSRF token, like every other change.
"""

from __future__ import annotations

from collections import defaultdict

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user

from admin_app.auth.permissions import VIEW, allowed
from admin_app.auth.views import phone_layout
from admin_app.extensions import db
from admin_app.panel.access import SecurePage
from admin_app.panel.return_links import safe_return
from admin_app.services import inbox
from admin_app.services.errors import NotFound
from admin_app.services.reminders import messages

PAGE_SIZE = 25
GIST = 40  # characters of what the record is about, on its own line under the entry


def unread_badge() -> str:
    """The navigation bar's count: "", "3" or "99+". Worked out once a request: the bar shows
    it twice (in the menu, and beside the menu's button on a phone)."""
    if "inbox_unread_badge" not in g:
        g.inbox_unread_badge = _unread_badge()
    return g.inbox_unread_badge


def _unread_badge() -> str:
    if not (current_user.is_authenticated and allowed(current_user, "inbox", VIEW)):
        return ""
    # A GET changes no notification (reading one is a POST), so the count read with the user
    # at the request's start still holds; after a POST it is counted again.
    count = getattr(current_user, "unread_at_load", None)
    if count is None or request.method not in ("GET", "HEAD"):
        count = inbox.unread_count(current_user.id)
    if count > inbox.UNREAD_CAP:
        return f"{inbox.UNREAD_CAP}+"
    return str(count) if count else ""


def entries(rows) -> list[dict]:
    """Each notification as the reader sees it: the title in their current language."""
    wanted = defaultdict(set)
    for row in rows:
        if row.reminder is not None:
            wanted[row.reminder.entity_type].add(row.reminder.entity_id)
    conn = db.session.connection()
    # The reader's own entries: named as told to him, with what each record is about.
    labels, about = {}, {}
    for kind, ids in wanted.items():
        labels[kind], about[kind] = messages.labels_and_gists(conn, kind, ids, GIST)
    items = []
    for row in rows:
        reminder = row.reminder
        if reminder is None:
            title, link, gist = row.title, row.link, ""
        else:
            record = labels[reminder.entity_type][reminder.entity_id]
            title = messages.title(
                reminder.rule, reminder.level, reminder.deadline_at, record, reminder.items
            )
            link = messages.link(reminder, current_user)
            # (A batch's entry names the batch, which has no words of its own: none.)
            gist = about[reminder.entity_type].get(reminder.entity_id, "")
        items.append({"notification": row, "title": title, "link": link, "gist": gist})
    return items


class InboxView(SecurePage):
    resource = "inbox"
    in_menu = False  # the bell in the navigation bar leads here

    @expose("/")
    def index(self):
        number = max(request.args.get("page", 0, type=int), 0)
        rows, more = inbox.page(current_user.id, number, PAGE_SIZE)
        shown = {"items": entries(rows), "page": number, "more": more}
        layout = phone_layout(current_user)
        if layout is not None:
            return render_template("phone/inbox.html", layout=layout, **shown)
        return self.render("admin/wuye/inbox.html", **shown)

    @expose("/<int:notification_id>/open", methods=("POST",))
    def open(self, notification_id: int):
        notification = self._mark(notification_id)
        items = entries([notification])
        db.session.commit()
        return redirect(safe_return(items[0]["link"], url_for(".index")))

    @expose("/<int:notification_id>/read", methods=("POST",))
    def read(self, notification_id: int):
        self._mark(notification_id)
        db.session.commit()
        return redirect(url_for(".index", page=request.form.get("page", 0, type=int)))

    @expose("/read-all", methods=("POST",))
    def read_all(self):
        count = inbox.mark_all_read(current_user)
        db.session.commit()
        flash(gettext("%(count)s notifications marked read.", count=count), "success")
        return redirect(url_for(".index"))

    def _mark(self, notification_id: int):
        try:
            return inbox.mark_read(current_user, notification_id)
        except NotFound:
            abort(404)
