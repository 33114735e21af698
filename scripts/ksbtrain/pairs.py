"""Labelled reports run through the real pipeline: pair features with the assessor's labels beside them.

The pair features come from the real pipeline (extraction, segmentation, the real embedder),
so what is measured is what ships.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from analyser.datamodel import Scheme, Section
from analyser.embed import TextEncoder
from analyser.extract import extract_document
from analyser.match import BankRow, CriteriaIndex, Matcher, PairTable, SectionVectors, compute_pair_table, embed_sections
from analyser.segment import segment_document
from analyser.wordcount import count_section_words

from .labelled import LabelledReport, align_sections

__all__ = ["ReportPairs", "build_pairs", "evidence_bank", "label_pairs"]


@dataclass
class ReportPairs:
    """One labelled report run through the pipeline, with its pair features and labels."""

    report: LabelledReport
    fmt: str
    sections: tuple[Section, ...]
    table: PairTable
    labels: np.ndarray  # 1 where the assessor credited that (section, criterion)
    aligned: np.ndarray  # True where the row's section matched a labelled section
    embedded: SectionVectors | None = None
    credited: set[str] = field(default_factory=set)

    def recompute(self, index: CriteriaIndex) -> "ReportPairs":
        """The same report's pairs with features from another index (e.g. a smaller evidence bank)."""
        table = compute_pair_table(self.sections, index, embedded=self.embedded)
        return replace(self, table=table)


def label_pairs(table: PairTable, sections: tuple[Section, ...], report: LabelledReport) -> tuple[np.ndarray, np.ndarray]:
    """(labels, aligned) per row of the table: credited there by the assessor, and whether its section is labelled."""
    aligned_labels = align_sections(sections, report.section_labels)
    labels = np.zeros(len(table.codes), dtype=np.int64)
    aligned = np.zeros(len(table.codes), dtype=bool)
    for row, (section_index, code) in enumerate(zip(table.sections, table.codes)):
        label = aligned_labels.get(section_index)
        if label is not None:
            aligned[row] = True
            labels[row] = int(code in label.get("ksbs", []))
    return labels, aligned


def build_pairs(report: LabelledReport, scheme: Scheme, encoder: TextEncoder, matcher: Matcher, *, fmt: str = "md") -> ReportPairs:
    """Extract, segment and embed one labelled report, and label its (section, criterion) pairs."""
    document = extract_document(report.path(fmt))
    sections = count_section_words(segment_document(document), maximum=scheme.word_maximum)
    # A report never sees its own credited sentences in the evidence bank.
    index = matcher.index_for(scheme, encoder).without_sources({report.id})
    embedded = embed_sections(sections, encoder)
    table = compute_pair_table(sections, index, embedded=embedded)
    labels, aligned = label_pairs(table, sections, report)
    return ReportPairs(report=report, fmt=fmt, sections=sections, table=table, labels=labels, aligned=aligned, embedded=embedded, credited=report.credited)


def evidence_bank(reports: list[LabelledReport]) -> list[BankRow]:
    """(code, quote, report id) for every quote an assessor credited in the labelled reports."""
    bank = []
    for report in reports:
        for row in report.labels.get("evidence", []):
            text = " ".join(str(row.get("quote", "")).split())
            if text and row.get("code"):
                bank.append((row["code"], text, report.id))
    return bank
