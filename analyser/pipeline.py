"""The `Analyser`: loads the scheme, the embedder and the matcher once, then runs named stages.

    >>> analyser = Analyser("st0071-highfield")     # doctest: +SKIP
    >>> analysis = analyser("report.docx")          # doctest: +SKIP

Like spaCy's ``Language.__call__``, a call runs its stages in order over one work-in-progress
object (:class:`Run`); each stage is a method named ``stage_<name>`` that fills some of its fields:

    extract   path -> Document                        (analyser.extract)
    segment   Document -> sections with parts          (analyser.segment)
    count     sections -> word counts, marking limit   (analyser.wordcount)
    embed     body sentences -> vectors                (analyser.match)
    match     sections x criteria -> suggestions, criterion results
    content   the report areas and annexes             (analyser.content)
    claims    the report's own codes against what was found
    summarise counts per grade, gaps and review items, the next steps  (analyser.guidance)

An unexpected exception inside a stage carries a note naming the stage. Batch workers, ``ksb
serve`` and ``scripts/bench.py`` hold one Analyser each; ``analyse(path)`` builds one for a call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .criteria import DEFAULT_SCHEME, load_scheme
from .datamodel import Analysis, Block, ClaimComparison, CriterionResult, Document, Scheme, Section, Suggestion, Summary, WordCount
from .errors import InputError
from .extract import ExtractSettings, extract_document

__all__ = ["STAGES", "Analyser", "Run", "analyse", "analyse_document"]

STAGES = ("extract", "segment", "count", "embed", "match", "content", "claims", "summarise")

_WARM_UP_TEXT = (
    "I answered customer calls and emails for the service team, resolved complaints, "
    "and measured satisfaction with a short survey after every conversation."
)


@dataclass
class Run:
    """One report's work in progress: each stage fills its fields (``timings``: seconds per stage)."""

    path: Path | None = None
    document: Document | None = None
    sections: tuple[Section, ...] = ()
    word_count: WordCount | None = None
    embedded: object | None = None
    suggestions: dict[int, tuple[Suggestion, ...]] = field(default_factory=dict)
    criteria: tuple[CriterionResult, ...] = ()
    content: object | None = None
    claims: ClaimComparison | None = None
    summary: Summary | None = None
    next_steps: tuple = ()
    timings: dict[str, float] = field(default_factory=dict)


