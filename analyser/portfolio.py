"""A portfolio folder -> its pieces of evidence counted and mapped to the discussion criteria.

ST0071's professional discussion is "supported by portfolio evidence": Highfield asks for "a
minimum of 10 and a maximum of 15 pieces of evidence" that "relate to the standards that apply
to the professional discussion" (witness statements, customer feedback, manager feedback ...).
Each file in the folder is one piece. The pieces are counted against the scheme's range, each
readable piece is compared, sentence by sentence, with the criteria of the scheme's portfolio
method (in the assessment's own words: description and guidance notes), and the criteria no
piece seems to support are flagged. The portfolio is not assessed; this only helps the
apprentice and their employer see what the pieces may cover before the discussion.

The writers are in :mod:`analyser.render.portfolio`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .criteria import DEFAULT_SCHEME, load_scheme
from .datamodel import Criterion, Scheme
from .embed import TextEncoder, load_embedder
from .errors import AnalyserError, CriteriaError, InputError
from .extract import SUPPORTED_SUFFIXES, ExtractSettings, extract_document
from .match import document_sentences, score_criteria
from .wordcount import count_words, range_status

__all__ = [
    "SUPPORTS",
    "SUPPORTS_FLOOR",
    "SUPPORTS_MARGIN",
    "PieceResult",
    "CriterionSupport",
    "PortfolioCheck",
    "check_portfolio",
    "portfolio_files",
    "relative_name",
    "support_matrix",
]

CountStatus = Literal["under", "within", "over", "no limit"]

# When a piece supports a criterion (all-MiniLM-L6-v2 cosine similarity of the piece's best sentence
# to the criterion's own words). Criterion texts are abstract and some match every piece a little, so
# with three or more readable pieces the scores are double-centred (each criterion's mean over the
# pieces and each piece's mean over the criteria taken off): a piece supports a criterion when its
# score is at least SUPPORTS_FLOOR and stands at least SUPPORTS_MARGIN above what that piece and that
# criterion score on average, or when it reaches SUPPORTS outright. With fewer pieces only SUPPORTS
# applies. Set on hand-written witness statements, customer emails, one-to-one notes, certificates
# and case notes against Highfield's 14 professional-discussion criteria.
SUPPORTS = 0.50
SUPPORTS_FLOOR = 0.30
SUPPORTS_MARGIN = 0.07
MAX_FILES = 200  # more files than this is not a portfolio (the wrong folder given)


@dataclass(frozen=True)
class PieceResult:
    """One piece of evidence (one file): its words and the criteria it seems to support, best first."""

    path: Path
    words: int
    supports: tuple[tuple[str, float], ...]
    best: tuple[str, float] | None
    error: str | None = None


@dataclass(frozen=True)
class CriterionSupport:
    """One criterion of the portfolio's method and the pieces that seem to support it."""

    code: str
    grade: str
    description: str
    pieces: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class PortfolioCheck:
    """The pieces counted against the scheme's range and mapped to the method's criteria."""

    folder: Path
    scheme: Scheme
    method: str
    pieces: tuple[PieceResult, ...]
    minimum: int | None
    maximum: int | None
    status: CountStatus
    criteria: tuple[CriterionSupport, ...]

    @property
    def unsupported(self) -> tuple[str, ...]:
        """Codes of the criteria no piece seems to support."""
        return tuple(c.code for c in self.criteria if not c.pieces)


def portfolio_files(folder: Path) -> list[Path]:
    """Every file under the folder (subfolders included), hidden files and folders left out, in name order."""
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in relative.parts):
            continue
        if path.is_file():
            files.append(path)
    return files


def relative_name(path: Path, folder: Path) -> str:
    """A piece's name as shown and reported: its path inside the portfolio folder."""
    return str(path.relative_to(folder))


def _count_status(count: int, minimum: int | None, maximum: int | None) -> CountStatus:
    return range_status(count, minimum, maximum)  # type: ignore[return-value]


def _read_piece(path: Path, settings: ExtractSettings | None) -> tuple[list[str], int, str | None]:
    """(sentences, words, error) of one piece; an unreadable piece gives an error, never raises."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return [], 0, f"not read: '{path.suffix or '(no extension)'}' is not a supported format ({', '.join(SUPPORTED_SUFFIXES)})"
    try:
        document = extract_document(path, settings=settings)
    except AnalyserError as err:
        return [], 0, f"not read: {' '.join(err.reason.split())}"
    words = sum(count_words(block.text) for block in document.blocks)
    return document_sentences(document), words, None


def _piece_scores(sentences: list[str], criteria: tuple[Criterion, ...], encoder: TextEncoder, *, key: str) -> np.ndarray:
    """Each criterion's best sentence score in one piece (zeros for a piece with no sentences)."""
    scores = score_criteria(sentences, criteria, encoder, key=key)
    if scores.shape[0] == 0:
        return np.zeros(len(criteria), dtype=np.float32)
    return scores.max(axis=0)


