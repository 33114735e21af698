"""What a project proposal commits to: the situation, the planned actions, who is involved, what will be measured.

A proposal is a plan: the assessor reads it for the challenge it takes on, what the apprentice
will do, whom they will work with and how they will know it worked. :func:`find_commitments`
reads an extracted proposal block by block and sorts its sentences (and the clauses of long
ones) into those four kinds, by two signals a reader uses:

- the label they sit under: a heading or a short line ending in ":" ("What I will do:",
  "How I will measure it", "The challenge"), which decides the kind of the list items and
  paragraphs below it;
- their own wording: a first-person plan ("I will", "I plan to", "we are going to"), a named
  person or team ("the repairs manager", "our IT team", "the customer"), a measure ("the
  number of", "satisfaction scores", "within target", a percentage).

The situation is the first sentence under a situation label, else the first sentence that
states a problem. Plans in the past tense ("I called", "I offered") are kept as actions and
counted: a proposal that mostly reports what was done reads as a project already finished.
Measured on eval/proposals by ``scripts/evaluate_proposals.py`` (docs/proposal-check.md): on proposals
written after these rules, 43 of 44 labelled actions found (precision 0.93).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .datamodel import Document
from .match.sentences import split_sentences
from .wordcount import count_words

__all__ = ["Commitments", "Unit", "find_commitments"]

Kind = Literal["situation", "actions", "people", "measures"]

_LABELS: tuple[tuple[Kind | Literal["other"], re.Pattern[str]], ...] = (
    ("measures", re.compile(r"\b(measur\w*|success|evaluat\w*|kpis?|metrics?|how i will know|results?)\b", re.I)),
    ("people", re.compile(r"\b(who|people|stakeholders?|involved|teams?|partners?)\b", re.I)),
    ("actions", re.compile(r"\b(will|do|did|plan\w*|actions?|approach|steps?|method|recommend\w*|activities|work)\b", re.I)),
    ("situation", re.compile(r"\b(challenge|problem|situation|issue|complaint|case|about|what happened|the project)\b", re.I)),
    ("other", re.compile(r"\b(background|rules?|legislation|regulations?|policies|company|organisation|about us|context)\b", re.I)),
)
_PLAN = re.compile(
    r"\b(i|we)\s*(will|'ll|shall|plan to|intend to|am going to|are going to|aim to|want to|would like to|hope to|"
    r"propose to|expect to|am planning to|need to)\b|\bmy project will\b|\bthe project will\b",
    re.I,
)
_PAST = re.compile(
    r"\b(i|we)\s+(have\s+|had\s+)?(\w+ed|took|made|spoke|met|wrote|gave|found|rang|sent|set|ran|led|built|did|chose|"
    r"began|got|put|went|told|kept|brought|paid|sought|thought|saw)\b",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^(explain|describe|speak|talk|check|meet|map|review|analyse|analyze|compare|interview|survey|call|contact|ask|"
    r"find|work|look|identify|investigate|measure|track|recommend|propose|present|write|set up|agree|test|pilot|"
    r"train|visit|collect|gather|record|monitor|evaluate|assess|discuss|design|create|produce|run|hold|send|research)\b",
    re.I,
)
# A named person or team: a role ("the repairs manager", "our IT team"), a person with a determiner ("the tenant
# and her son"), or a group narrowed down ("residents who reported ..."); "customers" in general is not one.
_PEOPLE = re.compile(
    r"\b(teams?|departments?|managers?|officers?|supervisors?|directors?|colleagues?|contractors?|suppliers?|"
    r"surveyors?|therapists?|engineers?|advis[eo]rs?|head of|owners?|drivers?|volunteers?|regulators?|ombudsman|"
    r"councils?|banks?|principal|specialists?|coordinators?|mr|mrs|ms|dr)\b|"
    r"\b(a|an|the|her|his|their|our|one|each)\s+(\w+\s+){0,2}(customer|client|resident|tenant|passenger|member|"
    r"patient|caller|user|son|daughter|husband|wife|mother|father|carer|family|partner|agent|lead)\b|"
    r"\b(customers|clients|residents|tenants|passengers|members|patients|callers|users|staff|starters)\s+(who|that|whose|in|from|of|at)\b",
    re.I,
)
# A plan about the report itself, not the project ("I will include evidence in the annex").
_ABOUT_THE_REPORT = re.compile(r"\b(annex\w*|appendix|appendices|[\d,]+\s+words|word count|the criteria)\b", re.I)
_PROBLEM = re.compile(
    r"\b(project is about|challenge|problem|complain\w*|issue|waited|failed|went wrong|delay\w*|missed|damaged|"
    r"frozen|not working|broken|lost|late)\b",
    re.I,
)
# A sentence that says what the project is: "My project is about ...", "I propose to write about ...".
_STATEMENT = re.compile(
    r"\b(my|the|this)\s+project\s+(is|will be|was|would be)\s+(about|to)\b|\bproject is\b.*\babout\b|"
    r"\bi\s+(propose|want|plan|intend|would like)\s+to\s+(write|analyse|analyze|look|focus|report)\s+(about|on|at)?|"
    r"\bfor my project,?\s+i\s+(will|want|plan|am going)",
    re.I,
)
# The people a plan names, for the situation sentence: a person, not "customers" in general.
_PEOPLE_NAMED = re.compile(r"\b(a|one|our|the)\s+(\w+\s+){0,3}(customer|resident|tenant|passenger|member|patient|client|caller)\b", re.I)
# Words that make a plan a measure: "I will count how many ...", "measure the results by ...".
_MEASURE_PLAN = re.compile(r"\b(measur\w*|count|number of|how many|track\w*|monitor\w*|kpis?|metrics?|percentage)\b", re.I)
_WILL_MEASURE = re.compile(r"\b(i|we)\s+will\s+(also\s+)?measure\b", re.I)
# Key: value lines of the front matter ("Apprentice: ...") are not part of the plan.
_FRONT_FIELDS = {"apprentice", "name", "learner", "employer", "organisation", "organization", "date", "standard",
                 "role", "job title", "provider", "title", "company", "candidate", "prepared by", "author"}
# Clause breaks inside a long sentence: "; ", or ", and I will" / " and I will" before another plan.
_CLAUSE = re.compile(r";\s+|,\s+(?=(?:and\s+|then\s+)?(?:i|we)\s+(?:will|plan|intend|am going|are going)\b)", re.I)


@dataclass(frozen=True)
class Unit:
    """A sentence (or clause) of the proposal and the label it sits under ("" when none)."""

    text: str
    label: str = ""


@dataclass(frozen=True)
class Commitments:
    """What a proposal commits to, each a sentence or clause of its own words.

    ``past_tense_actions`` counts the actions written as done rather than planned.
    """

    situation: str
    actions: tuple[str, ...]
    people: tuple[str, ...]
    measures: tuple[str, ...]
    past_tense_actions: int = 0

    @property
    def reads_as_done(self) -> bool:
        """Whether most actions are written in the past tense (a project already finished)."""
        return bool(self.actions) and self.past_tense_actions * 2 > len(self.actions)

    def as_dict(self) -> dict[str, object]:
        return {
            "situation": self.situation,
            "actions": list(self.actions),
            "people": list(self.people),
            "measures": list(self.measures),
            "past_tense_actions": self.past_tense_actions,
            "reads_as_done": self.reads_as_done,
        }

    def units(self) -> list[str]:
        """Every commitment once, in the order situation, actions, people, measures."""
        seen: dict[str, None] = {}
        for text in (self.situation, *self.actions, *self.people, *self.measures):
            if text:
                seen.setdefault(text, None)
        return list(seen)


def _label_kind(label: str) -> Kind | Literal["other"] | None:
    for kind, pattern in _LABELS:
        if pattern.search(label):
            return kind
    return None


def _is_label(text: str, kind: str) -> bool:
    """A heading, or a short line ending in ":" (or a bold question line) that introduces what follows."""
    stripped = text.strip().strip("*_").strip()
    return kind == "heading" or (count_words(stripped) <= 9 and (stripped.endswith((":", "?"))))


def _units(document: Document) -> list[Unit]:
    """Sentences and clauses with the label they sit under; a label line's own text after its ":" counts too."""
    units: list[Unit] = []
    label = ""
    for block in document.blocks:
        text = block.text.strip()
        if not text:
            continue
        if _is_label(text, block.kind):
            label = text
            continue
        head, colon, rest = text.partition(": ")
        if colon and head.strip("*_ ").lower() in _FRONT_FIELDS:
            continue
        if colon and count_words(head) <= 6 and block.kind != "list_item" and _label_kind(head) not in (None, "other"):
            label, text = head, rest  # "How I will measure it: the number of ..."
        sentences = split_sentences(text)
        if len(sentences) > 1 and sentences[0].rstrip("*_ ").endswith("?") and count_words(sentences[0]) <= 9:
            label, sentences = sentences[0], sentences[1:]  # "What is the challenge? A member ..."
        for sentence in sentences:
            parts = [p for p in _CLAUSE.split(sentence) if count_words(p) >= 3] if count_words(sentence) > 25 else [sentence]
            units.extend(Unit(part.strip(), label) for part in (parts or [sentence]) if count_words(part) >= 3)
    return units


