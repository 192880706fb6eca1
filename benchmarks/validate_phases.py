"""Where the wall time of ``greenmine batch TABLE.xlsx --validate-only -j 2`` goes, by phase,
in CPU seconds — for a shared machine, where the command's wall time mostly measures the
neighbours.

    .venv/bin/python benchmarks/validate_phases.py WORKBOOK [TREE ...] [--pairs N]

Each TREE (a source tree of the package, e.g. a ``git archive`` of an older commit; default:
the installed one) runs the command in turn, ``--pairs`` times. Each run is traced: the parent
and its workers write a line at each phase with their own CPU time (``--log`` keeps them). Per
run it prints:

* ``start``: the parent's CPU until the workers start (serial: the other core is idle);
* ``parallel``: the workers' CPU plus the parent's until the last worker reports its last run;
* ``end``: the parent's CPU after that (serial: writing the cache file and the summary);
* ``estimate``: ``start + parallel / 2 + end``, the wall time on an idle two-core machine.

The tracing replaces a few private functions of ``greenmine_docs.mines_validate`` (the worker's
entry point, the parent's receiving): it follows them as they are named at the time.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_DRIVER = r'''
import os, sys, time
def log(what):
    os.write(2, f"@{os.getpid()} {time.time():.4f} {time.process_time():.4f} {what}\n".encode())
log("start")
import greenmine_docs.cli as cli
from greenmine_docs import mines_validate as mv
work, receive = mv._read_and_check, mv._receive
def traced_work(*a, **k):
    log("worker")
    try:
        return work(*a, **k)
    finally:
        log("worker-end")
def traced_receive(connection):
    message = receive(connection)
    if message[0] == "done":
        log("done")
    return message
mv._read_and_check, mv._receive = traced_work, traced_receive
from greenmine_docs.excel_input.mines import MinesReader
lists = MinesReader.lists
def traced_lists(self):  # called by the parent right after it started the workers
    log("forked")
    return lists(self)
MinesReader.lists = traced_lists
import atexit
atexit.register(log, "exit")
sys.argv = ["greenmine", "batch", sys.argv[1], "-o", sys.argv[2], "--validate-only", "-j", "2"]
cli.main()
'''

_LINE = re.compile(r"@(\d+) ([\d.]+) ([\d.]+) (\S+)")


def phases(log: str) -> dict[str, float]:
    """The phases of one traced run (see the module's text) from its log lines."""
    lines = [(int(p), float(t), float(c), what) for p, t, c, what in _LINE.findall(log)]
    parent = lines[0][0]
    mine = [x for x in lines if x[0] == parent]
    at_fork = next(c for _, _, c, what in mine if what == "forked")
    last_done = max((x for x in mine if x[3] == "done"), key=lambda x: x[1])
    end = next(x for x in mine if x[3] == "exit")
    workers = sum(c for _, _, c, what in lines if what == "worker-end")
    start, parallel = at_fork, workers + last_done[2] - at_fork
    tail = end[2] - last_done[2]
    return {"wall": end[1] - mine[0][1], "start": start, "parallel": parallel, "end": tail,
            "estimate": start + parallel / 2 + tail}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workbook", type=Path)
    ap.add_argument("trees", nargs="*", help="source trees to alternate (default: installed)")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--log", type=Path, help="keep each run's trace lines in this folder")
    opts = ap.parse_args(argv)
    trees = [str(Path(t).resolve()) for t in opts.trees] or [""]  # (runs start elsewhere)
    work = Path(tempfile.mkdtemp(prefix="greenmine-phases-"))
    driver = work / "driver.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    runs: dict[str, list[dict[str, float]]] = {t: [] for t in trees}
    try:
        for k in range(opts.pairs):
            for tree in trees:
                out = work / "out"
                shutil.rmtree(out, ignore_errors=True)
                env = dict(os.environ, PYTHONPATH=tree) if tree else dict(os.environ)
                done = subprocess.run([sys.executable, str(driver),
                                       str(opts.workbook.resolve()), str(out)],
                                      env=env, cwd=work, capture_output=True, text=True)
                if opts.log:
                    opts.log.mkdir(parents=True, exist_ok=True)
                    (opts.log / f"{k}-{trees.index(tree)}.log").write_text(done.stderr)
                p = phases(done.stderr)
                runs[tree].append(p)
                print(f"{tree or 'installed'}: " + "  ".join(f"{n} {v:.3f}" for n, v in p.items())
                      + f"  load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for tree, found in runs.items():
        print(f"{tree or 'installed'} minima: "
              + "  ".join(f"{n} {min(p[n] for p in found):.3f}" for n in found[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
