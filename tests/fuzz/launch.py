"""Start a command from this small process and record its own peak RSS: ``python launch.py REPORT CMD...``.

A child forked straight from a big process (pytest holding the model) inherits that process's
resident pages until it execs, and Linux keeps that high-water mark in the child's
``ru_maxrss``. Forked from here instead, the command's ``ru_maxrss`` is its own: this script
waits for it and writes "MAXRSS_KB STATUS" to REPORT, then exits with its exit status
(128 + N for signal N).
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    report, *command = sys.argv[1:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    with open(report, "w", encoding="ascii") as handle:
        handle.write(f"{usage.ru_maxrss} {status}\n")
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
