"""Format-blind mutations: random byte flips and truncation."""

from __future__ import annotations

import random

__all__ = ["flip_bytes", "truncate"]


def flip_bytes(data: bytes, rng: random.Random, *, count: int | None = None) -> tuple[bytes, str]:
    """``count`` bytes at random offsets XOR-ed with a random non-zero value."""
    count = count or rng.choice([1, 2, 8, 32, 128, 512])
    buffer = bytearray(data)
    for _ in range(count):
        offset = rng.randrange(len(buffer))
        buffer[offset] ^= rng.randrange(1, 256)
    return bytes(buffer), f"{count} bytes flipped"


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The first part of the file only, cut anywhere from 1 byte to 99 % of it."""
    share = rng.choice([0.0, rng.uniform(0.01, 0.5), rng.uniform(0.5, 0.99)])
    keep = max(1, int(len(data) * share))
    return data[:keep], f"cut at {keep} of {len(data)} bytes"
