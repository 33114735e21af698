"""KSB Analyser: map an apprentice's end-point-assessment report to its criteria.

    >>> from analyser import Analyser
    >>> analyser = Analyser()                      # doctest: +SKIP  (loads the scheme, model, matcher once)
    >>> analysis = analyser("report.docx")         # doctest: +SKIP
    >>> analysis.word_count.assessed               # doctest: +SKIP

Heavy dependencies (the embedding model, python-docx, pdfium) load only when first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "analyse",
    "analyse_document",
    "Analyser",
    "AnalyserError",
    "CriteriaError",
    "extract_document",
    "InputError",
    "list_schemes",
    "load_scheme",
    "to_document",
]

from .errors import AnalyserError, CriteriaError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from .criteria import list_schemes, load_scheme
    from .extract import extract_document
    from .pipeline import Analyser, analyse, analyse_document
    from .render.json import to_document

_LAZY = {
    "Analyser": ("pipeline", "Analyser"),
    "analyse": ("pipeline", "analyse"),
    "analyse_document": ("pipeline", "analyse_document"),
    "extract_document": ("extract", "extract_document"),
    "load_scheme": ("criteria", "load_scheme"),
    "list_schemes": ("criteria", "list_schemes"),
    "to_document": ("render.json", "to_document"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
