"""Every module under ``qualification/core`` stays pure: no Django, no settings, no clock.

One AST scan covers the whole folder, so a pure module added anywhere in it is checked
without anyone remembering to list it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import qualification.core

CORE = Path(qualification.core.__file__).parent
MODULES = sorted(CORE.rglob("*.py"))
# Frameworks, the project's impure layers, and ways to read the clock or the environment.
FORBIDDEN_ROOTS = {"django", "leadhub", "rest_framework", "celery", "psycopg", "time", "os"}


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError("core modules import absolutely (qualification.core...)")
            found.add(node.module or "")
    return found


def test_the_scan_finds_the_core():
    names = {p.relative_to(CORE).as_posix() for p in MODULES}
    assert {"scoring/engine.py", "sla/clock.py", "tracking/parsing.py", "outreach.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(CORE).as_posix())
def test_core_module_is_pure(path: Path):
    source = path.read_text()
    imported = _imports(ast.parse(source))
    roots = {name.split(".")[0] for name in imported}
    assert not roots & FORBIDDEN_ROOTS, f"{path.name} imports {sorted(roots & FORBIDDEN_ROOTS)}"
    project = {name for name in imported if name.split(".")[0] == "qualification"}
    outside = {name for name in project if not name.startswith("qualification.core")}
    assert not outside, f"{path.name} imports the impure layers: {sorted(outside)}"
    for clock in (".now(", ".today(", "utcnow("):
        assert clock not in source, f"{path.name} reads the clock ({clock})"
