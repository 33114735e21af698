"""The sets of mutants: :func:`quick` (a few dozen, for ``make test``) and :func:`full` (a few
hundred, for ``make fuzz``). Both are deterministic for a given seed.

The product bugs these mutants show are listed in :mod:`fuzz.bugs`.
"""

from __future__ import annotations

import random
import re
from typing import Callable

from . import byte_mutants as b
from . import docx_mutants as d
from . import pdf_mutants as p
from .mutant import SAMPLE_MD, Mutant, Seed, load_seeds, numbered_name
from .names import DISK_NAMES
from .structured import docx_mutants, draw_examples, pdf_mutants

__all__ = ["Built", "fixed_recipes", "full", "hostile_names", "quick", "random_mutants", "small_report"]

Built = Callable[[random.Random, dict[str, Seed]], Mutant]


def small_report() -> bytes:
    """A short good report (two headings, about 120 words) that analyses in a moment."""
    words = SAMPLE_MD.read_text(encoding="utf-8").split()
    body = [w for w in words if not w.startswith("#")]
    return (
        "# Introduction\n\n" + " ".join(body[40:100]) + "\n\n## What I did\n\n" + " ".join(body[300:360]) + "\n"
    ).encode("utf-8")


def _controls_in_headings(text: str, rng: random.Random) -> str:
    def spoil(match: re.Match[str]) -> str:
        heading = match.group(2)
        cut = rng.randrange(1, max(2, len(heading)))
        return match.group(1) + heading[:cut] + rng.choice(["\x07", "\x1b[31m", "\x1b]0;x\x07", "\x08", "\x0c"]) + heading[cut:]

    return re.sub(r"^(#+ )(.+)$", spoil, text, flags=re.MULTILINE)


def _seed(seeds: dict[str, Seed], *labels: str) -> Seed:
    """The first of ``labels`` present (dev reports may be missing on a machine), else the sample."""
    for label in labels:
        if label in seeds:
            return seeds[label]
    return seeds["sample.docx" if labels[0].endswith(".docx") else "sample.md"]


def _docx(recipe: str, source: Seed, result: tuple[bytes, str], **options) -> Mutant:  # type: ignore[no-untyped-def]
    return Mutant(recipe, source.label, f"{recipe}.docx", result[0], detail=result[1], **options)


def _pdf(recipe: str, source: str, result: tuple[bytes, str], **options) -> Mutant:  # type: ignore[no-untyped-def]
    return Mutant(recipe, source, f"{recipe}.pdf", result[0], detail=result[1], **options)


def _pdf_heading_report(rng: random.Random) -> tuple[bytes, str]:
    headings = ["Intro\x07duction", "The \x1b[31mproblem", "What I did\x1b]0;pwned\x07", "Results\x08", "Reflection"]
    return p.text_pdf(p.report_pages(rng, headings=headings)), "BEL, ESC and BS in 5 headings"


