#!/usr/bin/env python3
"""Check the labelled documents in eval/other (or any folder shaped like it).

For every sub-folder holding report.md and labels.json:

- the scheme named by ``"scheme"`` loads (a scheme id from criteria_corpus/, or a path from the repository root);
- every code in the labels (sections' ``ksbs``, ``evidence``, ``criteria_evidenced``, ``criteria_missing``,
  ``claimed``) is an analysed criterion of that scheme;
- the labelled sections are the analyser's own sections of report.md, in order, with the same heading, level
  and part (the level-1 title may be left out);
- every ``evidence`` quote occurs verbatim in its section, both in the raw Markdown between that heading and the
  next and in the text the analyser extracts (whitespace normalised), and in a body section;
- each section's ``ksbs`` are exactly the codes quoted in it; ``criteria_evidenced`` is their union and
  ``criteria_missing`` the scheme's other analysed criteria;
- ``claimed`` is the set of scheme codes written in the document as claims (``K2``, ``S14``, ``K2.1``); together with
  the codes of ``not_claims`` (code-shaped strings that are not claims, e.g. "Amazon S3", each quoted) it is exactly
  the set of scheme codes the document contains;
- ``claimed_by_name`` (optional: criteria the document claims by naming their area or statement, not their code)
  holds scheme codes in scheme order;
- ``body_words_check`` is the analyser's assessed (body) word count.

    /work/main/.venv/bin/python eval/other/check_labels.py            # eval/other
    /work/main/.venv/bin/python eval/other/check_labels.py some/folder
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analyser.criteria import load_scheme  # noqa: E402
from analyser.extract.text import extract_text  # noqa: E402
from analyser.segment import segment_document  # noqa: E402
from analyser.wordcount import count_words  # noqa: E402

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)((?:(?!\*\*|__).)+)(\*\*|__)\s*:?\s*$")
_CLAIM = re.compile(r"(?<![\w.])([KSB][0-9]{1,2}(?:\.[0-9]{1,2})?)(?![\w.]*[0-9A-Za-z])")


def squash(text: str) -> str:
    return " ".join(text.split())


def scheme_for(labels: dict) -> object:
    name = labels["scheme"]
    path = ROOT / name
    return load_scheme(path if name.endswith(".yaml") else name)


def raw_sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, raw text) pairs split at ATX and bold-line headings, outside code fences."""
    out: list[tuple[str, list[str]]] = [("", [])]
    fence = False
    lines = markdown.splitlines()
    for number, line in enumerate(lines):
        if line.strip().startswith(("```", "~~~")):
            fence = not fence
        heading = None if fence else _ATX.match(line)
        bold = None
        if not fence and heading is None:
            before = lines[number - 1].strip() if number else ""
            after = lines[number + 1].strip() if number + 1 < len(lines) else ""
            if not before and not after:
                bold = _BOLD_LINE.match(line)
        if heading:
            out.append((heading.group(2).strip(), []))
        elif bold:
            out.append((bold.group(2).strip().rstrip(":"), []))
        else:
            out[-1][1].append(line)
    return [(h, "\n".join(body)) for h, body in out]


def document_claims(sections, codes: set[str]) -> set[str]:
    found: set[str] = set()
    for section in sections:
        for text in [section.heading, *(b.text for b in section.blocks)]:
            found.update(code for code in _CLAIM.findall(text) if code in codes)
    return found


