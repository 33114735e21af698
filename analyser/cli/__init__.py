"""The ``ksb`` command: parse options, call the library, render. No logic of its own.

Exit statuses (CONTRACT.md): 0 done; 1 a batch finished but some files failed; 2 usage
error; 3 the input cannot be analysed. One module per command family; each registers its
commands on the one group, ``main`` (the ``ksb`` entry point).
"""

from __future__ import annotations

from . import analyse, batch, parts, schemes, serve, workspace  # noqa: F401 - each registers its commands
from .group import EXIT_BATCH_FAILURES, EXIT_INPUT, EXIT_OK, EXIT_USAGE, main

__all__ = ["EXIT_BATCH_FAILURES", "EXIT_INPUT", "EXIT_OK", "EXIT_USAGE", "main"]
