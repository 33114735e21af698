"""The public API: ``__all__`` is exactly the public names (httpx's tests/test_exported_members.py), they
resolve, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import analyser
import analyser.batch
import analyser.embed
import analyser.render


def _own_public_names(module) -> set[str]:  # type: ignore[no-untyped-def]
    """Names the module defines or re-exports from this package (not `typing` helpers or submodules)."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("analyser")
    }


def test_package_all_is_exactly_the_public_names() -> None:
    expected = sorted(_own_public_names(analyser) | set(analyser._WHERE) | {"__version__"}, key=str.casefold)
    assert analyser.__all__ == expected


def test_render_all_is_exactly_the_writers() -> None:
    assert sorted(analyser.render.__all__) == sorted(analyser.render._WHERE)


@pytest.mark.parametrize("module", [analyser.batch, analyser.embed], ids=lambda m: m.__name__)
def test_lazy_subpackage_all_is_exactly_its_map(module) -> None:  # type: ignore[no-untyped-def]
    assert sorted(module.__all__) == sorted(module._WHERE)


def test_every_public_name_resolves() -> None:
    for module in (analyser, analyser.render, analyser.batch, analyser.embed):
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        analyser.nothing_here  # noqa: B018


def _loaded_after(imports: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` are in sys.modules after ``import <imports>`` in a fresh interpreter."""
    code = f"import sys, {imports}; print(','.join(sorted(m for m in {candidates!r} if m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


def test_importing_the_package_does_not_load_heavy_dependencies() -> None:
    heavy = ("torch", "sentence_transformers", "docx", "pypdfium2", "sklearn", "pandas", "onnxruntime")
    assert _loaded_after("analyser, analyser.cli", heavy) == []


def test_the_one_report_worker_starts_before_the_heavy_imports() -> None:
    # `ksb analyse` starts its worker right after these imports; the criteria (yaml, pydantic),
    # numpy and the batch's writers load in the worker, or in the parent while it waits.
    heavy = ("analyser.criteria", "analyser.batch.run", "analyser.embed.cache", "numpy", "yaml", "pydantic")
    assert _loaded_after("analyser.cli.analyse, analyser.isolation, analyser.batch.workers, analyser.embed.prepare", heavy) == []
