"""Golden outputs: what the product prints for the dev reports and the sample stays the same.

A difference fails with the first differing lines. To change the outputs on purpose:
``make golden``, then review ``git diff tests/golden``.
"""

from __future__ import annotations

import difflib

import pytest

from golden_outputs import GOLDEN, KINDS, golden_cases, render_all

CASES = golden_cases()


@pytest.fixture(scope="module")
def analyser(real_encoder):
    from analyser.pipeline import Analyser

    return Analyser(encoder=real_encoder)


@pytest.mark.parametrize(("name", "path"), CASES, ids=[name for name, _ in CASES])
def test_outputs_match_golden_files(name, path, request, analyser):
    outputs = render_all(path, analyser)
    update = request.config.getoption("--update-golden")
    for kind in KINDS:
        golden = GOLDEN / f"{name}.{kind}"
        if update:
            GOLDEN.mkdir(exist_ok=True)
            golden.write_text(outputs[kind], encoding="utf-8")
            continue
        assert golden.is_file(), f"{golden.name} is missing: run `make golden` to record it"
        expected = golden.read_text(encoding="utf-8")
        if outputs[kind] != expected:
            diff = "".join(
                list(difflib.unified_diff(expected.splitlines(True), outputs[kind].splitlines(True), golden.name, "now"))[:40]
            )
            pytest.fail(f"{golden.name} differs from the golden file:\n{diff}")


def test_every_golden_file_has_a_case():
    names = {f"{name}.{kind}" for name, _ in CASES for kind in KINDS}
    stale = sorted(p.name for p in GOLDEN.iterdir() if p.name not in names) if GOLDEN.is_dir() else []
    if len(CASES) == 1:  # dev reports absent on this machine: only the sample is compared
        stale = [name for name in stale if name.startswith("sample")]
    assert not stale, f"golden files without a report: {stale}"
