"""The public API: every name in __all__ exists, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys

import analyser
import analyser.render


def test_every_public_name_resolves() -> None:
    for module in (analyser, analyser.render):
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"


def test_importing_the_package_does_not_load_heavy_dependencies() -> None:
    code = (
        "import sys, analyser, analyser.cli; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'docx', 'pypdfium2', 'sklearn', 'pandas', 'onnxruntime') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
