"""Edits applied to a scheme's YAML data in tests of invalid scheme files."""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["set_key", "delete_key"]


def set_key(*keys: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that sets data[k1][k2]... = value."""

    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


def delete_key(*keys: Any) -> Callable[[dict[str, Any]], None]:
    """An edit that deletes data[k1][k2]..."""

    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return mutate
