"""Words broken at line ends: hyphenated splits, compounds, and words broken without a hyphen.

A hyphen at a line end is dropped inside a split word ("manage-" "ment") and kept in a
compound ("follow-up"), judged by the words the document uses elsewhere. Word processors
also break a long URL, and words in narrow table cells ("Cancelle" "d"), without a hyphen:
those pieces are glued when they make a word seen elsewhere.
"""

from __future__ import annotations

import re

from .layout import Layout
from .lines import Line, Paragraph


__all__ = ["Vocabulary", "join_lines", "resolve_hyphens", "split_word"]

_URL = re.compile(r"^[(<\[]?(?:https?://|www\.)\S+$", re.I)
_URL_BREAKS = ("/", "_", "=", "&", "?", "#", "%", "~")
_LINE_END_HYPHENS = ("-", "\x02", "\u00ad", "\u2010")
_SUFFIX_FRAGMENT = re.compile(
    r"^(?:tions?|sions?|ments?|ness(?:es)?|ings?|ity|ities|ances?|ences?|ations?|able|ible|"
    r"ably|ibly|i[sz]ed|i[sz]ing|i[sz]es?|ly|ful|less|ous|ives?|ical|ures?|ated|ating|ial|"
    r"ians?|ers?|ed|al|ents?|ists?|isms?|ship|hood|ward|wards)$"
)


class Vocabulary:
    """Words seen before the end of a line (so never the head of a broken word)."""

    def __init__(self, lines: list[Line]) -> None:
        self.words: set[str] = set()
        self.shapes: set[str] = set()
        for line in lines:
            for token in line.text.split()[:-1]:
                word = _bare(token)
                self.words.add(word)
                self.shapes.add(_shape(word))

    def joins(self, head: str, tail: str, tight: bool) -> bool:
        """Whether ``head`` + ``tail`` make one word broken at a line end.

        Yes if the joined word is seen elsewhere and ``head`` is not; on ``tight`` lines
        (within a table cell) also a number broken before its last digits ("14/03/202"
        "3") or a name before its last one or two letters ("Leiceste" "r").
        """
        head, tail = _bare(head), _bare(tail)
        if not head or not tail:
            return False
        joined = head + tail
        if any(ch.isdigit() for ch in joined):
            if _shape(joined) in self.shapes and _shape(head) not in self.shapes:
                return True
            return tight and head[-1].isdigit() and tail.isdigit() and len(tail) <= 2
        if head in self.words:
            return False
        if joined in self.words:
            return True
        return tight and len(head) >= 4 and len(tail) <= 2 and tail.isalpha() and tail.islower()


def _bare(token: str) -> str:
    return token.strip(".,;:!?()[]{}\"'“”‘’").lower()


def _shape(word: str) -> str:
    return re.sub(r"\d", "9", word)


def split_word(a: Line, b: Line, layout: Layout, vocabulary: Vocabulary) -> bool:
    """Whether ``b`` continues a word broken without a hyphen at the end of ``a``.

    Word processors do this to a long URL, and in narrow table cells ("Cancelle" / "d"):
    the line has no space after it, ``b`` starts right below the last cell of ``a`` and
    the two pieces make a word seen elsewhere in the document.
    """
    if a.page != b.page or not b.text:
        return False
    pitch = a.baseline - b.baseline
    normal = layout.pitch_ratio * max(a.size, b.size)
    if not 0.5 * b.size < pitch <= 1.6 * normal or abs(b.x0 - a.last_x0) > 0.6 * b.size:
        return False
    head = a.text.rsplit(" ", 1)[-1]
    spaced = layout.spaced_ends >= 0.5  # the source marks word-boundary line ends by a space
    if _URL.match(head) and pitch <= 1.15 * normal and not b.text[0].isupper():
        return not a.open_end if spaced else head.endswith(_URL_BREAKS)
    if not spaced or a.open_end:
        return False
    closing = b.text[0] in ")]}%,;:.!?”’"
    if not a.text[-1:].isalnum() or not (b.text[0].isalnum() or closing):
        return False
    tight = pitch <= 1.15 * normal and not _reaches_margin(a, layout)
    if closing:
        return tight
    return vocabulary.joins(head, b.text.split(" ", 1)[0], tight)


def _reaches_margin(a: Line, layout: Layout) -> bool:
    """Whether ``a`` runs to the page's right margin (body text, not a table cell)."""
    return layout.right_edge - a.x1 < 3 * a.size


def join_lines(text: str, next_text: str) -> str:
    """Append a wrapped line, mending a hyphen at the break (decided later, see below)."""
    if (
        text.endswith(_LINE_END_HYPHENS)
        and len(text) > 1
        and text[-2].isalnum()
        and next_text[:1].isalnum()
    ):
        return text[:-1] + "\x00" + next_text  # placeholder: keep or drop the hyphen
    return f"{text} {next_text}"


def resolve_hyphens(paragraphs: list[Paragraph]) -> None:
    """Decide each line-end hyphen: drop it inside a split word, keep it in a compound."""
    vocabulary: set[str] = set()
    for paragraph in paragraphs:
        for token in paragraph.text.split():
            if "\x00" not in token:  # the halves of a broken word are not words
                vocabulary.add(token.strip(".,;:!?()[]\"'“”‘’").lower())
    for paragraph in paragraphs:
        if "\x00" in paragraph.text:
            paragraph.text = re.sub(
                r"(\S*)\x00(\S*)",
                lambda match: _mend(match.group(1), match.group(2), vocabulary),
                paragraph.text,
            )


def _mend(before: str, after: str, vocabulary: set[str]) -> str:
    """Join two halves of a word broken at a line-end hyphen, with or without the hyphen."""
    head = re.sub(r"^\W+", "", before).lower()
    tail = re.sub(r"\W+$", "", after).lower()
    last_part = head.rsplit("-", 1)[-1]
    if not head or not tail or before[-1:].isdigit() or after[:1].isupper():
        return f"{before}-{after}"
    if f"{head}-{tail}" in vocabulary:
        return f"{before}-{after}"
    if f"{head}{tail}" in vocabulary or (
        _SUFFIX_FRAGMENT.match(tail) and tail not in vocabulary and len(last_part) >= 3
    ):
        return f"{before}{after}"
    return f"{before}-{after}"
