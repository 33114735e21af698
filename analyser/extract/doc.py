"""Extract a .doc (Word 97-2003) report: converted to .docx by LibreOffice, then read as a .docx.

The file is checked first (:func:`analyser.extract.sniff.read_doc_bytes`: a Word compound
file, not truncated, not password-protected). LibreOffice (``soffice``, or ``libreoffice``,
on PATH or in its usual install folder) converts a copy in headless mode:

* in a temporary folder, removed afterwards, holding the copy, the output and a private
  LibreOffice profile (``-env:UserInstallation``), with HOME, the XDG folders and TMPDIR
  pointing into it, so nothing is written to the user's home folder and a LibreOffice the
  user has open is neither used nor disturbed;
* in its own process group, stopped (the whole group) when it takes longer than
  ``timeout_s`` seconds.

The Document keeps format "doc" and the sha256 of the .doc's own bytes. Without
LibreOffice the error says to install it or to save the report as .docx.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..datamodel import Document
from ..errors import InputError
from .docx.reader import open_docx
from .settings import DocxSettings
from .sniff import check_docx_container, read_doc_bytes

__all__ = ["extract_doc", "find_libreoffice"]

_PROGRAMS = ("soffice", "libreoffice")
#: Where LibreOffice installs itself when it is not on PATH (macOS, Windows).
_USUAL_PLACES = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_NOT_INSTALLED = (
    "a Word 97-2003 .doc is read through LibreOffice, which is not installed: "
    "install LibreOffice (libreoffice-writer) or save it as .docx"
)
_NOT_CONVERTED = (
    "damaged .doc, or one LibreOffice cannot read (it could not convert it): "
    "open it in Word and save it as .docx"
)


def find_libreoffice() -> str | None:
    """The LibreOffice program to run (``soffice`` or ``libreoffice`` on PATH, or a usual place), or None."""
    for program in _PROGRAMS:
        found = shutil.which(program)
        if found:
            return found
    return next((place for place in _USUAL_PLACES if Path(place).is_file()), None)


def extract_doc(
    path: Path,
    *,
    max_uncompressed_bytes: int = 200_000_000,
    settings: DocxSettings | None = None,
    timeout_s: float = 45,
) -> Document:
    """Read a .doc report into a :class:`Document` through a LibreOffice conversion to .docx.

    Raises :class:`InputError` when the file is not a readable .doc, when LibreOffice is not
    installed, fails, or takes longer than ``timeout_s`` seconds.
    """
    for name, value in (("max_uncompressed_bytes", max_uncompressed_bytes), ("timeout_s", timeout_s)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"The '{name}' parameter must be a positive number. Got {value!r} instead.")
    settings = settings or DocxSettings()
    path = Path(path)
    data = read_doc_bytes(path)
    program = find_libreoffice()
    if program is None:
        raise InputError(_NOT_INSTALLED, path=path)
    with tempfile.TemporaryDirectory(prefix="ksb-doc-") as folder:
        converted = _convert(data, Path(folder), program=program, timeout_s=timeout_s, path=path)
        check_docx_container(converted, path, max_uncompressed_bytes=max_uncompressed_bytes)
        reader = open_docx(converted, path, settings)
        blocks = tuple(reader.blocks())
        warnings = reader.warnings()
    return Document(
        path=path,
        format="doc",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        warnings=warnings,
    )


def _convert(data: bytes, folder: Path, *, program: str, timeout_s: float, path: Path) -> bytes:
    """The .docx bytes LibreOffice makes from ``data``, working only inside ``folder``."""
    source = folder / "in" / "report.doc"  # a plain name: the user's may start with "-" or hold anything
    output = folder / "out"
    home = folder / "home"
    for made in (source.parent, output, home):
        made.mkdir()
    source.write_bytes(data)
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(output),
        str(source),
    ]
    environment = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TMPDIR": str(folder),
    }
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=folder,
            **_own_group(),
        )
    except OSError as err:
        raise InputError(
            f"cannot start LibreOffice ({err.strerror or type(err).__name__}) to read the .doc: "
            "reinstall LibreOffice (libreoffice-writer) or save it as .docx",
            path=path,
        ) from err
    try:
        # Returns once LibreOffice and every process that inherited its output pipes are done.
        process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as err:
        _stop(process)
        raise InputError(
            f"LibreOffice took longer than {timeout_s:g} s to convert the .doc and was stopped: "
            "open it in Word and save it as .docx",
            path=path,
        ) from err
    result = output / "report.docx"
    if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
        raise InputError(_NOT_CONVERTED, path=path)
    return result.read_bytes()


def _own_group() -> dict[str, object]:
    """Popen options that start LibreOffice in a process group of its own."""
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the process's whole group (POSIX) or the process itself, and reap it.

    Called only while the group leader is not yet reaped, so its group id cannot have been
    given to anyone else.
    """
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif process.poll() is None:
        process.kill()
    try:
        process.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError):
        pass
