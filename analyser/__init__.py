"""KSB Analyser: map an apprentice's end-point-assessment report to its criteria.

    >>> from analyser import Analyser
    >>> analyser = Analyser()                      # doctest: +SKIP  (loads the scheme, model, matcher once)
    >>> analysis = analyser("report.docx")         # doctest: +SKIP
    >>> analysis.word_count.assessed               # doctest: +SKIP

Heavy dependencies (the embedding model, python-docx, pdfium) load only when first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from .lazy import lazy_exports as _lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .criteria import list_schemes, load_scheme
    from .extract import extract_document
    from .pipeline import Analyser, analyse, analyse_document
    from .render.json import to_document

_WHERE = {
    "Analyser": "pipeline",
    "analyse": "pipeline",
    "analyse_document": "pipeline",
    "extract_document": "extract",
    "load_scheme": "criteria",
    "list_schemes": "criteria",
    "to_document": "render.json",
}
__getattr__ = _lazy_exports(__name__, _WHERE)
