"""Every declared dependency is imported by the product or its scripts (a declared dependency nothing imports is a defect)."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Needed at run time but never imported by name: FastAPI parses form uploads with it.
USED_WITHOUT_IMPORT = {"python-multipart": "FastAPI's File() and Form() parameters need it"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_canonical(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]) for requirement in project["dependencies"]}


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for folder in ("analyser", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def test_every_declared_dependency_is_imported() -> None:
    distributions_of = packages_distributions()
    imported = {_canonical(dist) for module in _imported_modules() for dist in distributions_of.get(module, ())}
    unused = sorted(_declared() - imported - set(USED_WITHOUT_IMPORT))
    assert not unused, f"declared in pyproject.toml but imported nowhere in analyser/ or scripts/: {unused}"


def test_the_exceptions_are_still_declared() -> None:
    assert set(USED_WITHOUT_IMPORT) <= _declared()
