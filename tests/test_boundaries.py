"""The foundation does not depend on what is built on it: ``cme_tracker.core`` imports no
domain app, and no domain app imports the demo (which is left out of production)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOMAIN = {"cases", "referrals", "reports"}


def imported(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` (migrations aside) and the top-level packages it imports,
    at the top or inside a function."""
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        roots = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = roots
    return found


def test_the_foundation_imports_no_domain_app():
    modules = imported("cme_tracker/core")
    assert len(modules) > 20
    assert {module: roots & (DOMAIN | {"demo"}) for module, roots in modules.items()
            if roots & (DOMAIN | {"demo"})} == {}  # fmt: skip


@pytest.mark.parametrize("app", sorted(DOMAIN))
def test_no_domain_app_imports_the_demo(app):
    assert {module for module, roots in imported(app).items() if "demo" in roots} == set()
