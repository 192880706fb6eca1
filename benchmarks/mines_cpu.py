"""CPU time per mine of a batch, split by document, in one process.

    .venv/bin/python benchmarks/run.py --sizes 100 --skip render,validate,cold --workdir /tmp/b
    .venv/bin/python benchmarks/mines_cpu.py /tmp/b/mines-100 20

Calls ``greenmine_docs.batch.process`` (read, score and check, render the five files, write
them and the manifest) for ``N`` of the synthetic mines in ``FOLDER``, after two mines that warm the
process up as a batch worker is warmed up, and prints the CPU time per mine: in total and for
each registered document, the checks, the loading and the writing. To compare two commits, run
the script of this checkout with the other commit's package first on the path, alternately, and
take the minimum of each (this machine's speed drifts by a third within minutes)::

    git archive ea4d465 | tar -x -C /tmp/c/ea4d465
    PYTHONPATH=/tmp/c/ea4d465 .venv/bin/python benchmarks/mines_cpu.py /tmp/b/mines-100 20
"""
from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="a folder of mines (one sub-folder each)")
    ap.add_argument("mines", type=int, nargs="?", default=20, help="mines to time (default 20)")
    args = ap.parse_args(argv)

    from greenmine_docs import api, batch, documents

    out = Path(tempfile.mkdtemp(prefix="greenmine-cpu-"))
    try:
        tasks = batch.collect_tasks(args.folder, out / "out", as_of=None, strict=False,
                                    zip_bundle=False, validate_only=False)
        (out / "out").mkdir()
        if len(tasks) < args.mines + 2:
            raise SystemExit(f"{args.folder} has {len(tasks)} mines; need {args.mines + 2}")
        batch._warm_up(False)
        for task in tasks[:2]:
            batch.process(task)

        spent: collections.Counter[str] = collections.Counter()

        def timed(label: str, f: Callable[..., Any]) -> Callable[..., Any]:
            def g(*a: Any, **k: Any) -> Any:
                t = time.process_time()
                try:
                    return f(*a, **k)
                finally:
                    spent[label] += time.process_time() - t
            return g

        api.check = timed("checks", api.check)  # the scoring stage included
        api._write_build = timed("write", api._write_build)
        api.load = timed("load", api.load)
        for spec in documents.DOCUMENTS:
            object.__setattr__(spec, "render", timed(spec.key, spec.render))

        start = time.process_time()
        for task in tasks[2:2 + args.mines]:
            batch.process(task)
        total = time.process_time() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)
    n = args.mines
    print(f"{n} mines: {total / n * 1000:.0f} ms CPU per mine")
    for label, seconds in spent.most_common():
        print(f"  {label:20s} {seconds / n * 1000:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
