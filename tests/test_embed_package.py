"""The layout of analyser/embed/: no import cycle, no heavy import, no singleton, one factory."""

from __future__ import annotations

import ast
import os
import json
import subprocess
import sys
from pathlib import Path

import pytest

import analyser.embed as embed
from analyser.embed import CachedEncoder, OnnxEncoder, TorchEncoder, load_embedder
from analyser.errors import AnalyserError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analyser" / "embed"


def _sibling_imports(path: Path) -> set[str]:
    """The analyser.embed modules a module imports (at any depth of its body), by short name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found.update([node.module] if node.module else [alias.name for alias in node.names])
            elif node.level == 0 and node.module and node.module.startswith("analyser.embed"):
                rest = node.module.removeprefix("analyser.embed").lstrip(".")
                found.add(rest or "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("analyser.embed"):
                    found.add(alias.name.removeprefix("analyser.embed").lstrip(".") or "__init__")
    return {name.split(".")[0] for name in found}


def test_no_import_cycle_and_nothing_imports_the_package() -> None:
    graph = {path.stem: _sibling_imports(path) for path in PACKAGE.glob("*.py")}
    modules = set(graph) - {"__init__"}
    for name in modules:
        assert "__init__" not in graph[name], f"{name}.py imports the package itself"
        assert graph[name] <= modules, f"{name}.py imports {graph[name] - modules}"
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, f"import cycle: {' -> '.join((*trail, name))}"
        if name in done:
            return
        for imported in graph[name]:
            visit(imported, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_the_torch_workaround_lives_only_in_export() -> None:
    users = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "analyser").rglob("*.py") if "onnx_proto_utils" in p.read_text(encoding="utf-8"))
    assert users == ["analyser/embed/export.py"]


def test_importing_the_package_loads_no_model_library() -> None:
    script = (
        "import json, sys\n"
        "import analyser.embed, analyser.embed.export\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'sentence_transformers', 'transformers', 'onnxruntime', 'tokenizers'))\n"
        "print(json.dumps(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == []


def test_public_names() -> None:
    assert sorted(embed.__all__) == sorted(
        [
            "BACKENDS", "BACKEND_VARIABLE", "CachedEncoder", "DIMENSIONS", "EncoderBackend", "MODEL_NAME", "MODEL_SHA256",
            "OnnxEncoder", "TextEncoder", "TorchEncoder", "cache_dir", "load_embedder", "model_path", "onnx_available", "prepare_model",
            "onnx_model_path", "select_backend",
        ]
    )
    for name in embed.__all__:
        assert hasattr(embed, name), name


def test_no_module_level_singleton() -> None:
    assert not hasattr(embed, "get_embedder")
    assert not hasattr(embed, "_shared")
    assert load_embedder("onnx") is not load_embedder("onnx")


@pytest.mark.parametrize(("value", "backend"), [("onnx", OnnxEncoder), ("torch", TorchEncoder), (" Torch ", TorchEncoder)])
def test_load_embedder_wraps_the_chosen_backend_in_the_cache(value: str, backend: type) -> None:
    pytest.importorskip("onnxruntime")
    encoder = load_embedder(value)
    assert isinstance(encoder, CachedEncoder)
    assert isinstance(encoder.backend, backend)
    assert encoder.name == "all-MiniLM-L6-v2"


def test_load_embedder_reads_the_backend_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSB_BACKEND", "torch")
    assert isinstance(load_embedder().backend, TorchEncoder)
    monkeypatch.setenv("KSB_BACKEND", "tensorflow")
    with pytest.raises(AnalyserError, match=r"KSB_BACKEND='tensorflow' is not a backend; use onnx or torch"):
        load_embedder()


def test_auto_falls_back_to_torch_without_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    from analyser.embed import factory

    monkeypatch.delenv("KSB_BACKEND", raising=False)
    monkeypatch.setattr(factory, "onnx_available", lambda: False)
    assert isinstance(load_embedder().backend, TorchEncoder)
    with pytest.raises(AnalyserError, match="KSB_BACKEND=onnx needs onnxruntime and tokenizers; install them or use torch"):
        load_embedder("onnx")


def test_prepare_model_exports_in_its_own_process_once(tmp_path: Path) -> None:
    script = (
        "import json, sys\n"
        "from analyser.embed import onnx_model_path, prepare_model\n"
        "first = prepare_model('onnx')\n"
        "again = prepare_model('onnx')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers'))\n"
        "print(json.dumps([str(first), str(again), str(onnx_model_path()), first.stat().st_size, heavy, prepare_model('torch')]))\n"
    )
    env = {**os.environ, "KSB_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    first, again, expected, size, heavy, torch_result = json.loads(done.stdout)
    assert first == again == expected and expected.startswith(str(tmp_path))
    assert size > 1_000_000  # the exported transformer
    assert heavy == []  # torch was imported only by the exporting process
    assert torch_result is None
