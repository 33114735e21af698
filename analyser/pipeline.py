"""analyse(path) composes the stages: extract -> segment -> count -> match. No logic of its own."""

from __future__ import annotations

from pathlib import Path

from .criteria import DEFAULT_SCHEME, load_scheme
from .datamodel import Analysis, Document, Scheme
from .embed import TextEncoder, load_embedder
from .errors import InputError
from .extract import ExtractSettings, extract_document
from .content import check_content
from .match import Matcher, embed_sections
from .segment import segment_document
from .wordcount import count_section_words, summarise_word_count

__all__ = ["analyse", "analyse_document", "get_matcher"]

_matcher: Matcher | None = None


def get_matcher() -> Matcher:
    """The process-wide matcher (its model and criteria index load once)."""
    global _matcher
    if _matcher is None:
        _matcher = Matcher()
    return _matcher


def analyse(
    path: Path | str,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: TextEncoder | None = None,
    matcher: Matcher | None = None,
    settings: ExtractSettings | None = None,
) -> Analysis:
    """Analyse one report file against a scheme (default ``st0071-highfield``)."""
    scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme  # a bad scheme is reported first
    document = extract_document(Path(path), settings=settings)
    return analyse_document(document, scheme=scheme, encoder=encoder, matcher=matcher)


def analyse_document(
    document: Document,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: TextEncoder | None = None,
    matcher: Matcher | None = None,
) -> Analysis:
    """Analyse an already extracted Document."""
    scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme
    if not any(block.text.strip() for block in document.blocks):
        raise InputError("no text found in the report; check it is the right file", path=document.path)
    sections = count_section_words(segment_document(document), maximum=scheme.word_maximum)
    word_count = summarise_word_count(sections, scheme=scheme)
    if word_count.assessed == 0:
        raise InputError(
            "no body text: every section is front matter, references or annexes; check the headings", path=document.path
        )
    encoder = encoder or load_embedder()
    matcher = matcher or get_matcher()
    embedded = embed_sections(sections, encoder)
    suggestions, criteria = matcher.match(sections, scheme, encoder, embedded=embedded)
    content = check_content(sections, scheme, encoder, embedded)
    return Analysis(
        document=document,
        scheme=scheme,
        sections=sections,
        word_count=word_count,
        suggestions=suggestions,
        criteria=criteria,
        extras={"content_check": content},
    )