def check(folder: Path) -> list[str]:
    problems: list[str] = []
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    where = folder.name

    def bad(message: str) -> None:
        problems.append(f"{where}: {message}")

    if labels.get("id") != folder.name:
        bad(f"id {labels.get('id')!r} is not the folder name")
    scheme = scheme_for(labels)
    order = [c.code for c in scheme.analysed_criteria]  # type: ignore[attr-defined]
    codes = set(order)
    document = extract_text(folder / "report.md")
    sections = [s for s in segment_document(document)]
    ours = [s for s in sections if s.heading and not (s.level == 1 and s.part == "front")]
    labelled = labels["sections"]
    if [(s["heading"], s["level"], s["part"]) for s in labelled] != [(s.heading, s.level, s.part) for s in ours]:
        bad("labelled sections differ from the analyser's sections:\n"
            + "\n".join(f"    {a!r}" for a in [(s['heading'], s['level'], s['part']) for s in labelled])
            + "\n  analyser:\n" + "\n".join(f"    {b!r}" for b in [(s.heading, s.level, s.part) for s in ours]))
        return problems
    headings = [s["heading"] for s in labelled]
    duplicates = {h for h in headings if headings.count(h) > 1}
    if duplicates:
        bad(f"duplicate headings {sorted(duplicates)}")
    raw = {h: squash(t) for h, t in raw_sections((folder / "report.md").read_text(encoding="utf-8"))}
    extracted = {s.heading: squash(s.text) for s in ours}
    parts = {s.heading: s.part for s in ours}
    quoted: dict[str, set[str]] = {h: set() for h in headings}
    for item in labels["evidence"]:
        code, heading, quote = item["code"], item["heading"], squash(item["quote"])
        if code not in codes:
            bad(f"evidence code {code} is not a criterion of {scheme.id}")  # type: ignore[attr-defined]
        if heading not in quoted:
            bad(f"evidence for {code}: no section {heading!r}")
            continue
        if parts[heading] != "body":
            bad(f"evidence for {code} in {heading!r}, a {parts[heading]} section")
        if quote not in raw.get(heading, ""):
            bad(f"quote for {code} not verbatim in the Markdown of {heading!r}: {quote!r}")
        if quote not in extracted[heading]:
            bad(f"quote for {code} not in the extracted text of {heading!r}: {quote!r}")
        if len(quote.split()) < 4:
            bad(f"quote for {code} in {heading!r} is too short: {quote!r}")
        quoted[heading].add(code)
    for section in labelled:
        ksbs = section["ksbs"]
        unknown = [c for c in ksbs if c not in codes]
        if unknown:
            bad(f"{section['heading']!r}: codes not in the scheme {unknown}")
        if set(ksbs) != quoted[section["heading"]]:
            bad(f"{section['heading']!r}: ksbs {sorted(ksbs)} but quotes for {sorted(quoted[section['heading']])}")
        if ksbs != sorted(ksbs, key=lambda c: order.index(c) if c in codes else 999):
            bad(f"{section['heading']!r}: ksbs not in scheme order")
    evidenced = set().union(*quoted.values()) if quoted else set()
    if labels["criteria_evidenced"] != [c for c in order if c in evidenced]:
        bad(f"criteria_evidenced should be {[c for c in order if c in evidenced]}")
    if labels["criteria_missing"] != [c for c in order if c not in evidenced]:
        bad(f"criteria_missing should be {[c for c in order if c not in evidenced]}")
    claimed = labels.get("claimed")
    if not isinstance(claimed, list):
        bad("no 'claimed' list")
    else:
        if [c for c in claimed if c not in codes]:
            bad(f"claimed codes not in the scheme: {[c for c in claimed if c not in codes]}")
        found = document_claims(sections, codes)
        not_claims = {n["code"] for n in labels.get("not_claims", [])}
        if set(claimed) | not_claims != found:
            bad(f"claimed {sorted(claimed)} (+ not_claims {sorted(not_claims)}) but the document names {sorted(found)}")
        text = squash((folder / "report.md").read_text(encoding="utf-8"))
        for item in labels.get("not_claims", []):
            if item["code"] not in item["text"] or squash(item["text"]) not in text:
                bad(f"not_claims text {item['text']!r} is not in report.md or does not hold {item['code']}")
        if claimed != [c for c in order if c in set(claimed)]:
            bad("claimed not in scheme order")
    by_name = labels.get("claimed_by_name", [])
    if [c for c in by_name if c not in codes] or by_name != [c for c in order if c in set(by_name)]:
        bad(f"claimed_by_name {by_name} has codes not in the scheme or not in scheme order")
    words = sum(count_words(s.heading) + count_words(s.text) for s in sections if s.part == "body")
    if labels.get("body_words_check") != words:
        bad(f"body_words_check should be {words}")
    return problems


def main() -> int:
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    folders = sorted(p for p in base.iterdir() if (p / "labels.json").is_file() and (p / "report.md").is_file())
    problems = [problem for folder in folders for problem in check(folder)]
    for problem in problems:
        print(problem)
    print(f"{len(folders)} labelled documents checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
