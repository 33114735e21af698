"""Time the workspace (issue 13): recording a tutor's decision on a workspace of N learners.

Usage: python scripts/bench_workspace.py [--learners 500] [--decisions 50] [--workspace PATH]

Fills a new SQLite workspace (a temporary folder unless --workspace) with one draft per learner
(the sample report's analysis, its sha256 made unique), then records --decisions decisions
(`Workspace.decide`, what `ksb review` and the tutor page call) on learners spread over the
roster, and prints the median and the 95th percentile in milliseconds. The budget is 50 ms.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyser.learners import LearnerInfo  # noqa: E402
from analyser.workspace import Workspace  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "sample.docx.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--decisions", type=int, default=50)
    parser.add_argument("--workspace", type=Path, default=None, help="a new workspace file (default: in a temporary folder)")
    args = parser.parse_args()
    base = json.loads(GOLDEN.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        path = args.workspace or Path(folder) / "bench.ksb"
        workspace = Workspace.open(path)
        started = time.perf_counter()
        for number in range(args.learners):
            document = copy.deepcopy(base)
            document["source"]["sha256"] = f"{number:064d}"
            workspace.record(document, LearnerInfo(f"Learner {number:04d}"))
        filled = time.perf_counter() - started
        codes = [c["code"] for c in base["criteria"]]
        times = []
        for index in range(args.decisions):
            learner = f"Learner {(index * 7919) % args.learners:04d}"
            started = time.perf_counter()
            workspace.decide(learner, codes[index % len(codes)], "confirm" if index % 3 else "reject", comment="benchmark", by="bench")
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(
            f"{args.learners} learners recorded in {filled:.1f} s; {args.decisions} decisions: "
            f"median {statistics.median(times):.1f} ms, 95th percentile {p95:.1f} ms (budget 50 ms)"
        )


if __name__ == "__main__":
    main()
