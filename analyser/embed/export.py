"""The one-time export of the bundled transformer to ONNX (needs torch and transformers).

``make setup`` runs it ahead of time (``scripts/export_onnx.py``); otherwise the ONNX backend
runs it on first use when the file is missing. This is the only module that touches torch's
ONNX exporter, and the only place with the workaround that lets it run without the ``onnx``
package (:func:`_without_onnx_package`).
"""

from __future__ import annotations

import os
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..errors import AnalyserError
from .model import INPUT_NAMES, OUTPUT_NAME, model_path, onnx_model_path, verify_weights

__all__ = ["OPSET", "export_onnx"]

OPSET = 17


def export_onnx(target: Path | None = None, *, folder: Path | None = None) -> Path:
    """Export the bundled transformer to ONNX (needs torch and transformers; run once); returns the file.

    The graph is the plain BERT encoder (inputs ``input_ids``, ``attention_mask``,
    ``token_type_ids``; output ``last_hidden_state``) with dynamic batch and sequence axes;
    pooling and normalisation happen in numpy. The file is written atomically.
    """
    folder = folder or model_path()
    target = target or onnx_model_path()
    verify_weights(folder)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import torch
        from transformers import AutoModel
    except ImportError as err:
        raise AnalyserError(
            "exporting the ONNX model needs torch and transformers; run `make setup`, or set KSB_BACKEND=torch"
        ) from err

    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    model.eval()

    class Encoder(torch.nn.Module):
        """The transformer returning only its last hidden state."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.int64)
    dynamic = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, OUTPUT_NAME)}
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
    try:
        with torch.no_grad(), _without_onnx_package(), warnings.catch_warnings():
            # Tracer notes about Python booleans: they concern causal and padded-cache masks,
            # which this encoder never uses (checked against sentence-transformers in the tests).
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder(model),
                (dummy, dummy, torch.zeros_like(dummy)),
                str(temporary),
                input_names=list(INPUT_NAMES),
                output_names=[OUTPUT_NAME],
                dynamic_axes=dynamic,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


@contextmanager
def _without_onnx_package() -> Iterator[None]:
    """Let the TorchScript exporter run without the ``onnx`` package.

    ``torch.onnx.export(..., dynamo=False)`` imports ``onnx`` only to splice custom
    onnxscript functions into the file; this graph has none, so when ``onnx`` is not
    installed that step is skipped (the bytes are written unchanged).
    """
    from importlib.util import find_spec

    if find_spec("onnx") is not None:
        yield
        return
    from torch.onnx._internal.torchscript_exporter import onnx_proto_utils

    original = onnx_proto_utils._add_onnxscript_fn
    onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes
    try:
        yield
    finally:
        onnx_proto_utils._add_onnxscript_fn = original
