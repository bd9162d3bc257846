"""Flask-Admin's private members: each one the panel relies on still exists in the installed
Flask-Admin with the shape the adapter expects, and no other module touches any of them."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from flask_admin import Admin, AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.menu import MenuLink

from admin_app.panel import flask_admin_private as private
from admin_app.panel.base import SecureModelView

PACKAGE = Path(private.__file__).resolve().parents[1]
ADAPTER = Path(private.__file__).resolve()


@pytest.mark.parametrize(
    ("owner", "name", "parameters"), private.METHODS, ids=[m for _, m, _ in private.METHODS]
)
def test_each_private_method_the_adapter_uses_is_still_there_with_its_parameters(
    owner, name, parameters
):
    member = getattr(owner, name, None)
    assert callable(member), f"Flask-Admin's {owner.__name__}.{name} is gone: see {ADAPTER.name}"
    found = tuple(inspect.signature(member).parameters)
    if not isinstance(inspect.getattr_static(owner, name), staticmethod | classmethod):
        found = found[1:]  # after self (a class method's signature has no cls already)
    assert found == parameters, (
        f"Flask-Admin's {owner.__name__}.{name} now takes {found}: see {ADAPTER.name}"
    )


def test_each_private_attribute_the_adapter_reads_is_set_on_every_record_view(app):
    admin = app.extensions["admin"][0]
    views = [v for v in admin._views if isinstance(v, SecureModelView)]
    assert len(views) > 10
    for view in views:
        missing = [a for a in private.INSTANCE_ATTRIBUTES if not hasattr(view, a)]
        assert not missing, f"{view.endpoint} has no {missing}: see {ADAPTER.name}"


def flask_admin_private_names() -> set[str]:
    names = set()
    for cls in (ModelView, AdminModelConverter, FilterConverter, BaseView, AdminIndexView, Admin):
        for klass in cls.__mro__:
            if klass.__module__.startswith("flask_admin"):
                names |= {n for n in vars(klass) if n.startswith("_") and not n.startswith("__")}
    names |= {n for n in vars(MenuLink) if n.startswith("_") and not n.startswith("__")}
    return names


def test_no_module_but_the_adapter_touches_a_private_flask_admin_member():
    names = flask_admin_private_names() | set(private.INSTANCE_ATTRIBUTES)
    assert {m for _, m, _ in private.METHODS} <= names
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == ADAPTER or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in names:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.FunctionDef) and node.name in names:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} def {node.name}")
    assert not found, found


@pytest.mark.parametrize("module", private.RETURN_TARGET_USERS, ids=lambda m: m.__name__)
def test_flask_admins_views_read_their_return_address_through_the_panels_check(module):
    """An upgrade that reads `url=` another way would bring back Flask-Admin's looser check."""
    from admin_app.panel.return_links import return_target

    assert module.get_redirect_target is return_target
    assert "get_redirect_target()" in inspect.getsource(module), f"see {ADAPTER.name}"
