"""Issue 16's quick fuzzing subset ("Nothing a file can do stops the service"), run by ``make test``.

About forty mutants of the dev reports and the sample (tests/fuzz/catalogue.py, ``quick``) go
through the real ``ksb analyse`` (a chosen score of them), one real ``ksb batch`` over the whole
folder, and the real web app (a handful of requests); hypothesis also drives structure-aware
.docx and .pdf documents through the library in this process. The full run is ``make fuzz``
(scripts/fuzz.py), with its figures in docs/fuzzing.md.

A test that fails today because of a recorded product bug (docs/fuzzing.md, "Found") is marked
``xfail(strict=True, reason="issue 16: ...")``: it turns into a failure once the bug is fixed, and
the mark is then removed.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz import catalogue
from fuzz.bugs import BUGS
from fuzz.app import AppRequest, run_requests
from fuzz.batch import VIEWS, BatchReport, run_batch
from fuzz.checks import shown
from fuzz.cli import CliResult, analyse_mutant
from fuzz.mutant import Mutant, write_mutants
from fuzz.names import UPLOAD_ONLY_NAMES
from fuzz.structured import structured_mutants


_BUGS = {bug.id: bug for bug in BUGS}


def known(*ids: str) -> pytest.MarkDecorator:
    """xfail(strict) on recorded bugs (tests/fuzz/bugs.py, docs/fuzzing.md "Found")."""
    return pytest.mark.xfail(strict=True, reason="issue 16: " + "; ".join(f"{i} {_BUGS[i].title}" for i in ids))

# ---- fixtures: each phase runs once --------------------------------------------------------


@pytest.fixture(scope="module")
def quick_set() -> dict[str, Mutant]:
    return {m.recipe if m.recipe in catalogue.fixed_recipes() or m.recipe.startswith("name-") else m.name: m for m in catalogue.quick()}


@pytest.fixture(scope="module")
def folder(quick_set: dict[str, Mutant], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    written = write_mutants(list(quick_set.values()), tmp_path_factory.mktemp("fuzz") / "in")
    paths = {key: path for path, mutant in written.items() for key, m in quick_set.items() if m is mutant}
    return paths


#: (recipe, format) through ``ksb analyse``; the rest of the quick set goes through the batch only.
CLI_CASES = [
    pytest.param("core-missing", "json"),
    pytest.param("core-empty", "json"),
    pytest.param("zip-version-172", "json"),
    pytest.param("image-zeros-11mb-control-name", "json"),
    pytest.param("c1-controls-text-docx", "json"),
    pytest.param("c1-controls-text-docx", "text"),
    pytest.param("control-headings-md", "mapping"),
    pytest.param("control-headings-pdf", "mapping"),
    pytest.param("encrypted-pdf", "json"),
    pytest.param("deep-sdt-300", "json"),
    pytest.param("c0-controls-headings-docx", "json"),
    pytest.param("identical-pages-299", "json"),
    pytest.param("name-escape-sequences", "json"),
    pytest.param("name-c1-csi", "json"),
]


@pytest.fixture(scope="module")
def cli_results(quick_set: dict[str, Mutant], folder: dict[str, Path]) -> dict[tuple[str, str], CliResult]:
    from concurrent.futures import ThreadPoolExecutor

    cases = [tuple(case.values) for case in CLI_CASES]
    cases += [(key, "json") for key in quick_set if key.startswith(("0", "hypothesis-"))][:4]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case: pool.submit(analyse_mutant, folder[case[0]], quick_set[case[0]], case[1]) for case in cases}
        return {case: future.result() for case, future in futures.items()}


@pytest.fixture(scope="module")
def batch(quick_set: dict[str, Mutant], folder: dict[str, Path]) -> BatchReport:
    first = next(iter(folder.values()))
    written = {folder[key]: mutant for key, mutant in quick_set.items()}
    return run_batch(first.parent, written, first.parent.parent / "out", jobs=2)


# ---- ksb analyse ---------------------------------------------------------------------------


@pytest.mark.parametrize(("recipe", "fmt"), CLI_CASES)
def test_ksb_analyse_exit_0_or_3_one_line_no_traceback_within_limits(cli_results, recipe: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = cli_results[(recipe, fmt)]
    assert not result.problems, f"{recipe} ({result.mutant.detail}) --format {fmt}: {'; '.join(result.problems)}"


def test_ksb_analyse_random_and_hypothesis_mutants(cli_results) -> None:  # type: ignore[no-untyped-def]
    failing = [
        f"{shown(r.path.name, 50)} ({r.mutant.detail}): {'; '.join(r.problems)}"
        for (key, _), r in cli_results.items() if key.startswith(("0", "hypothesis-")) and r.problems
    ]
    assert not failing, "\n".join(failing)


# ---- ksb batch -----------------------------------------------------------------------------


def test_batch_exits_0_or_1(batch: BatchReport) -> None:
    assert not batch.problems["exit"], batch.problems["exit"]


def test_batch_never_prints_a_traceback(batch: BatchReport) -> None:
    assert not [p for p in batch.problems["stderr"] if p.startswith("traceback")], batch.problems["stderr"]


def test_batch_prints_no_raw_control_characters(batch: BatchReport) -> None:
    assert not [p for p in batch.problems["stderr"] if p.startswith("raw control")], batch.problems["stderr"]


def test_batch_writes_every_cohort_view(batch: BatchReport) -> None:
    assert not batch.problems["views"], f"{batch.problems['views']} (expected {', '.join(VIEWS)})"


def test_batch_has_one_row_per_file(batch: BatchReport) -> None:
    assert not batch.problems["rows"], batch.problems["rows"]


def test_batch_analyses_files_whose_body_is_intact(batch: BatchReport) -> None:
    assert not batch.problems["must-analyse"], "\n".join(batch.problems["must-analyse"])


def test_batch_reasons_name_no_crash_or_unexpected_error(batch: BatchReport) -> None:
    assert not batch.problems["reasons"], "\n".join(batch.problems["reasons"])


def test_batch_csv_cells_never_start_a_formula(batch: BatchReport) -> None:
    assert not batch.problems["formula-csv"], "\n".join(batch.problems["formula-csv"])


def test_batch_xlsx_cells_are_never_formulas(batch: BatchReport) -> None:
    assert (batch.outdir / "cohort.xlsx").is_file(), "cohort.xlsx not written"
    assert not batch.problems["formula-xlsx"], "\n".join(batch.problems["formula-xlsx"])


def test_batch_overview_has_no_script_links_and_links_only_its_files(batch: BatchReport) -> None:
    assert not batch.problems["cohort-page"] or "not the cohort overview" not in batch.problems["cohort-page"][0], "cohort.html is not the overview"
    assert not batch.problems["javascript"], "\n".join(batch.problems["javascript"])
    assert not batch.problems["links"], "\n".join(batch.problems["links"])


def test_batch_report_named_cohort_keeps_its_page(batch: BatchReport) -> None:
    assert not batch.problems["cohort-page"], "\n".join(batch.problems["cohort-page"])


def test_batch_with_a_name_near_the_file_system_limit(tmp_path: Path) -> None:
    (mutant,) = [m for m in catalogue.hostile_names() if m.recipe == "name-emoji-60"]
    written = write_mutants([mutant], tmp_path / "in")
    report = run_batch(tmp_path / "in", written, tmp_path / "out", jobs=1)
    problems = [p for rule in ("exit", "stderr", "views", "rows") for p in report.problems[rule]]
    assert not problems, "\n".join(problems)


# ---- the web app ---------------------------------------------------------------------------

APP_CASES = [
    pytest.param("core-missing", "/api/analyse"),
    pytest.param("control-headings-pdf", "/analyse"),
    pytest.param("zip-version-172", "/api/analyse"),
    pytest.param("image-zeros-11mb-control-name", "/api/analyse"),
    pytest.param("c1-controls-text-docx", "/analyse"),
    pytest.param("upload-emoji-100", "/api/analyse"),
    pytest.param("upload-long-400-bytes", "/analyse"),
    pytest.param("cross-site", "/analyse"),
    pytest.param("two-files", "/api/analyse"),
]


@pytest.fixture(scope="module")
def app_results(quick_set: dict[str, Mutant], folder: dict[str, Path]):  # type: ignore[no-untyped-def]
    good = folder["name-cohort-collision"]
    uploads = dict(UPLOAD_ONLY_NAMES)
    requests = []
    for case in APP_CASES:
        label, endpoint = case.values
        if label in quick_set:
            requests.append(AppRequest(label, endpoint, quick_set[label], folder[label], folder[label].name))
        elif label.startswith("upload-"):
            requests.append(AppRequest(label, endpoint, None, good, uploads[label.removeprefix("upload-")]))
        elif label == "cross-site":
            requests.append(AppRequest(label, endpoint, None, good, "report.md", headers={"Origin": "https://evil.example"}, expect_refused=True))
        else:
            requests.append(AppRequest(label, endpoint, None, good, "report.md", second_file=True, expect_refused=True))
    results, _ = run_requests(requests)
    return {(r.request.label, r.request.endpoint): r for r in results}


@pytest.mark.parametrize(("label", "endpoint"), APP_CASES)
def test_app_never_answers_5xx_and_stays_within_limits(app_results, label: str, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    result = app_results[(label, endpoint)]
    assert result.status != -1, f"the test client could not send it: {result.body}"
    assert not result.problems, f"POST {endpoint} {label}: {'; '.join(result.problems)}"


# ---- hypothesis: structure-aware documents through the library -------------------------------


class _HashEncoder:
    """A fast, deterministic stand-in for the model: the fuzzing is about files, not matching."""

    name = "hash-fake"

    def encode(self, texts):  # type: ignore[no-untyped-def]
        import hashlib

        import numpy as np

        rows = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in text.lower().split():
                digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=4).digest()
                rows[i, int.from_bytes(digest, "little") % 384] += 1.0
            norm = float(np.linalg.norm(rows[i]))
            rows[i] = rows[i] / norm if norm else rows[i]
        return rows

    def encode_cached(self, texts, *, key):  # type: ignore[no-untyped-def]
        return self.encode(texts)


@pytest.fixture(scope="module")
def fast_analyser():  # type: ignore[no-untyped-def]
    from analyser.match import Matcher

    return _HashEncoder(), Matcher()


@settings(max_examples=15, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(mutant=structured_mutants)
def test_structured_documents_give_an_analysis_or_an_input_error(fast_analyser, mutant: Mutant) -> None:  # type: ignore[no-untyped-def]
    from analyser.errors import InputError
    from analyser.pipeline import analyse
    from analyser.render import to_html, to_json, to_text, write_mapping

    encoder, matcher = fast_analyser
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / mutant.name
        path.write_bytes(mutant.data)
        try:
            analysis = analyse(path, encoder=encoder, matcher=matcher)
        except InputError as err:
            assert "\n" not in err.one_line()
            return
        json.loads(to_json(analysis))
        to_html(analysis)
        to_text(analysis)
        write_mapping(analysis, Path(folder) / "mapping.docx")
