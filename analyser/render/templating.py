"""The Jinja2 environment every HTML page is rendered with: the templates in ``analyser/templates/``.

Autoescaping is on for every template. Values are escaped the way :func:`html.escape` does
(``&quot;`` and ``&#x27;`` for quotes, where MarkupSafe would write ``&#34;`` and ``&#39;``), so
pages stay byte-identical to those written before the templates; markup our own templates made
(macro output, ``{% set %}`` blocks) is passed through unchanged. ``trim_blocks`` and
``lstrip_blocks`` let a line holding only a tag disappear from the output.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..datamodel import STATUS_LABEL, STATUS_SYMBOL

__all__ = ["template_environment", "anchor"]


def template_environment() -> Environment:
    """A new environment over the package's templates, with the filters and names every page uses."""
    environment = Environment(
        loader=PackageLoader("analyser", "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["thousands"] = _thousands
    environment.filters["score"] = _score
    environment.filters["anchor"] = anchor
    environment.globals["status_symbol"] = STATUS_SYMBOL
    environment.globals["status_label"] = STATUS_LABEL
    return environment


def anchor(code: str) -> str:
    """A criterion code as an id fragment: "K1.1" -> "K1-1"."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", code)


def _escaped(value: Any) -> Any:
    """Every printed value, escaped as :func:`html.escape` does unless a template made it."""
    if hasattr(value, "__html__"):
        return value
    return Markup(escape(str(value)))  # noqa: S704 - this is the escaping itself


def _thousands(number: int) -> str:
    return f"{number:,}"


def _score(value: float) -> str:
    return f"{value:.2f}"