#: recipe -> (builder, heavy). Heavy recipes take minutes or gigabytes today; only the full run has them.
def fixed_recipes() -> dict[str, tuple[Built, bool]]:
    """The named recipes of issue 16, each built once from a fixed seed report."""
    mb = 1024 * 1024
    recipes: dict[str, tuple[Built, bool]] = {
        "core-missing": (lambda r, s: _docx("core-missing", _seed(s, "r02.docx"), d.drop_member(_seed(s, "r02.docx").data, r, "docProps/core.xml"), must_analyse=True), False),
        "core-empty": (lambda r, s: _docx("core-empty", _seed(s, "sample.docx"), d.empty_member(_seed(s, "sample.docx").data, "docProps/core.xml"), must_analyse=True), False),
        "app-missing": (lambda r, s: _docx("app-missing", _seed(s, "r05.docx"), d.drop_member(_seed(s, "r05.docx").data, r, "docProps/app.xml"), must_analyse=True), False),
        "zip-version-172": (lambda r, s: _docx("zip-version-172", _seed(s, "r02.docx"), d.zip_version(_seed(s, "r02.docx").data)), False),
        "huge-attribute-2mb": (lambda r, s: _docx("huge-attribute-2mb", _seed(s, "r05.docx"), d.huge_attribute(_seed(s, "r05.docx").data, r, size=2 * mb)), False),
        "huge-attribute-30mb-repeated": (lambda r, s: _docx("huge-attribute-30mb-repeated", _seed(s, "r07.docx"), d.huge_attribute(_seed(s, "r07.docx").data, r, size=30 * mb, compressible=True)), False),
        "deep-sdt-300": (lambda r, s: _docx("deep-sdt-300", _seed(s, "r07.docx"), d.deep_nesting(_seed(s, "r07.docx").data, depth=300, kind="sdt")), False),
        "deep-table-40": (lambda r, s: _docx("deep-table-40", _seed(s, "r11.docx"), d.deep_nesting(_seed(s, "r11.docx").data, depth=40, kind="table")), False),
        "deep-smarttag-5000": (lambda r, s: _docx("deep-smarttag-5000", _seed(s, "r11.docx"), d.deep_nesting(_seed(s, "r11.docx").data, depth=5000, kind="smarttag")), False),
        "image-zeros-11mb": (lambda r, s: _docx("image-zeros-11mb", _seed(s, "r13.docx"), d.add_member(_seed(s, "r13.docx").data, "word/media/image1.png", bytes(11 * mb))), False),
        "image-zeros-11mb-control-name": (lambda r, s: _docx("image-zeros-11mb-control-name", _seed(s, "r13.docx"), d.add_member(_seed(s, "r13.docx").data, "word/media/\x01image1.png", bytes(11 * mb))), False),
        "image-random-11mb": (lambda r, s: _docx("image-random-11mb", _seed(s, "r19.docx"), d.add_member(_seed(s, "r19.docx").data, "word/media/image1.png", r.randbytes(11 * mb)), must_analyse=True), False),
        "bidi-headings-docx": (lambda r, s: _docx("bidi-headings-docx", _seed(s, "r19.docx"), d.inject_characters(_seed(s, "r19.docx").data, r, d.BIDI, headings_only=True), must_analyse=True), False),
        "c1-controls-text-docx": (lambda r, s: _docx("c1-controls-text-docx", _seed(s, "r02.docx"), d.inject_characters(_seed(s, "r02.docx").data, r, d.C1_CONTROLS), must_analyse=True, formats=("json", "text")), False),
        "c0-controls-headings-docx": (lambda r, s: _docx("c0-controls-headings-docx", _seed(s, "r05.docx"), d.inject_characters(_seed(s, "r05.docx").data, r, d.C0_CONTROLS, headings_only=True)), False),
        "control-headings-md": (lambda r, s: Mutant("control-headings-md", _seed(s, "r13.md").label, "control-headings-md.md", _controls_in_headings(_seed(s, "r13.md").data.decode("utf-8"), r).encode("utf-8"), detail="BEL, ESC, BS, FF in headings", must_analyse=True, formats=("json", "text", "mapping")), False),
        "control-headings-pdf": (lambda r, s: _pdf("control-headings-pdf", "built", _pdf_heading_report(r), must_analyse=True, formats=("json", "text", "mapping")), False),
        "bidi-text-md": (lambda r, s: Mutant("bidi-text-md", _seed(s, "r02.md").label, "bidi-text-md.md", _seed(s, "r02.md").data.decode("utf-8").replace(" the ", " t\u202eeh\u202c ").replace("## ", "## \u2067").encode("utf-8"), detail="RLO and RLI in text and headings", must_analyse=True), False),
        "encrypted-pdf": (lambda r, s: _pdf("encrypted-pdf", "built", p.encrypted_pdf(r)), False),
        "owner-password-pdf": (lambda r, s: _pdf("owner-password-pdf", "built", p.encrypted_pdf(r, with_user_password=False), must_analyse=True), False),
        "image-only-pdf": (lambda r, s: _pdf("image-only-pdf", "built", p.image_only_pdf(r)), False),
        "identical-pages-299": (lambda r, s: _pdf("identical-pages-299", "built", p.identical_pages(299, r), must_analyse=True), False),
        "inflating-pdf-1500mb": (lambda r, s: _pdf("inflating-pdf-1500mb", "built", p.inflating_pdf(1500)), True),
        "scattered-words-300k-pdf": (lambda r, s: _pdf("scattered-words-300k-pdf", "built", p.scattered_words_pdf(300_000, r)), True),
        "words-200k-pdf": (lambda r, s: _pdf("words-200k-pdf", "built", p.many_words_pdf(200_000, r)), True),
        "bold-paragraphs-100k": (lambda r, s: Mutant("bold-paragraphs-100k", "built", "bold-paragraphs-100k.docx", *d.many_bold_paragraphs(100_000)), True),
        "headings-20k": (lambda r, s: Mutant("headings-20k", "built", "headings-20k.docx", *d.many_headings(20_000, r)), True),
        "words-200k-docx": (lambda r, s: Mutant("words-200k-docx", "built", "words-200k-docx.docx", *d.many_words(200_000, r)), True),
    }
    return recipes


