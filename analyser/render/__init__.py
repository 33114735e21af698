"""Writers: an Analysis -> JSON (the contract), a terminal summary, ..."""

from .json import to_document, to_json
from .text import to_text

__all__ = ["to_document", "to_json", "to_text"]
