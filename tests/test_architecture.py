"""The shape of the house (issue 11): no import cycle, lower stages never import higher ones, small modules.

Imports are read from the source (every ``import``/``from`` anywhere in a module, lazy and TYPE_CHECKING
ones included), so a cycle hidden inside a function still counts.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "analyser"
LOWER = ("analyser.extract", "analyser.segment", "analyser.wordcount")
HIGHER = ("analyser.match", "analyser.render", "analyser.batch", "analyser.serve", "analyser.workspace", "analyser.cli")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if state.get(other) == "open":
                found.append(stack[stack.index(other):] + [other])
            elif other not in state:
                visit(other, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    return found


def test_no_import_cycle() -> None:
    edges = _imports(_modules())
    # A package's __init__ importing its own submodules is how it re-exports them, not a cycle of concepts.
    pruned = {a: {b for b in bs if not (b.startswith(a + ".") or a.startswith(b + ".") and _is_init(b))} for a, bs in edges.items()}
    assert _cycles(pruned) == []


def _is_init(name: str) -> bool:
    return (_modules()[name].name == "__init__.py")


def test_lower_stages_never_import_higher_ones() -> None:
    edges = _imports(_modules())
    wrong = sorted((a, b) for a, bs in edges.items() if a.startswith(LOWER) for b in bs if b.startswith(HIGHER))
    assert wrong == []


def test_no_html_built_in_python_strings() -> None:
    """Pages come from template files: no markup tags in the package's Python string literals."""
    tags = ("<html", "<body", "<div", "<p>", "<table", "<section", "<article", "<ul>", "<li>", "<h1", "<h2", "<a href")
    found = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(tag in node.value for tag in tags):
                found.append(f"{name}:{node.lineno}")
    assert found == []


def test_no_module_over_400_lines() -> None:
    long = sorted(
        f"{name} ({lines})"
        for name, path in _modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == []
