"""Analysing an upload: the app's one Analyser, shared by every request, one analysis at a time.

An upload is written to a temporary folder, analysed and presented in a worker thread, and the
folder is gone when the request returns. Bad input becomes a 4xx with the CLI's one-line
reason; anything else a 500 with a generic message, and the log names the exception type only.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path
from typing import Callable, TypeVar

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool

from ..criteria import list_schemes
from ..datamodel import Analysis, Scheme
from ..errors import AnalyserError
from ..pipeline import Analyser
from .uploads import Refused, safe_name, save_upload

__all__ = ["GENERIC_500", "SharedAnalyser", "analyse_upload", "find_scheme"]

log = logging.getLogger(__name__)

GENERIC_500 = "the analysis failed unexpectedly; nothing was stored. Try again, or run `ksb analyse` on the file to see more"

Shown = TypeVar("Shown")


class SharedAnalyser:
    """One :class:`~analyser.pipeline.Analyser` for the whole app, and one for each other scheme asked for.

    The others share its model and matcher (``Analyser.with_scheme``). A lock lets one analysis
    run at a time: the matcher's caches are not thread-safe, and analyses are CPU-bound anyway.
    """

    def __init__(self, analyser: Analyser) -> None:
        self.analyser = analyser
        self._by_scheme: dict[str, Analyser] = {analyser.scheme.id: analyser}
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model, the matcher and the default scheme's criteria index."""
        with self._lock:
            self.analyser.warm_up()

    def analyse(self, path: Path, scheme: Scheme) -> Analysis:
        """Analyse one saved upload against ``scheme`` (blocking: run it in a worker thread)."""
        with self._lock:
            return self._for_scheme(scheme)(path)

    def for_scheme(self, scheme: Scheme) -> Analyser:
        """The Analyser for ``scheme``: the app's own, or one made from it once and kept."""
        with self._lock:
            return self._for_scheme(scheme)

    def _for_scheme(self, scheme: Scheme) -> Analyser:
        analyser = self._by_scheme.get(scheme.id)
        if analyser is None or analyser.scheme != scheme:  # a scheme file edited while serving is read again
            analyser = self._by_scheme[scheme.id] = self.analyser.with_scheme(scheme)
        return analyser


def find_scheme(scheme_id: str) -> Scheme:
    """A scheme of the corpus by id; never a path (the web must not open files by name)."""
    schemes = {s.id: s for s in list_schemes()}
    if scheme_id not in schemes:
        known = ", ".join(sorted(schemes)) or "none"
        raise Refused(400, f"unknown scheme '{scheme_id[:80]}'; known schemes: {known}")
    return schemes[scheme_id]


async def analyse_upload(
    upload: UploadFile, scheme_id: str, shared: SharedAnalyser, present: Callable[[Analysis], Shown]
) -> Shown:
    """Save the upload in a temporary folder, analyse it, present it; the folder is gone on return."""
    scheme = find_scheme(scheme_id)
    name = safe_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="ksb-serve-") as folder:
        path = Path(folder) / name
        await save_upload(upload, path, name, shared.analyser.settings.max_file_bytes)
        try:
            return await run_in_threadpool(lambda: present(shared.analyse(path, scheme)))
        except AnalyserError as err:  # InputError: the file; CriteriaError here: a broken scheme file
            raise Refused(422, f"{name}: {err.reason}") from None
        except Exception as err:  # a bug: keep the server up, say nothing about the report
            log.error("analysis failed: %s", type(err).__name__)
            raise Refused(500, GENERIC_500) from None
