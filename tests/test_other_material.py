"""The labelled documents of other standards stay valid, and scripts/evaluate_other.py measures them with the real model."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("folder", ["other", "fresh"])
def test_the_labels_agree_with_the_documents(folder: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "other" / "check_labels.py"), str(ROOT / "eval" / folder)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " 0 problems" in result.stdout


def _evaluate_other():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("evaluate_other", ROOT / "scripts" / "evaluate_other.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_held_out_document_is_measured_as_ksb_analyse_runs_it() -> None:
    from analyser.pipeline import Analyser

    evaluate = _evaluate_other()
    row = evaluate.measure(ROOT / "eval" / "fresh" / "fa02", Analyser())
    assert row["scheme"] == "eval/schemes/st0116-software-developer.yaml" and row["criteria"] == 25
    found, claimed, extra = row["claims"]
    assert claimed == 20 and found == claimed and extra == 0  # every code the document names is found as a claim
    right, wrong, missed = row["doc"]
    assert right + missed == 15  # the labels credit 15
    summary = evaluate.summarise([row])
    assert summary["documents"] == 1 and 0.0 <= summary["evidenced"]["f1"] <= 1.0
