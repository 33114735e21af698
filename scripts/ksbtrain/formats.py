"""Labelled material in other formats: files converted by headless LibreOffice (for measuring and for tests).

Not the product's own .doc reader (:mod:`analyser.extract.doc`, one untrusted file at a time under limits): this
converts our own material, many files in one run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["libreoffice_convert", "libreoffice_program"]


def libreoffice_program() -> str | None:
    """``soffice`` (or ``libreoffice``) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(paths: list[Path], fmt: str, folder: Path, *, program: str | None = None, timeout_s: float = 1800) -> list[Path]:
    """``paths`` converted to ``fmt`` ("odt", "doc", "docx") by one headless LibreOffice run with a private profile;
    the paths LibreOffice was to write, in ``folder`` (inputs need distinct stems)."""
    program = program or libreoffice_program()
    if program is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed; install libreoffice-writer")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ksb-lo-profile-") as profile:
        subprocess.run(
            [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(folder), *map(str, paths)],
            check=True, capture_output=True, timeout=timeout_s, env={**os.environ, "HOME": profile},
        )
    return [folder / f"{path.stem}.{fmt}" for path in paths]
