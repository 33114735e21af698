"""Uploads: the size limits, the safe file name, saving in chunks, and the refusal a bad request gets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from fastapi import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MB",
    "FORM_SLACK_BYTES",
    "CHUNK_BYTES",
    "MAX_NAME_BYTES",
    "Refused",
    "UploadLimit",
    "save_upload",
    "safe_name",
    "too_large",
]

MB = 1024 * 1024
FORM_SLACK_BYTES = 256 * 1024  # multipart boundaries, headers and the scheme field around the file
CHUNK_BYTES = 1024 * 1024
MAX_NAME_BYTES = 120  # an upload's name as saved, in UTF-8
# C0 and C1 controls, DEL, the bidirectional overrides and isolates, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class Refused(Exception):
    """An upload the server will not analyse: an HTTP status and the one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = " ".join(reason.split())


async def save_upload(upload: UploadFile, path: Path, name: str, max_bytes: int) -> None:
    """Copy the upload to ``path`` in chunks, refusing it (413) once it passes ``max_bytes``."""
    written = 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK_BYTES):
            written += len(chunk)
            if written > max_bytes:
                raise Refused(413, f"{name}: {too_large(max_bytes)}")
            out.write(chunk)
    if written == 0 and not upload.filename:
        raise Refused(400, "no file chosen; choose a .docx, .pdf, .txt or .md report")


def safe_name(filename: str | None) -> str:
    """The upload's own file name, reduced to a safe base name that keeps its suffix.

    Control, bidirectional-override and surrogate characters are dropped; a name over
    ``MAX_NAME_BYTES`` in UTF-8 (a file system takes 255) is cut at a character boundary,
    keeping its suffix.
    """
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("", base).strip()
    if base in ("", ".", ".."):
        return "upload"
    if base.startswith("."):  # nothing before the suffix: ".md" would have no suffix at all
        base = f"upload{base}"
    if len(base.encode("utf-8")) > MAX_NAME_BYTES:
        suffix = _cut(Path(base).suffix, 16)
        base = _cut(base[: len(base) - len(Path(base).suffix)], MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix
    return base


def _cut(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` that is at most ``max_bytes`` in UTF-8."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def too_large(max_bytes: int) -> str:
    """The reason an upload over ``max_bytes`` is refused."""
    limit = f"{max_bytes / MB:.0f} MB" if max_bytes >= MB else f"{max_bytes / 1024:.0f} kB"
    return f"file is over the {limit} limit; remove large images or save it as .docx or .pdf again"


class UploadLimit:
    """Refuse request bodies over the limit: at once when Content-Length says so, else while reading.

    ``refuse(scope, status, reason)`` makes the response of the first case (JSON or a page, by path).
    """

    def __init__(self, app: ASGIApp, *, max_file_bytes: int, refuse: Callable[[Scope, int, str], Response]) -> None:
        self.app = app
        self.max_file_bytes = max_file_bytes
        self.max_body_bytes = max_file_bytes + FORM_SLACK_BYTES
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            reason = f"upload is {int(length) / MB:.1f} MB: {too_large(self.max_file_bytes)}"
            await self.refuse(scope, 413, reason)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise StarletteHTTPException(413, too_large(self.max_file_bytes))
            return message

        await self.app(scope, limited, send)
