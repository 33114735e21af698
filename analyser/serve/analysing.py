"""Analysing an upload: in worker processes under limits (``ksb serve``), or in this process.

An upload is written to a temporary folder, analysed and presented, and the folder is gone when
the request returns. :class:`IsolatedAnalyser` (what ``ksb serve`` uses) hands it to worker
processes that each hold one Analyser (:class:`~analyser.isolation.AnalysisWorkers`): a report
that overruns the time limit or the memory cap costs only its worker, which is replaced, and the
server goes on answering. :class:`SharedAnalyser` analyses in this process, one upload at a time
(for tests and for embedding the app). Bad input, and a report stopped by a limit, becomes a
4xx with the CLI's one-line reason; anything else a 500 with a generic message, and the log
names the exception type only.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Callable, TypeVar

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool

from fastapi import Request

from ..batch.workers import WorkerLimits, WorkerStartError
from ..criteria import DEFAULT_SCHEME, list_schemes, load_scheme
from ..datamodel import Analysis, Scheme
from ..errors import AnalyserError
from ..extract import ExtractSettings
from ..isolation import AnalysisWorkers
from ..pipeline import Analyser
from .uploads import Refused, safe_name, save_upload

__all__ = ["GENERIC_500", "SERVE_LIMITS", "IsolatedAnalyser", "SharedAnalyser", "analyse_upload", "app_analyser", "find_scheme"]

log = logging.getLogger(__name__)

GENERIC_500 = "the analysis failed unexpectedly; nothing was stored. Try again, or run `ksb analyse` on the file to see more"

#: ``ksb serve``'s limits per upload: the batch's time limit, and a memory cap that keeps the server,
#: its two workers and their reports under 1.5 GB together (a worker holding the ONNX model maps
#: about 360 MB and a 290-page report adds about 25 MB; a crafted file is stopped at the cap).
SERVE_LIMITS = WorkerLimits(timeout_s=60.0, max_memory_mb=640)

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

    @property
    def settings(self) -> ExtractSettings:
        """The upload limits."""
        return self.analyser.settings

    def warm_up(self) -> None:
        """Load the model, the matcher and the default scheme's criteria index."""
        with self._lock:
            self.analyser.warm_up()

    async def run(self, path: Path, scheme: Scheme, present: Callable[[Analysis], Shown]) -> Shown:
        """Analyse and present one saved upload in a worker thread."""
        return await run_in_threadpool(lambda: present(self.analyse(path, scheme)))

    def close(self) -> None:
        """Nothing to stop: the analysis runs in this process."""

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


class IsolatedAnalyser:
    """Uploads analysed in worker processes under the time limit and the memory cap (``workers``: see
    :class:`~analyser.isolation.AnalysisWorkers`); ``present`` runs there too, so the limits cover it.
    """

    def __init__(self, workers: AnalysisWorkers) -> None:
        self.workers = workers

    @property
    def settings(self) -> ExtractSettings:
        """The upload limits."""
        return self.workers.settings

    def warm_up(self) -> None:
        """Start the workers and wait until one has loaded the model (raises WorkerStartError)."""
        self.workers.wait_ready(self.workers.start())

    async def run(self, path: Path, scheme: Scheme, present: Callable[[Analysis], Shown]) -> Shown:
        """Analyse and present one saved upload in a worker process, without blocking other requests."""
        shown: Shown = await self.workers.analyse_async(path, scheme=scheme, present=present)
        return shown

    def close(self) -> None:
        """Stop the workers."""
        self.workers.close()


def app_analyser(
    *, settings: ExtractSettings | None, analyser: Analyser | None, limits: WorkerLimits | None, workers: int
) -> SharedAnalyser | IsolatedAnalyser:
    """What the app analyses uploads with: ``workers`` worker processes under ``limits``, or without limits
    (or given an ``analyser``) one Analyser in this process."""
    if limits is None or analyser is not None:
        return SharedAnalyser(analyser or Analyser(DEFAULT_SCHEME, settings=settings or ExtractSettings()))
    load_scheme(DEFAULT_SCHEME)  # a broken scheme file is reported here, not by each worker
    threads = max(1, min(4, (os.cpu_count() or 1) // workers))
    return IsolatedAnalyser(
        AnalysisWorkers(DEFAULT_SCHEME, settings=settings, limits=limits, workers=workers, threads=threads)
    )


def find_scheme(scheme_id: str) -> Scheme:
    """A scheme of the corpus by id; never a path (the web must not open files by name)."""
    schemes = {s.id: s for s in list_schemes()}
    if scheme_id not in schemes:
        known = ", ".join(sorted(schemes)) or "none"
        raise Refused(400, f"unknown scheme '{scheme_id[:80]}'; known schemes: {known}")
    return schemes[scheme_id]


async def analyse_upload(
    upload: UploadFile,
    scheme_id: str,
    shared: SharedAnalyser | IsolatedAnalyser,
    present: Callable[[Analysis], Shown],
    *,
    request: Request | None = None,
) -> Shown:
    """Save the upload in a temporary folder, analyse it, present it; the folder is gone on return.

    With ``request``, a form holding more than one file is refused (400) before anything is analysed.
    """
    if request is not None:
        await _one_file(request)
    scheme = find_scheme(scheme_id)
    name = safe_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="ksb-serve-") as folder:
        path = Path(folder) / name
        await save_upload(upload, path, name, shared.settings.max_file_bytes)
        try:
            return await shared.run(path, scheme, present)
        except WorkerStartError as err:  # the server cannot analyse anything: not the file's fault
            log.error("analysis workers failed: %s", type(err).__name__)
            raise Refused(503, err.reason) from None
        except AnalyserError as err:  # InputError: the file, or a limit; CriteriaError: a broken scheme file
            raise Refused(422, f"{name}: {err.reason}") from None
        except Exception as err:  # a bug: keep the server up, say nothing about the report
            log.error("analysis failed: %s", type(err).__name__)
            raise Refused(500, GENERIC_500) from None


async def _one_file(request: Request) -> None:
    """Refuse a form with several ``file`` fields (the form is parsed already: this reads no body)."""
    form = await request.form()
    files = len(form.getlist("file"))
    if files > 1:
        raise Refused(400, f"the form holds {files} files in the field 'file'; send one report per request")
