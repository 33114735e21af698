"""One report of a batch: analysed by an :class:`~analyser.pipeline.Analyser` into a typed result.

:func:`analyse_report` turns one file into :class:`Analysed` (the JSON document, the HTML page
and the cohort figures, all from the one ``Analysis``) or :class:`Failed` (the reason and the
exit status). Anything a report causes is a failure of that report, never of the batch.

In worker processes, :func:`start_worker` (the pool's initializer) builds the worker's one
Analyser and warms it up; :func:`analyse_in_worker` (the pool's task) uses it.
"""

from __future__ import annotations

import logging
import os
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datamodel import Scheme
from ..errors import AnalyserError
from ..extract import ExtractSettings
from ..pipeline import Analyser
from ..learners import LearnerInfo
from .table import CohortFigures

__all__ = ["EXIT_INPUT", "MIN_REPORT_WORDS", "Analysed", "Failed", "TaskResult", "analyse_in_worker", "analyse_report", "start_worker"]

EXIT_INPUT = 3


@dataclass(frozen=True)
class Analysed:
    """A report analysed: its ``ksb-analysis/1`` document, its HTML page (None: none is written) and its cohort figures."""

    document: dict[str, Any]
    page: str | None
    figures: CohortFigures


@dataclass(frozen=True)
class Failed:
    """A report that could not be analysed: the reason alone (one line) and the exit status."""

    reason: str
    exit_status: int = EXIT_INPUT


TaskResult = Analysed | Failed


#: Fewer body words than this is not a report (a note to the tutor, a cover sheet): refused with the reason.
MIN_REPORT_WORDS = 100


def analyse_report(analyser: Analyser, path: Path, learner: LearnerInfo | None = None) -> TaskResult:
    """Analyse one file with ``analyser``: :class:`Analysed`, or :class:`Failed` with the reason.

    Errors the analyser raises on purpose keep their reason; an unexpected exception is named,
    so a person can report it. MemoryError propagates (a worker is then replaced).
    """
    from ..render.html import to_html
    from ..render.json import to_document

    try:
        analysis = analyser(path)
        if analysis.word_count.assessed < MIN_REPORT_WORDS:
            return Failed(
                f"too short to be a report ({analysis.word_count.assessed} words in the body; a batch analyses "
                f"reports of at least {MIN_REPORT_WORDS}): check it is the right file"
            )
        return Analysed(
            document=to_document(analysis, learner=learner),
            page=to_html(analysis, learner=learner),
            figures=CohortFigures.from_analysis(analysis),
        )
    except AnalyserError as err:
        return Failed(" ".join(err.reason.split()))
    except MemoryError:
        raise
    except RecursionError:
        return Failed("the file is nested too deeply to read (crafted or damaged): open it and save it again")
    except Exception as err:  # noqa: BLE001 - one report must not stop a cohort
        if isinstance(err, RuntimeError) and "allocate" in str(err):
            raise MemoryError(str(err)) from err
        return Failed(
            f"unexpected error while analysing ({_where(err)}); the file may be damaged or unusual: "
            "open it and save it again, and report this if it persists"
        )


def _where(err: BaseException) -> str:
    """The exception's type and innermost source line, for a bug report (never its message,
    which may quote the report)."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return type(err).__name__
    frame = frames[-1]
    return f"{type(err).__name__} at {Path(frame.filename).name}:{frame.lineno}"


# ----------------------------------------------------------------------------------------
# Inside a worker process
# ----------------------------------------------------------------------------------------

_worker_analyser: Analyser | None = None  # this worker process's one Analyser, set by start_worker


def start_worker(scheme: Scheme | str, settings: ExtractSettings | None, threads: int) -> None:
    """Build this worker's Analyser and load everything a report needs (model, matcher, criteria index).

    ``scheme`` is a scheme id or file (loaded here, once per worker). ``threads`` bounds the
    math libraries' thread pools (read when they are first imported).
    """
    global _worker_analyser
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # numpy's BLAS must not fight the model's threads
    # The batch's stderr carries one line per failed report: library warnings about odd
    # files (pdfminer's, say) are not for the user and must not interleave with them.
    warnings.simplefilter("ignore")
    logging.getLogger().addHandler(logging.NullHandler())
    analyser = Analyser(scheme, settings=settings)
    analyser.warm_up()
    _worker_analyser = analyser


def analyse_in_worker(item: tuple[str, LearnerInfo | None]) -> TaskResult:
    """The pool's task: analyse one file (path, learner) with this worker's Analyser."""
    if _worker_analyser is None:
        raise RuntimeError("start_worker must run in this process before analyse_in_worker")
    path, learner = item
    return analyse_report(_worker_analyser, Path(path), learner)
