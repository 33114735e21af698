"""Check the labelled content and proposal material (eval/content, eval/proposals).

Run from the repository root:  python eval/content/check.py
Checks: every quote occurs verbatim (whitespace-normalised) in its document, and evidence quotes in their own
section; section headings and parts agree with the product's segmenter; body word counts (product rule) match the
labels; areas_present / areas_missing agree with the section labels; cut drafts are prefixes of their source
report; proposal word counts and limit status; room_for codes are Highfield work-based-project codes.
Prints one line per problem and exits 1 if there are any.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analyser.extract.text import extract_text  # noqa: E402
from analyser.segment import segment_document  # noqa: E402
from analyser.wordcount import count_section_words, count_words  # noqa: E402

AREAS = ["situation", "actions", "solutions", "recommendations", "feedback", "responsibilities", "results"]
KINDS = {"complete", "truncated", "not_report"}
problems: list[str] = []


def _clean_inline(text: str) -> str:
    """Markdown inline markup as the extractor reads it: links to their text, emphasis and code marks dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|\*|`)", "", text)


def norm(text: str) -> str:
    return " ".join(text.split())


def problem(where: str, message: str) -> None:
    problems.append(f"{where}: {message}")


def check_content(folder: Path) -> dict:
    where = folder.name
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    raw = (folder / "report.md").read_text(encoding="utf-8")
    raw_norm = norm(raw)
    for key in ("id", "kind", "looks_like_report", "notes"):
        if key not in labels:
            problem(where, f"labels.json has no '{key}'")
    if labels.get("id") != folder.name:
        problem(where, f"id {labels.get('id')!r} is not the folder name")
    kind = labels.get("kind")
    if kind not in KINDS:
        problem(where, f"kind {kind!r} not one of {sorted(KINDS)}")
    if labels.get("looks_like_report") != (kind != "not_report"):
        problem(where, "looks_like_report disagrees with kind")
    sections = count_section_words(segment_document(extract_text(folder / "report.md")), maximum=2750)
    body_words = sum(s.words for s in sections if s.part == "body")
    info = {"id": folder.name, "kind": kind, "body_words": body_words}
    if kind == "not_report":
        words = sum(count_words(s.heading) + sum(count_words(b.text) for b in s.blocks) for s in sections)
        if labels.get("words") != words:
            problem(where, f"words {labels.get('words')} but the document has {words}")
        for key in ("sections", "areas_present", "areas_missing", "evidence"):
            if key in labels:
                problem(where, f"a not_report document has no '{key}' labels")
        return info
    labelled = labels.get("sections", [])
    found = [(s.heading, s.part) for s in sections]
    wanted = [(s["heading"], s["part"]) for s in labelled]
    if found != wanted:
        problem(where, f"sections differ from the segmenter:\n  labels:    {wanted}\n  segmenter: {found}")
    if labels.get("body_words_check") != body_words:
        problem(where, f"body_words_check {labels.get('body_words_check')} but the body has {body_words} words")
    if kind == "complete" and not 1800 <= body_words <= 2700:
        problem(where, f"complete report body has {body_words} words (want 1,800-2,700)")
    present: set[str] = set()
    for s in labelled:
        for area in s.get("areas", []):
            if area not in AREAS:
                problem(where, f"unknown area {area!r} in section {s['heading']!r}")
        if s["part"] == "body":
            present.update(s.get("areas", []))
        elif s.get("areas"):
            problem(where, f"non-body section {s['heading']!r} has areas (areas count body sections only)")
    ordered = [a for a in AREAS if a in present]
    if labels.get("areas_present") != ordered:
        problem(where, f"areas_present {labels.get('areas_present')} but sections give {ordered}")
    missing = [a for a in AREAS if a not in present]
    if labels.get("areas_missing") != missing:
        problem(where, f"areas_missing {labels.get('areas_missing')} but sections give {missing}")
    if kind == "complete" and missing:
        problem(where, f"complete report misses {missing}")
    if kind == "truncated" and not missing:
        problem(where, "truncated report misses no area")
    by_heading = {s.heading: norm(_clean_inline(" ".join(b.text for b in s.blocks))) for s in sections}
    for ev in labels.get("evidence", []):
        quote = ev["quote"]
        if norm(quote) not in raw_norm:
            problem(where, f"quote not verbatim in report.md: {quote!r}")
        if norm(_clean_inline(quote)) not in by_heading.get(ev["heading"], ""):
            problem(where, f"quote not in section {ev['heading']!r}: {quote!r}")
        if ev["area"] not in {a for s in labelled if s["heading"] == ev["heading"] for a in s.get("areas", [])}:
            problem(where, f"evidence area {ev['area']} not labelled on section {ev['heading']!r}")
    for s in labelled:
        for area in s.get("areas", []):
            if not any(ev["heading"] == s["heading"] and ev["area"] == area for ev in labels.get("evidence", [])):
                problem(where, f"no evidence quote for {area} in {s['heading']!r}")
    source = labels.get("source")
    if source:
        original = (folder.parent / source / "report.md").read_text(encoding="utf-8")
        if not original.startswith(raw.rstrip()):
            problem(where, f"report.md is not a prefix of {source}/report.md")
        src_body = json.loads((folder.parent / source / "labels.json").read_text(encoding="utf-8"))["body_words_check"]
        info["fraction"] = round(body_words / src_body, 2)
        if labels.get("cut_at_body_word") != body_words:
            problem(where, f"cut_at_body_word {labels.get('cut_at_body_word')} but body has {body_words}")
    return info


def check_proposal(folder: Path, codes: set[str]) -> dict:
    where = f"proposals/{folder.name}"
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    raw_norm = norm((folder / "proposal.md").read_text(encoding="utf-8"))
    document = extract_text(folder / "proposal.md")
    words = sum(count_words(b.text) for b in document.blocks)
    if labels.get("id") != folder.name:
        problem(where, "id is not the folder name")
    if labels.get("words") != words:
        problem(where, f"words {labels.get('words')} but the proposal has {words}")
    status = "under" if words < 200 else "over" if words > 300 else "within"
    if labels.get("limit_status") != status:
        problem(where, f"limit_status {labels.get('limit_status')} but {words} words is {status}")
    if not 150 <= words <= 350:
        problem(where, f"{words} words (want 150-350)")
    commits = labels.get("commits", {})
    quotes = []
    if commits.get("situation"):
        quotes.append(commits["situation"])
    for key in ("actions", "people", "measures"):
        value = commits.get(key)
        if not isinstance(value, list):
            problem(where, f"commits.{key} is not a list")
            continue
        quotes.extend(value)
    for quote in quotes:
        if norm(quote) not in raw_norm:
            problem(where, f"quote not verbatim: {quote!r}")
    seen = set()
    for room in labels.get("room_for", []):
        if room["code"] not in codes:
            problem(where, f"room_for code {room['code']} is not a work-based-project code")
        if room["code"] in seen:
            problem(where, f"room_for code {room['code']} twice")
        seen.add(room["code"])
        if not room.get("reason"):
            problem(where, f"room_for {room['code']} has no reason")
    return {"id": folder.name, "words": words, "room_for": len(seen)}


def main() -> int:
    scheme = yaml.safe_load((ROOT / "criteria_corpus/st0071-highfield.yaml").read_text(encoding="utf-8"))
    codes = {c["code"] for c in scheme["criteria"] if c["method"] == "work-based project"}
    verbose = "-v" in sys.argv
    for folder in sorted(p for p in (ROOT / "eval/content").iterdir() if (p / "labels.json").exists()):
        info = check_content(folder)
        if verbose:
            print(info)
    for folder in sorted(p for p in (ROOT / "eval/proposals").iterdir() if (p / "labels.json").exists()):
        info = check_proposal(folder, codes)
        if verbose:
            print(info)
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
