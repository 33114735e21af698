"""Build Analysis objects for the renderer tests: by hand (fast, exact) or through the real pipeline.

No real reports are committed: the hand-built analysis uses invented text, and the pipeline
report is the bundled synthetic sample with a mapping annex written by the test.
"""

from __future__ import annotations

from pathlib import Path

from analyser.criteria import load_scheme
from analyser.summarise import compare_claims, summarise_criteria
from analyser.datamodel import Analysis, Block, CriterionResult, Document, Evidence, Section, Suggestion, WordCount

__all__ = ["HOSTILE_HEADING", "EVIDENCE_SENTENCE", "TABLE_ROW", "SAMPLE_MD", "hand_built_analysis", "report_with_mapping"]

SAMPLE_MD = Path(__file__).resolve().parent.parent / "samples" / "sample-report.md"
HOSTILE_HEADING = 'Costs & <script>alert("x")</script> "quotes"'
TABLE_ROW = "Cost | <b>£5</b>"
EVIDENCE_SENTENCE = "Our mission is to put customers first, and the strategy sets a 90% satisfaction target."


def hand_built_analysis(*, claims: bool = True, beyond: bool = False) -> Analysis:
    """A small analysis of an invented three-section report, statuses chosen by hand.

    K1.1 evidenced in §1 (claimed), K1.2 review in §2 (claimed), K2.1 evidenced (not claimed),
    K1.3 gap (claimed), every other criterion a gap (not claimed). With ``claims=False`` the
    report claims nothing (every ``claimed`` is None).
    """
    scheme = load_scheme("st0071-highfield")
    sections = (
        Section(index=0, heading="Cover", level=1, part="front", blocks=(Block("Apprentice: A. Person"),), words=3),
        Section(
            index=1,
            heading="1. Our mission",
            level=2,
            part="body",
            blocks=(
                Block(f"Some context first. {EVIDENCE_SENTENCE}  Then more text."),
                Block("A point in a list", kind="list_item"),
                Block(f"{TABLE_ROW}\nTime | 3 days", kind="table"),
            ),
            words=40,
            start_word=0,
        ),
        Section(
            index=2,
            heading=HOSTILE_HEADING,
            level=2,
            part="body",
            blocks=(Block("I recommended a change to the returns process & it saved <10 minutes per call."),),
            words=2800,
            start_word=40,
            beyond_limit=beyond,
        ),
        Section(index=3, heading="Appendix A – Mapping", level=2, part="annex", blocks=(Block("K1.1 | §1\nK1.2 | §2\nK1.3 | §2", kind="table"),), words=9),
    )
    document = Document(path=Path("/tmp/invented/report.md"), format="md", sha256="0" * 64, blocks=tuple(b for s in sections for b in s.blocks))
    word_count = WordCount(
        assessed=2840, target=2500, minimum=2250, maximum=2750, status="over",
        by_part={"front": 3, "body": 2840, "references": 0, "annex": 9}, rule="Counted the body words.",
    )
    hand = {
        "K1.1": ("evidenced", 0.91, (1,), (Evidence(1, EVIDENCE_SENTENCE, 0.9),), True),
        "K1.2": ("review", 0.42, (2,), (Evidence(2, "I recommended a change to the returns process & it saved <10 minutes per call.", 0.4),), True),
        "K2.1": ("evidenced", 0.77, (1,), (Evidence(1, EVIDENCE_SENTENCE, 0.7), Evidence(1, TABLE_ROW, 0.6)), False),
        "K1.3": ("gap", 0.02, (), (), True),
    }
    results = []
    for criterion in scheme.analysed_criteria:
        status, score, where, evidence, claimed = hand.get(criterion.code, ("gap", 0.0, (), (), False))
        results.append(
            CriterionResult(
                code=criterion.code, grade=criterion.grade, status=status, score=score,  # type: ignore[arg-type]
                sections=where, beyond_limit_only=False, claimed=claimed if claims else None, evidence=evidence,
            )
        )
    suggestions = {1: (Suggestion("K1.1", 0.91), Suggestion("K2.1", 0.77)), 2: ()}
    results = tuple(results)
    return Analysis(
        document=document, scheme=scheme, sections=sections, word_count=word_count, suggestions=suggestions,
        criteria=results, summary=summarise_criteria(results), claims=compare_claims(results),
    )


def report_with_mapping(folder: Path) -> Path:
    """The synthetic sample report with the apprentice's own mapping table appended as an annex.

    The table claims K1.3 and S3.4 (distinction criteria the sample does not evidence) and leaves
    out most of the pass criteria it does evidence, so claim and evidence disagree both ways.
    """
    text = SAMPLE_MD.read_text(encoding="utf-8")
    text += (
        "\n\n## Appendix C – Mapping to the criteria\n\n"
        "| Criteria | Section |\n| --- | --- |\n"
        "| K1.1 | What Kestrel stands for |\n| K1.2 | My recommendation |\n| K1.3 | My recommendation |\n"
        "| K2.2 | The rules and systems behind the service |\n| S3.4 | Feedback from Ms P. and other sellers |\n"
        "| S5.3 | Staying within the rules |\n"
    )
    path = folder / "report-with-mapping.md"
    path.write_text(text, encoding="utf-8")
    return path