def hostile_names(*, broken: tuple[str, ...] = ("escape-sequences", "c1-csi"), skip: tuple[str, ...] = ()) -> list[Mutant]:
    """A small good report under each hostile name; the ``broken`` ones hold a damaged .docx
    instead, so the name is printed in an error line."""
    good = small_report()
    found = []
    for label, name in DISK_NAMES:
        if label in skip:
            continue
        if label in broken:
            found.append(Mutant(f"name-{label}", "built", name[: -len(".md")] + ".docx", b"PK\x03\x04 damaged", detail="damaged .docx"))
        else:
            found.append(Mutant(f"name-{label}", "sample.md", name, good, detail="good report", must_analyse=True))
    return found


def random_mutants(rng: random.Random, seeds: list[Seed], count: int, *, start: int = 0) -> list[Mutant]:
    """``count`` random mutants: byte flips and truncation of any seed, damaged or missing zip
    members and characters injected into a .docx, damaged cross-references of a .pdf."""
    docx_ops = ["flip", "truncate", "docx-drop", "docx-damage", "docx-damage", "docx-inject"]
    pdf_ops = ["flip", "truncate", "pdf-xref", "pdf-xref"]
    text_ops = ["flip", "truncate"]
    found = []
    for index in range(start, start + count):
        seed = seeds[index % len(seeds)]
        ops = docx_ops if seed.suffix == ".docx" else pdf_ops if seed.suffix == ".pdf" else text_ops
        op = rng.choice(ops)
        if op == "flip":
            data, detail = b.flip_bytes(seed.data, rng)
        elif op == "truncate":
            data, detail = b.truncate(seed.data, rng)
        elif op == "docx-drop":
            data, detail = d.drop_member(seed.data, rng)
        elif op == "docx-damage":
            data, detail = d.damage_member(seed.data, rng)
        elif op == "docx-inject":
            data, detail = d.inject_characters(seed.data, rng, rng.choice([d.BIDI, d.C1_CONTROLS, d.C0_CONTROLS]))
        else:
            data, detail = p.damage_xref(seed.data, rng)
        found.append(Mutant(op, seed.label, numbered_name(index, op, seed.label, seed.suffix), data, detail=detail))
    return found


def _structured(count: int, seed: int) -> list[Mutant]:
    half = count // 2
    examples = draw_examples(docx_mutants(), half, seed=seed) + draw_examples(pdf_mutants(), count - half, seed=seed)
    return [
        Mutant(m.recipe, m.source, f"{m.recipe}-{i:03d}{m.suffix}", m.data, detail=m.detail)
        for i, m in enumerate(examples)
    ]


#: The fixed recipes in the quick subset (cheap, and each a rule of the issue).
QUICK_FIXED = (
    "core-missing", "core-empty", "zip-version-172", "huge-attribute-2mb", "deep-sdt-300", "deep-table-40", "image-zeros-11mb-control-name",
    "bidi-headings-docx", "c1-controls-text-docx", "c0-controls-headings-docx", "control-headings-md", "control-headings-pdf",
    "encrypted-pdf", "image-only-pdf", "identical-pages-299",
)


def build_fixed(names: tuple[str, ...] | list[str], *, seed: int) -> list[Mutant]:
    """The named fixed recipes, each with its own generator so one does not shift another."""
    recipes = fixed_recipes()
    seeds = {s.label: s for s in load_seeds()}
    built = []
    for name in names:
        builder, heavy = recipes[name]
        mutant = builder(random.Random(f"{seed}-{name}"), seeds)
        built.append(Mutant(**{**mutant.__dict__, "heavy": heavy}))
    return built


def quick(*, seed: int = 16, skip_names: tuple[str, ...] = ("emoji-60",)) -> list[Mutant]:
    """About forty mutants: the cheap fixed recipes, eight random ones, four hypothesis-built, the
    names (but those in ``skip_names``: the quick tests give the 60-emoji name a batch of its own)."""
    seeds = [s for s in load_seeds() if s.label in ("r02.docx", "r05.pdf", "sample.docx", "r11.pdf", "r13.docx", "r19.md")]
    return [
        *build_fixed(QUICK_FIXED, seed=seed),
        *random_mutants(random.Random(seed), seeds or load_seeds(), 8),
        *_structured(4, seed),
        *hostile_names(skip=skip_names),
    ]


def full(*, seed: int = 16, random_count: int = 190, structured_count: int = 40, heavy: bool = True) -> list[Mutant]:
    """A few hundred mutants: every fixed recipe (the heavy ones unless ``heavy`` is False), random
    mutants of every seed report, hypothesis-built documents, the hostile names."""
    names = [name for name, (_, is_heavy) in fixed_recipes().items() if heavy or not is_heavy]
    return [
        *build_fixed(names, seed=seed),
        *random_mutants(random.Random(seed), load_seeds(), random_count),
        *_structured(structured_count, seed),
        *hostile_names(),
    ]
