"""Tests for analyser.criteria.stored: built schemes kept on disk as JSON, read back only while their files are unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from analyser.criteria import build_scheme, corpus_dir, load_scheme, scheme_files
from analyser.criteria import stored
from analyser.criteria.stored import MAX_ENTRIES, scheme_from_json, scheme_to_json, stored_build
from analyser.errors import CriteriaError

ROOT = Path(__file__).resolve().parent.parent


def _tiny(scheme_id: str = "tiny", *, description: str = "Evidences that they understand the mission.") -> dict[str, Any]:
    return {
        "schema": "ksb-criteria/1",
        "id": scheme_id,
        "standard": "ST0071",
        "title": "Tiny test scheme",
        "description": "A one-criterion scheme for tests.",
        "source": "Written for the tests.",
        "analysed_method": "work-based project",
        "methods": {"work-based project": "The report."},
        "criteria": [
            {"code": "K1.1", "grade": "pass", "method": "work-based project", "theme": "Business", "description": description},
        ],
    }


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


class _Counting:
    """build_scheme, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: Path):  # type: ignore[no-untyped-def]
        self.calls += 1
        return build_scheme(path)


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KSB_CACHE_DIR", str(folder))
    return folder / "schemes"


def _every_scheme_file() -> list[Path]:
    return sorted(scheme_files().values()) + sorted((ROOT / "eval" / "schemes").glob("*.yaml"))


@pytest.mark.parametrize("path", _every_scheme_file(), ids=lambda p: p.stem)
def test_every_bundled_scheme_survives_the_json_round_trip(path: Path) -> None:
    scheme = build_scheme(path.resolve())
    again = scheme_from_json(json.loads(json.dumps(scheme_to_json(scheme))))
    assert again == scheme
    assert hash(again) == hash(scheme)


def test_a_second_process_reads_the_stored_scheme_without_building(store: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "tiny.yaml", _tiny()).resolve()
    first, second = _Counting(), _Counting()
    built = stored_build(first)(path)
    assert first.calls == 1 and len(list(store.glob("scheme-*.json"))) == 1
    assert stored_build(second)(path) == built  # a new wrapper: nothing in memory
    assert second.calls == 0


def test_an_edited_scheme_or_prototypes_file_is_built_again(store: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "tiny.yaml", _tiny()).resolve()
    build = _Counting()
    load = stored_build(build)
    load(path)
    _write(path, _tiny(description="Evidences that they understand the vision."))
    assert load(path).criteria[0].description == "Evidences that they understand the vision."
    assert build.calls == 2
    _write(tmp_path / "tiny.prototypes.yaml", {"schema": "ksb-prototypes/1", "criteria": {"K1.1": {"examples": ["Our vision."]}}})
    assert load(path).criteria[0].examples == ("Our vision.",)
    assert build.calls == 3
    assert load(path).criteria[0].examples == ("Our vision.",) and build.calls == 3


def test_a_cross_referenced_scheme_appearing_beside_the_file_is_noticed(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _write(tmp_path / "base-elsewhere.yaml", _tiny("base"))
    data = _tiny()
    data["cross_reference"] = "base"
    data["criteria"][0]["same_as"] = "K1.1"
    folder = tmp_path / "provider"
    folder.mkdir()
    path = _write(folder / "tiny.yaml", data).resolve()
    (tmp_path / "empty-corpus").mkdir()
    monkeypatch.setenv("KSB_CRITERIA_DIR", str(tmp_path / "empty-corpus"))
    with pytest.raises(CriteriaError):  # the reference cannot be found yet
        stored_build(build_scheme)(path)
    _write(folder / "base.yaml", yaml.safe_load(base.read_text(encoding="utf-8")))
    _write(folder / "base.prototypes.yaml", {"schema": "ksb-prototypes/1", "criteria": {"K1.1": {"examples": ["Our mission."]}}})
    build = _Counting()
    assert stored_build(build)(path).criteria[0].examples == ("Our mission.",)
    _write(folder / "base.prototypes.yaml", {"schema": "ksb-prototypes/1", "criteria": {"K1.1": {"examples": ["Our values."]}}})
    assert stored_build(build)(path).criteria[0].examples == ("Our values.",)
    assert build.calls == 2


def test_a_failed_build_stores_nothing(store: Path, tmp_path: Path) -> None:
    data = _tiny()
    data["title"] = ""
    path = _write(tmp_path / "tiny.yaml", data).resolve()
    with pytest.raises(CriteriaError):
        stored_build(build_scheme)(path)
    assert not list(store.glob("scheme-*.json"))


@pytest.mark.parametrize("damage", ["{not json", '{"version": 1}', "[]", ""])
def test_a_damaged_entry_is_built_again(store: Path, tmp_path: Path, damage: str) -> None:
    path = _write(tmp_path / "tiny.yaml", _tiny()).resolve()
    scheme = stored_build(build_scheme)(path)
    (entry,) = store.glob("scheme-*.json")
    entry.write_text(damage, encoding="utf-8")
    build = _Counting()
    assert stored_build(build)(path) == scheme and build.calls == 1
    assert json.loads(entry.read_text(encoding="utf-8"))["version"] == stored.STORE_VERSION  # written again


def test_a_changed_builder_does_not_read_old_entries(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "tiny.yaml", _tiny()).resolve()
    stored_build(build_scheme)(path)
    monkeypatch.setattr(stored, "_builder_digest", lambda: "another builder")
    build = _Counting()
    stored_build(build)(path)
    assert build.calls == 1 and len(list(store.glob("scheme-*.json"))) == 2


def test_a_cache_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("KSB_CACHE_DIR", str(blocker))
    path = _write(tmp_path / "tiny.yaml", _tiny()).resolve()
    assert stored_build(build_scheme)(path).id == "tiny"
    assert not list(tmp_path.glob("*.tmp"))


def test_at_most_max_entries_are_kept(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored, "MAX_ENTRIES", 3)
    load = stored_build(build_scheme)
    for number in range(5):
        load(_write(tmp_path / f"s{number}.yaml", _tiny(f"s{number}")).resolve())
    assert len(list(store.glob("scheme-*.json"))) == 3
    assert MAX_ENTRIES >= 16  # the shipped bound holds every bundled scheme and a provider's few


def test_a_new_process_loads_a_stored_scheme_without_pydantic_or_yaml(store: Path) -> None:
    code = (
        "import sys; from analyser.criteria import load_scheme; s = load_scheme('st0071-highfield'); "
        "print(len(s.analysed_criteria), 'pydantic' in sys.modules, 'yaml' in sys.modules)"
    )
    env = {**os.environ, "KSB_CACHE_DIR": str(store.parent)}
    outputs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split() for _ in range(2)]
    assert outputs[0] == ["25", "True", "True"]  # built, and stored
    assert outputs[1] == ["25", "False", "False"]  # read back as JSON
    assert load_scheme("st0071-highfield").path == (corpus_dir() / "st0071-highfield.yaml").resolve()
