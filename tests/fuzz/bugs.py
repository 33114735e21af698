"""The product bugs the fuzzer found (issue 16), each with the recipe that shows it, the command,
and what happened; ``matches`` tells the figures which failures are already recorded.

docs/fuzzing.md "Found" is written from this list; the quick tests take their xfail reasons
from it. When the lead fixes one, its quick test turns from xfail into a failure: remove the
mark and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BUGS", "Bug", "known_bug"]


@dataclass(frozen=True)
class Bug:
    """One finding: ``pattern`` is searched in "WHERE: WHAT: DETAIL" of each failure (for a CLI run,
    DETAIL holds all the run's problems)."""

    id: str
    title: str
    recipe: str
    command: str
    happened: str
    pattern: str
    issue_item: str = ""

    def matches(self, text: str) -> bool:
        return re.search(self.pattern, text, re.DOTALL) is not None


BUGS: tuple[Bug, ...] = ()  # every bug found so far is fixed (docs/fuzzing.md "Fixed")


def known_bug(text: str) -> str:
    """The id of the recorded bug a failure description matches ("" when none does)."""
    for bug in BUGS:
        if bug.matches(text):
            return bug.id
    return ""
