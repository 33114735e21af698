"""Package names loaded on first use (PEP 562): what ``analyser``, ``analyser.render``, ``analyser.batch`` and
``analyser.embed`` export comes from its module only when it is asked for, so that importing a package
costs no more than the part a caller needs (``ksb analyse`` starts its worker before the heavy imports)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name in ``where`` from the sub-module it maps to."""

    def __getattr__(name: str) -> Any:
        if name in where:
            return getattr(importlib.import_module(f".{where[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
