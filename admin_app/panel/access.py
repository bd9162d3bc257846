"""Who may open a page: the one access base for plain pages (not record lists), and the one
answer to someone who may not, shared with the record views."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import BaseView
from flask_login import current_user

from admin_app.auth.permissions import VIEW, allowed


def refuse():
    """Not logged in: to the login page, coming back here after. Logged in: 403."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    abort(403)


class SecurePage(BaseView):
    """A plain page (statistics, inbox, failed jobs, the import pages): open to whoever may
    view its `resource` in the permissions table; in the menu only for them."""

    resource: str = ""  # the key in auth.permissions.PERMISSIONS
    in_menu = True

    def is_accessible(self) -> bool:
        return allowed(current_user, self.resource, VIEW)

    def is_visible(self) -> bool:
        return self.in_menu and self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        return refuse()
