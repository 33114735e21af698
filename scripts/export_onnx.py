"""Export the bundled all-MiniLM-L6-v2 to ONNX once, into the cache folder, and check it.

Usage: python scripts/export_onnx.py [--force] [--check N]

The analyser exports lazily on first use when the file is missing; running this ahead of
time (``make setup``) keeps that one-off cost (torch + transformers, ~10-20 s) out of the
first analysis. ``--check`` compares the ONNX and sentence-transformers embeddings of N
built-in sentences and fails when the largest absolute difference exceeds 1e-4.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyser.embed import OnnxEncoder, TorchEncoder, onnx_model_path  # noqa: E402
from analyser.embed.export import export_onnx  # noqa: E402

TOLERANCE = 1e-4
SENTENCES = (
    "I resolved the customer's complaint on the first call and logged it in the CRM.",
    "Our net promoter score rose from 31 to 44 after the new callback process.",
    "Data protection: I never share account details without passing security questions.",
    "Table 3 shows the survey results.",
    "",
    "OK",
    "   leading and trailing spaces   ",
    "Ünïcödé, emoji 😀 and £ € $ symbols; tabs\tand\nnewlines.",
)


def check(count: int) -> float:
    """Largest absolute difference between the two backends over ``count`` sentences."""
    texts = [SENTENCES[i % len(SENTENCES)] + (f" (variant {i})" if i >= len(SENTENCES) else "") for i in range(count)]
    texts.append(" ".join(["a long sentence that goes past the 256-token limit"] * 40))
    reference = TorchEncoder().encode(texts)
    fast = OnnxEncoder().encode(texts)
    return float(abs(reference - fast).max())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="export again even if the file exists")
    parser.add_argument("--check", type=int, default=0, metavar="N", help="compare with sentence-transformers on N sentences")
    args = parser.parse_args()
    target = onnx_model_path()
    if args.force or not target.is_file():
        started = time.perf_counter()
        export_onnx(target)
        print(f"exported {target} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    else:
        print(f"{target} exists (use --force to export again)", file=sys.stderr)
    if args.check:
        difference = check(args.check)
        print(f"max abs difference vs sentence-transformers: {difference:.2e} (tolerance {TOLERANCE:.0e})", file=sys.stderr)
        if difference > TOLERANCE:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
