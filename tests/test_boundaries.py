"""The foundation does not depend on what is built on it: ``cme_tracker.core`` imports no
domain app, and no domain app imports the demo (which is left out of production)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOMAIN = {"cases", "referrals", "reports"}


def imports_in(path: Path) -> list[tuple[str, int, list[str]]]:
    """(module, level, names) of every import in a file, at the top or inside a function:
    ``import a.b`` is ("a.b", 0, []), ``from . import x`` is ("", 1, ["x"])."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level, [alias.name for alias in node.names]))
    return found


def imported(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` (migrations aside) and the top-level packages it imports."""
    return {
        str(path.relative_to(ROOT)): {module.split(".")[0] for module, level, _ in
                                      imports_in(path) if level == 0 and module}
        for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
    }  # fmt: skip


def test_the_foundation_imports_no_domain_app():
    modules = imported("cme_tracker/core")
    assert len(modules) > 20
    assert {module: roots & (DOMAIN | {"demo"}) for module, roots in modules.items()
            if roots & (DOMAIN | {"demo"})} == {}  # fmt: skip


@pytest.mark.parametrize("app", sorted(DOMAIN))
def test_no_domain_app_imports_the_demo(app):
    assert {module for module, roots in imported(app).items() if "demo" in roots} == set()


def modules_imported_within(package: str) -> dict[str, set[str]]:
    """Each top-level module of ``package`` and the package's modules it imports."""
    graph = {}
    names = {path.stem for path in (ROOT / package).glob("*.py")}
    for path in (ROOT / package).glob("*.py"):
        found = set()
        for module, level, imported_names in imports_in(path):
            if level == 1 or (level == 0 and module.split(".")[0] == package):
                inner = module.removeprefix(package).lstrip(".").split(".")[0]
                found |= {inner} if inner else set(imported_names)
        graph[path.stem] = (found & names) - {path.stem}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle in ``graph``, as the modules along it, or [] if there is none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                return path[path.index(other) :] + [other]
            if other not in state and (found := visit(other)):
                return found
        state[module] = "done"
        path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


@pytest.mark.parametrize("package", ["reports", "cases", "referrals"])
def test_no_import_circle_inside_an_app(package):
    graph = modules_imported_within(package)
    assert len(graph) > 3
    assert cycle(graph) == []


def test_the_circle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