def support_matrix(scores: np.ndarray) -> np.ndarray:
    """(pieces, criteria) scores -> booleans: which piece supports which criterion (see SUPPORTS)."""
    if scores.shape[0] < 3:
        return scores >= SUPPORTS
    centred = scores - scores.mean(axis=0, keepdims=True) - scores.mean(axis=1, keepdims=True) + scores.mean()
    return (scores >= SUPPORTS) | ((scores >= SUPPORTS_FLOOR) & (centred >= SUPPORTS_MARGIN))


def _pieces(
    readings: list[tuple[Path, list[str], int, str | None]], readable: list[int], scores: np.ndarray, criteria: tuple[Criterion, ...]
) -> list[PieceResult]:
    """Each file as a piece: the criteria it supports (best first), or why it was not read."""
    supported = support_matrix(scores)
    row_of = {index: row for row, index in enumerate(readable)}
    pieces: list[PieceResult] = []
    for index, (path, _, words, error) in enumerate(readings):
        row = row_of.get(index)
        if row is None:
            pieces.append(PieceResult(path=path, words=words, supports=(), best=None, error=error or "no text found"))
            continue
        order = np.argsort(-scores[row])
        supports = tuple((criteria[i].code, round(float(scores[row, i]), 4)) for i in order if supported[row, i])
        best = (criteria[int(order[0])].code, round(float(scores[row, order[0]]), 4)) if len(order) else None
        pieces.append(PieceResult(path=path, words=words, supports=supports, best=best))
    return pieces


def _criteria_support(
    pieces: list[PieceResult], scores: np.ndarray, criteria: tuple[Criterion, ...], folder: Path
) -> list[CriterionSupport]:
    """Each criterion with the pieces that support it and its best score over all pieces."""
    results = []
    for position, criterion in enumerate(criteria):
        supporting = tuple(
            relative_name(piece.path, folder) for piece in pieces if any(code == criterion.code for code, _ in piece.supports)
        )
        best = float(scores[:, position].max()) if scores.size else 0.0
        results.append(
            CriterionSupport(
                code=criterion.code, grade=criterion.grade, description=criterion.description, pieces=supporting, score=round(best, 4)
            )
        )
    return results


def check_portfolio(
    folder: Path | str,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: TextEncoder | None = None,
    settings: ExtractSettings | None = None,
) -> PortfolioCheck:
    """Count and map the pieces of evidence in a folder against a scheme's portfolio method.

    Raises InputError when the folder is missing, not a folder or holds no files, and
    CriteriaError when the scheme has no portfolio. A piece that cannot be read is counted and
    reported with its reason; the others are still mapped.
    """
    scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme
    if scheme.portfolio_method is None:
        raise CriteriaError(
            f"scheme '{scheme.id}' has no portfolio (no professional-discussion criteria and no 'portfolio' field); "
            "choose another scheme with --scheme",
            path=scheme.path,
        )
    folder = Path(folder)
    if not folder.exists():
        raise InputError("folder not found; check the path", path=folder)
    if not folder.is_dir():
        raise InputError("not a folder; give the folder that holds the portfolio pieces, one file per piece", path=folder)
    files = portfolio_files(folder)
    if not files:
        raise InputError("no files in the folder; put each piece of evidence in it as a file", path=folder)
    if len(files) > MAX_FILES:
        raise InputError(
            f"{len(files)} files in the folder, more than {MAX_FILES}; a portfolio has 10-15 pieces, so check it is the right folder",
            path=folder,
        )
    criteria = tuple(c for c in scheme.criteria if c.method == scheme.portfolio_method)
    readings = [(path, *_read_piece(path, settings)) for path in files]
    readable = [i for i, (_, sentences, _, error) in enumerate(readings) if error is None and sentences]
    scores = np.zeros((len(readable), len(criteria)), dtype=np.float32)
    encoder = encoder or load_embedder()
    for row, index in enumerate(readable):
        scores[row] = _piece_scores(readings[index][1], criteria, encoder, key=f"portfolio-{scheme.id}")
    pieces = _pieces(readings, readable, scores, criteria)
    results = _criteria_support(pieces, scores, criteria, folder)
    return PortfolioCheck(
        folder=folder,
        scheme=scheme,
        method=scheme.portfolio_method,
        pieces=tuple(pieces),
        minimum=scheme.portfolio_minimum,
        maximum=scheme.portfolio_maximum,
        status=_count_status(len(pieces), scheme.portfolio_minimum, scheme.portfolio_maximum),
        criteria=tuple(results),
    )
