"""CPU time of one registered document's render per mine, as a batch meets its mines.

    .venv/bin/python benchmarks/run.py --sizes 100 --skip render,validate,cold --workdir /tmp/b
    .venv/bin/python benchmarks/document_cpu.py /tmp/b/mines-100 selfcheck --format docx

Checks ``3 + ROUNDS × N`` of the synthetic mines in ``FOLDER`` (not timed), renders the first three
to warm the process up, then renders ``N`` mines never rendered before in each of ``ROUNDS``
rounds and prints the least CPU time a mine of a round took: the memories of rows and tables hit
as they do in a batch, not as they do when the same mine is rendered again, and a table of
contents is filled as the package is written, as in a batch. Finer than
``mines_cpu.py``'s column for the document (one format, no checks or writing around it). To
compare two commits, run it with the other commit's package first on the path, alternately::

    PYTHONPATH=/tmp/c/ea4d465 .venv/bin/python benchmarks/document_cpu.py /tmp/b/mines-100 plan
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="a folder of mines (one sub-folder each)")
    ap.add_argument("document", help="a registered document's key (plan, selfcheck, report …)")
    ap.add_argument("--format", default=None, help="the format to render (default: its first)")
    ap.add_argument("--mines", type=int, default=24, help="mines a round (default 24)")
    ap.add_argument("--rounds", type=int, default=4, help="rounds (default 4)")
    args = ap.parse_args(argv)

    import greenmine_docs
    from greenmine_docs import documents
    from greenmine_docs.api import check, load
    from greenmine_docs.docx.toc import headings_when_packaged
    from greenmine_docs.pipeline import RenderOptions

    specs = {spec.key: spec for spec in documents.DOCUMENTS}
    if args.document not in specs:
        raise SystemExit(f"no document {args.document!r}; known: {', '.join(specs)}")
    spec = specs[args.document]
    fmt = args.format or spec.formats[0]
    need = 3 + args.mines * args.rounds
    folders = sorted(p.parent for p in args.folder.glob("*/mine.yaml"))[:need]
    if len(folders) < need:
        raise SystemExit(f"{args.folder} has {len(folders)} mines; need {need}")
    runs = [check(load(folder / "mine.yaml")) for folder in folders]
    options = RenderOptions()
    for run in runs[:3]:
        spec.render(run, fmt, options)
    least = float("inf")
    with headings_when_packaged():  # a table of contents filled as a batch fills it
        for r in range(args.rounds):
            start = time.process_time()
            for run in runs[3 + r * args.mines:3 + (r + 1) * args.mines]:
                spec.render(run, fmt, options)
            least = min(least, (time.process_time() - start) / args.mines)
    print(f"{greenmine_docs.__file__}: {spec.key} {fmt} {least * 1000:.2f} ms CPU a mine "
          f"(least of {args.rounds} rounds of {args.mines} mines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
