"""Checks the layers of admin_app from its imports (every import, at the top of a module or
inside a function): no module imports another in a circle, and no verb, job, model or service
reaches a screen. Run it as `python tools/import_graph.py`; tests/test_layers.py runs it too.

Dependencies run one way: screens (views, forms, actions, the phone pages, the panel's
machinery) -> verbs (operations) -> services -> auth -> models -> extensions.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "admin_app"

# Screens: what a person sees and the machinery that draws it.
SCREEN = re.compile(
    r"admin_app\.(admin|views(\..*)?|auth\.views|panel(\..*)?"
    r"|\w+\.(views|forms|actions|technician|gate_page|gate_checks|import_views|import_log))$"
)
# The action engine and the batch runner live in the panel but are no screens: jobs run them.
NOT_SCREEN = re.compile(r"admin_app\.panel\.actions\.(core|batches)$")
# Verbs, jobs, models and services: never a screen, not even through another module.
BELOW_SCREENS = re.compile(
    r"admin_app\.(models|services|jobs)(\..*)?$"
    r"|admin_app\.(cron|redis|clock|validation|sensitive|extensions|config)$"
    r"|admin_app\.\w+\.(operations|complaints|gate|jobs)$"
    r"|admin_app\.residents\.importing(\..*)?$"
    r"|admin_app\.auth\.(permissions|scope)$"
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the admin_app modules it imports ("from admin_app.x import y" names module
    admin_app.x.y when that is a module, else admin_app.x)."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph = {}
    for name, path in paths.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("admin_app"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in paths else node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("admin_app")}
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def is_screen(name: str) -> bool:
    return bool(SCREEN.match(name)) and not NOT_SCREEN.match(name)


def screens_reached(graph: dict[str, set[str]]) -> list[str]:
    """Each verb, job, model or service that reaches a screen, with the path it takes."""
    found = []
    for start in sorted(n for n in graph if BELOW_SCREENS.match(n)):
        seen, paths = {start}, [[start]]
        while paths:
            path = paths.pop()
            for target in sorted(graph[path[-1]] - seen):
                seen.add(target)
                if is_screen(target):
                    found.append(" -> ".join([*path, target]))
                else:
                    paths.append([*path, target])
    return found


def main() -> int:
    graph = import_graph()
    problems = [" <-> ".join(c) for c in cycles(graph)] + screens_reached(graph)
    for problem in problems:
        print(problem)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports: ", end="")
    print(f"{len(problems)} problems" if problems else "no circle, no screen below the screens")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
