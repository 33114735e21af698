"""Comparing our section headings with a labelled report's (the rest of labelled-report handling is in scripts/ksbtrain/).

The labels of a labelled report (``labels.json``) name each section by its heading as the
labeller typed it; :func:`normalise_heading` is how the end-to-end tests and the training
scripts compare those with the headings the segmenter found.
"""

from __future__ import annotations

import re

__all__ = ["normalise_heading"]


def normalise_heading(heading: str) -> str:
    """Headings compared loosely: case, spacing, dashes and quotes ignored."""
    heading = heading.lower().replace("–", "-").replace("—", "-").replace("’", "'").replace("‘", "'")
    heading = heading.replace("“", '"').replace("”", '"')
    return re.sub(r"[\s*_#]+", " ", heading).strip(" :.")