def find_commitments(document: Document) -> Commitments:
    """The situation, actions, people and measures a proposal commits to (see the module docstring)."""
    units = _units(document)
    kinds = [_label_kind(unit.label) if unit.label else None for unit in units]
    situation_at = next((i for i, u in enumerate(units) if _STATEMENT.search(u.text)), None)
    if situation_at is None:
        situation_at = next((i for i, k in enumerate(kinds) if k == "situation"), None)
    if situation_at is None:
        situation_at = next((i for i, u in enumerate(units) if _PROBLEM.search(u.text)), 0 if units else None)
    actions: list[str] = []
    people: list[str] = []
    measures: list[str] = []
    past = 0
    for index, (unit, kind) in enumerate(zip(units, kinds)):
        if index == situation_at:
            if _PEOPLE_NAMED.search(unit.text):
                people.append(unit.text)
            continue
        plan, done = bool(_PLAN.search(unit.text)), bool(_PAST.search(unit.text))
        if _ABOUT_THE_REPORT.search(unit.text):
            continue
        committed = False
        measuring = kind == "measures" or (plan and _MEASURE_PLAN.search(unit.text))
        if measuring:
            measures.append(unit.text)
            committed = True
        acting = kind == "actions" or (kind != "measures" and (plan or (done and kind is None) or _IMPERATIVE.match(unit.text)))
        if acting and (kind not in ("situation", "other") or plan) and not _WILL_MEASURE.search(unit.text):
            actions.append(unit.text)  # "I will measure ..." is a measure, not another action
            past += int(done and not plan)
            committed = True
        if (committed or kind == "people") and _PEOPLE.search(unit.text):
            people.append(unit.text)
    return Commitments(
        situation=units[situation_at].text if situation_at is not None else "",
        actions=tuple(actions),
        people=tuple(dict.fromkeys(people)),
        measures=tuple(measures),
        past_tense_actions=past,
    )
