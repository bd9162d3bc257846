"""Every message the panel flashes is translated: flash() and the refusals it passes on
(ServiceError) are given a gettext'd text, never a bare or formatted English string."""

from __future__ import annotations

import ast
from pathlib import Path

import admin_app

PACKAGE = Path(admin_app.__file__).parent
# Calls whose first argument a person reads.
SAID = {"flash", "ServiceError"}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _untranslated(node: ast.AST) -> bool:
    """Text put together here in English: a string, an f-string, a sum or a .format() of one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) or _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _untranslated(node.func.value)
    return False


def untranslated_messages() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            said = isinstance(node, ast.Call) and _name(node) in SAID and node.args
            if said and _untranslated(node.args[0]):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_every_flashed_message_is_translated():
    assert untranslated_messages() == []


def test_the_check_finds_an_english_flash():
    tree = ast.parse('flash(f"{record}: saved", "success")\nflash(gettext("Saved."))')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n) == "flash"]
    assert [_untranslated(c.args[0]) for c in calls] == [True, False]