class Analyser:
    """A scheme, an embedder and a matcher loaded once; call it on report paths.

    ``encoder`` and ``matcher`` default to the bundled model and the trained matcher (loaded on
    first use). ``with_scheme`` gives an Analyser for another scheme sharing both.
    """

    def __init__(
        self,
        scheme: Scheme | str | Path = DEFAULT_SCHEME,
        *,
        encoder: object | None = None,
        matcher: object | None = None,
        settings: ExtractSettings | None = None,
    ) -> None:
        self.scheme: Scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme
        self.settings = settings or ExtractSettings()
        self._encoder = encoder
        self._matcher = matcher

    # -- loaded once -----------------------------------------------------------------------

    @property
    def encoder(self):  # type: ignore[no-untyped-def]
        """The sentence embedder (the bundled MiniLM unless one was given)."""
        if self._encoder is None:
            from .embed import load_embedder

            self._encoder = load_embedder()
        return self._encoder

    @property
    def matcher(self):  # type: ignore[no-untyped-def]
        """The trained matcher (its model and criteria indexes load once)."""
        if self._matcher is None:
            from .match import Matcher

            self._matcher = Matcher()
        return self._matcher

    def with_scheme(self, scheme: Scheme | str | Path) -> "Analyser":
        """An Analyser for another scheme that shares this one's embedder, matcher and settings."""
        return Analyser(scheme, encoder=self.encoder, matcher=self.matcher, settings=self.settings)

    def warm_up(self) -> None:
        """Load the model, the matcher and this scheme's criteria index by analysing a tiny built-in text."""
        from .extract import docx as _docx  # noqa: F401 - imported for its load time
        from .extract import pdf as _pdf  # noqa: F401

        document = Document(
            path=Path("warm-up.txt"),
            format="txt",
            sha256="0" * 64,
            blocks=(Block("What I did", kind="heading", level=1), Block(_WARM_UP_TEXT)),
        )
        self.analyse_document(document)

    # -- running ---------------------------------------------------------------------------

    @property
    def stages(self) -> list[tuple[str, Callable[[Run], None]]]:
        """The named stages, in order: ``(name, method)``."""
        return [(name, getattr(self, f"stage_{name}")) for name in STAGES]

    def __call__(self, path: Path | str) -> Analysis:
        """Analyse one report file."""
        return self.run(Run(path=Path(path)))

    def analyse_document(self, document: Document) -> Analysis:
        """Analyse an already extracted Document (every stage after ``extract``)."""
        return self.run(Run(path=document.path, document=document))

    def run(self, run: Run) -> Analysis:
        """Run every stage whose input is not already there; ``run.timings`` records each stage's seconds."""
        for name, stage in self.stages:
            if name == "extract" and run.document is not None:
                continue
            started = time.perf_counter()
            try:
                stage(run)
            except Exception as err:
                if hasattr(err, "add_note"):
                    err.add_note(f"in the analyser's '{name}' stage")
                raise
            run.timings[name] = time.perf_counter() - started
        assert run.document is not None and run.word_count is not None
        assert run.claims is not None and run.summary is not None
        return Analysis(
            document=run.document,
            scheme=self.scheme,
            sections=run.sections,
            word_count=run.word_count,
            suggestions=run.suggestions,
            criteria=run.criteria,
            summary=run.summary,
            claims=run.claims,
            content=run.content,
            next_steps=run.next_steps,
        )

    # -- the stages ------------------------------------------------------------------------

    def stage_extract(self, run: Run) -> None:
        assert run.path is not None
        run.document = extract_document(run.path, settings=self.settings)

    def stage_segment(self, run: Run) -> None:
        from .segment import segment_document

        document = run.document
        assert document is not None
        if not any(block.text.strip() for block in document.blocks):
            raise InputError("no text found in the report; check it is the right file", path=document.path)
        run.sections = segment_document(document)

    def stage_count(self, run: Run) -> None:
        from .wordcount import count_section_words, summarise_word_count

        run.sections = count_section_words(run.sections, maximum=self.scheme.word_maximum)
        run.word_count = summarise_word_count(run.sections, scheme=self.scheme)
        if run.word_count.assessed == 0:
            assert run.document is not None
            raise InputError(
                "no body text: every section is front matter, references or annexes; check the headings",
                path=run.document.path,
            )

    def stage_embed(self, run: Run) -> None:
        from .match import embed_sections

        run.embedded = embed_sections(run.sections, self.encoder)

    def stage_match(self, run: Run) -> None:
        run.suggestions, run.criteria = self.matcher.match(run.sections, self.scheme, self.encoder, embedded=run.embedded)

    def stage_content(self, run: Run) -> None:
        from .content import check_content

        run.content = check_content(run.sections, self.scheme, self.encoder, run.embedded, run.criteria)

    def stage_claims(self, run: Run) -> None:
        from .summarise import compare_claims

        run.claims = compare_claims(run.criteria)

    def stage_summarise(self, run: Run) -> None:
        from .guidance import next_steps
        from .summarise import summarise_criteria

        run.summary = summarise_criteria(run.criteria)
        run.next_steps = next_steps(self.scheme, run.sections, run.criteria)


def analyse(
    path: Path | str,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: object | None = None,
    matcher: object | None = None,
    settings: ExtractSettings | None = None,
) -> Analysis:
    """Analyse one report file against a scheme (default ``st0071-highfield``) with a new Analyser.

    To analyse many reports, build one :class:`Analyser` and call it: the model loads once.
    """
    analyser = Analyser(scheme, encoder=encoder, matcher=matcher, settings=settings)  # a bad scheme is reported first
    return analyser(path)


def analyse_document(
    document: Document,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: object | None = None,
    matcher: object | None = None,
) -> Analysis:
    """Analyse an already extracted Document with a new Analyser."""
    return Analyser(scheme, encoder=encoder, matcher=matcher).analyse_document(document)
