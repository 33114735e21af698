"""The warnings an extractor attaches to a Document: things to put right before submitting.

A word processor's file can carry revision marks and reviewers' comments that the reader of
the submitted report would see. The word count handles them (insertions count as accepted,
deletions as removed, comments are not text), but the apprentice should clear them first.
One place for the codes and the wording, shared by the .docx, .doc and .odt extractors.
"""

from __future__ import annotations

from ..datamodel import Warning

__all__ = ["COMMENTS", "TRACKED_CHANGES", "file_warnings"]

TRACKED_CHANGES = "tracked_changes"
COMMENTS = "comments"


def file_warnings(*, tracked_changes: bool, comments: int, editor: str = "Word") -> tuple[Warning, ...]:
    """The warnings for a file with (or without) tracked changes and ``comments`` comments.

    ``editor`` names where to accept or reject the changes ("Word", "LibreOffice or Word").
    """
    warnings: list[Warning] = []
    if tracked_changes:
        warnings.append(
            Warning(
                TRACKED_CHANGES,
                "the file has tracked changes that are not accepted or rejected; accept or reject "
                f"them in {editor} before submitting (the count treats insertions as accepted and "
                "deletions as removed)",
            )
        )
    if comments > 0:
        noun = "comment" if comments == 1 else "comments"
        verb = "delete it" if comments == 1 else "delete them"
        warnings.append(Warning(COMMENTS, f"the file has {comments} {noun}; {verb} before submitting"))
    return tuple(warnings)
