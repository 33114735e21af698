"""Errors raised by the analyser.

    AnalyserError                 the root: anything the analyser reports on purpose
    ├── InputError                a report that cannot be analysed (CLI exit status 3)
    │     unsupported format, unreadable / encrypted / corrupt file, no text layer,
    │     too large, empty, no body text
    ├── CriteriaError             a bad scheme file (names the file and the record)
    └── WorkspaceError            a workspace that cannot be opened, or a request on it that names
          an unknown learner, criterion or section (CLI exit status 2)

Messages say what failed, on which file, and what to do. The CLI prints them as
``error: <file>: <reason>``; ``str(err)`` is the reason alone and ``err.path`` the file.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AnalyserError", "InputError", "CriteriaError", "WorkspaceError"]


class AnalyserError(Exception):
    """Root of every error the analyser raises on purpose."""

    def __init__(self, reason: str, *, path: Path | str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = Path(path) if path is not None else None

    def __str__(self) -> str:
        return self.reason

    def one_line(self) -> str:
        """``<file>: <reason>`` on a single line, for the CLI and batch error rows."""
        reason = " ".join(self.reason.split())
        if self.path is None:
            return reason
        return f"{self.path}: {reason}"


class InputError(AnalyserError):
    """The report cannot be analysed: the user must change the file."""


class CriteriaError(AnalyserError):
    """A scheme file is invalid: the message names the file and the record."""


class WorkspaceError(AnalyserError):
    """The workspace cannot be opened or migrated, or a request names something it does not hold."""
