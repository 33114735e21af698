"""The named pair features: names and columns agree, and values on a tiny hand-built case with the fake encoder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from analyser.datamodel import Block, Criterion, Scheme, Section
from analyser.match import FEATURE_NAMES, FEATURES, build_index, compute_pair_table
from analyser.match.features import REPORT_FEATURES, report_features
from analyser.wordcount import count_section_words

ROOT = Path(__file__).resolve().parent.parent


def test_names_are_the_features_in_order() -> None:
    assert FEATURE_NAMES == tuple(feature.name for feature in FEATURES) + tuple(f.name for f in REPORT_FEATURES)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert all(feature.about for feature in FEATURES + REPORT_FEATURES)
    assert all(f.of in FEATURE_NAMES[: len(FEATURES)] and f.kind in ("rank", "gap") for f in REPORT_FEATURES)


def test_the_shipped_model_reads_these_columns() -> None:
    stored = json.loads((ROOT / "models" / "matcher.json").read_text(encoding="utf-8"))
    assert tuple(stored["feature_names"]) == FEATURE_NAMES
    assert len(stored["coef"]) == len(stored["mean"]) == len(FEATURE_NAMES)
    # the main model judges a section on its own: no weight on the report features; its placement twin has some
    report = [FEATURE_NAMES.index(f.name) for f in REPORT_FEATURES]
    assert all(stored["coef"][i] == 0.0 for i in report)
    assert any(stored["placement"]["coef"][i] != 0.0 for i in report)


def test_report_features_rank_and_gap_each_section_within_the_report() -> None:
    names = [feature.name for feature in FEATURES]
    sections, criteria = 3, 2
    section_features = np.zeros((sections * criteria, len(FEATURES)), dtype=np.float32)
    ex = names.index("ex_knn")
    # criterion 0: section 1 best (0.9), then section 0 (0.5), then section 2 (0.1); criterion 1: all equal
    section_features[[0, 2, 4], ex] = (0.5, 0.9, 0.1)
    section_features[[1, 3, 5], ex] = 0.3
    out = report_features(section_features, sections, criteria)
    rank = [f.name for f in REPORT_FEATURES].index("report_rank_ex")
    gap = [f.name for f in REPORT_FEATURES].index("report_gap_ex")
    assert out[[0, 2, 4], rank].tolist() == [1, 0, 2]
    assert out[[0, 2, 4], gap] == pytest.approx([-0.4, 0.0, -0.8])
    assert out[[1, 3, 5], gap].tolist() == [0.0, 0.0, 0.0]
    assert report_features(np.zeros((0, len(FEATURES)), dtype=np.float32), 0, 2).shape == (0, len(REPORT_FEATURES))


def _criterion(code: str, description: str, **fields: tuple[str, ...]) -> Criterion:
    return Criterion(code=code, grade="pass", method="project", theme="t", description=description, **fields)  # type: ignore[arg-type]


@pytest.fixture()
def tiny_scheme() -> Scheme:
    criteria = (
        _criterion(
            "K1.1",
            "handle the customer complaint",
            looks_for=("resolve the complaint", "call the customer back"),
            cues=("complaint",),
            examples=("I resolved the customer complaint the same day",),
            negatives=("the complaint form was printed",),
        ),
        _criterion("S2.1", "analyse team data and trends", examples=("I analysed the data for trends",)),
    )
    return Scheme(id="tiny", standard="T1", title="Tiny", description="", source="", analysed_method="project", criteria=criteria)


SECTION_TEXTS = (
    ("Complaint handling", "I resolved the customer complaint quickly. I called the customer back the next day (K1.1)."),
    ("", "I analysed the data for trends across the team. The trends showed more calls on Mondays."),
)


@pytest.fixture()
def tiny_sections() -> tuple[Section, ...]:
    built = tuple(
        Section(index=i, heading=heading, level=2, part="body", blocks=(Block(text=text),)) for i, (heading, text) in enumerate(SECTION_TEXTS)
    )
    return count_section_words(built, maximum=2750)


def test_every_pair_has_a_column_per_feature(tiny_scheme, tiny_sections, fake_encoder) -> None:
    table = compute_pair_table(tiny_sections, build_index(tiny_scheme, fake_encoder), fake_encoder)
    assert table.features.shape == (len(tiny_sections) * 2, len(FEATURE_NAMES))
    assert table.sections == (0, 0, 1, 1) and table.codes == ("K1.1", "S2.1", "K1.1", "S2.1")


def test_feature_values_by_name(tiny_scheme, tiny_sections, fake_encoder) -> None:
    index = build_index(tiny_scheme, fake_encoder)
    table = compute_pair_table(tiny_sections, index, fake_encoder)

    def value(section: int, code: str, name: str) -> float:
        row = next(r for r, (s, c) in enumerate(zip(table.sections, table.codes)) if (s, c) == (section, code))
        return float(table.features[row, FEATURE_NAMES.index(name)])

    def cosines(texts: list[str], other: str) -> np.ndarray:
        return fake_encoder.encode(texts) @ fake_encoder.encode([other])[0]

    first = list(table.sentence_scores[0].units.sentences)
    assert first == ["I resolved the customer complaint quickly.", "I called the customer back the next day (K1.1)."]
    k11 = tiny_scheme.criteria[0]
    desc = cosines(first, k11.description)
    assert value(0, "K1.1", "desc_max") == pytest.approx(desc.max(), abs=1e-6)
    assert value(0, "K1.1", "desc_top2") == pytest.approx(np.sort(desc)[-2:].mean(), abs=1e-6)
    parts = np.maximum(cosines(first, k11.looks_for[0]), cosines(first, k11.looks_for[1]))
    assert value(0, "K1.1", "part_max") == pytest.approx(parts.max(), abs=1e-6)
    examples = np.maximum(desc, cosines(first, k11.examples[0]))  # the description counts as an example
    assert value(0, "K1.1", "ex_max") == pytest.approx(examples.max(), abs=1e-6)
    negatives = cosines(first, k11.negatives[0])
    assert value(0, "K1.1", "neg_max") == pytest.approx(negatives.max(), abs=1e-6)
    assert value(0, "K1.1", "ex_minus_neg") == pytest.approx(examples.max() - negatives.max(), abs=1e-6)
    assert value(0, "K1.1", "heading_desc") == pytest.approx(cosines(["Complaint handling"], k11.description)[0], abs=1e-6)
    assert value(1, "K1.1", "heading_desc") == 0.0  # no heading
    words = tiny_sections[0].words
    assert value(0, "K1.1", "cue_any") == 1.0 and value(0, "S2.1", "cue_any") == 0.0
    assert value(0, "K1.1", "cue_hits") == pytest.approx(1 / math.sqrt(words / 100 + 1), abs=1e-6)
    assert value(0, "K1.1", "code_in_text") == 1.0 and value(0, "S2.1", "code_in_text") == 0.0
    assert value(0, "K1.1", "position") == 0.0
    assert value(1, "K1.1", "position") == pytest.approx(tiny_sections[1].start_word / sum(s.words for s in tiny_sections), abs=1e-6)
    assert value(0, "K1.1", "log_words") == pytest.approx(math.log1p(words), abs=1e-6)
    # The complaint section points at K1.1, the data section at S2.1.
    assert value(0, "K1.1", "rank_best") == 0.0 and value(0, "K1.1", "section_rank") == 0.0
    assert value(1, "S2.1", "section_rank") == 0.0 and value(1, "K1.1", "section_rank") == 1.0
    assert value(1, "S2.1", "ex_knn") > value(1, "K1.1", "ex_knn")
    for name in ("bank_max", "bank_top3"):  # no evidence bank
        assert value(0, "K1.1", name) == 0.0


def test_a_section_without_sentences_has_zero_features(tiny_scheme, fake_encoder) -> None:
    sections = count_section_words((Section(index=0, heading="Empty", level=2, part="body", blocks=()),), maximum=2750)
    table = compute_pair_table(sections, build_index(tiny_scheme, fake_encoder), fake_encoder)
    assert not table.features.any()


def test_evidence_bank_features(tiny_scheme, tiny_sections, fake_encoder) -> None:
    bank = [("S2.1", "The trends showed more calls on Mondays.", "r99")]
    index = build_index(tiny_scheme, fake_encoder, bank=bank)
    table = compute_pair_table(tiny_sections, index, fake_encoder)
    column = FEATURE_NAMES.index("bank_max")
    assert table.features[3, column] == pytest.approx(1.0, abs=1e-6)  # the same sentence, in section 1, for S2.1
    assert table.features[2, column] == -1.0  # K1.1 has no bank sentences
    assert index.without_sources({"r99"}).bank.size == 0
