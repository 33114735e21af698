"""The one-time model preparation, outside any worker's limits: :func:`prepare_model`.

The ONNX backend needs the bundled weights exported once (:mod:`analyser.embed.export`, which
imports torch and needs about 1.5 GB). A worker process under ``--max-memory-mb`` cannot do that
(the cap is sized for analysing a report), so the callers that start workers
(:class:`~analyser.isolation.AnalysisWorkers`, ``ksb batch``) call :func:`prepare_model` first:
when the file is missing it is exported in a separate short-lived process with no cap, which
exits and gives its memory back. When the file exists, or the backend is torch, it does nothing.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from pathlib import Path

from .factory import select_backend
from .model import onnx_model_path

__all__ = ["prepare_model"]


def prepare_model(backend: str | None = None) -> Path | None:
    """Export the ONNX model in a separate process when it is needed and missing; returns the file (None: torch).

    Raises AnalyserError when the export cannot run (torch or transformers missing).
    """
    if select_backend(backend) != "onnx":
        return None
    target = onnx_model_path()
    if target.is_file():
        return target
    context = multiprocessing.get_context("spawn")  # a clean interpreter: nothing of this process is copied
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_export, target).result()


def _export(target: Path) -> Path:
    """In the preparing process: the export itself."""
    from .export import export_onnx

    return export_onnx(target)
