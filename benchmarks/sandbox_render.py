"""What the template sandbox costs: the example plan and report rendered in this process.

    .venv/bin/python benchmarks/sandbox_render.py [--repeat 15]

For each document, the median CPU time (``time.process_time``, less sensitive to other programs
on a shared machine than wall time) of

* ``total`` — the whole render (``render_plan`` / ``render_report``: compose the body, render the
  template, write the package), the built-in template;
* ``jinja`` — the part of it spent in Jinja (every template part and the document properties);
* ``user`` — the whole render again with the template exported by ``greenmine templates
  export`` and passed as a user template (``--template``).

The two documents are rendered alternately, after one warm-up render each (templates compiled).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shanxi-limestone" / "mine.yaml"


def _jinja_timer() -> list[float]:
    """Wrap the two places docxtpl runs Jinja; return the list the seconds are added to."""
    from greenmine_docs.render.tplguard import GuardedDocxTemplate

    spent: list[float] = []
    for name in ("render_xml_part", "render_properties"):
        original = getattr(GuardedDocxTemplate, name)

        def timed(self, *args, _original=original, **kwargs):
            start = time.process_time()
            try:
                return _original(self, *args, **kwargs)
            finally:
                spent.append(time.process_time() - start)

        setattr(GuardedDocxTemplate, name, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from greenmine_docs.api import check, load
    from greenmine_docs.render.export import export_templates

    ctx = check(load(EXAMPLE))
    with tempfile.TemporaryDirectory(prefix="gm-bench-") as folder:
        _measure(ctx, export_templates(Path(folder)), args.repeat)


def _measure(ctx: Any, exported_files: list[Path], repeat: int) -> None:
    """Print the median CPU of each render: in all, inside Jinja, and with the user's copy of
    the template (``exported_files``)."""
    from greenmine_docs.documents.assessment.document import render_report
    from greenmine_docs.documents.plan.document import render_plan

    exported = {p.name: p for p in exported_files}
    renders = {"plan": render_plan, "report": render_report}
    user = {"plan": exported["plan-template.docx"], "report": exported["report.docx"]}
    spent = _jinja_timer()
    figures: dict[str, dict[str, list[float]]] = {k: {"total": [], "jinja": [], "user": []}
                                                  for k in renders}
    for kind, render in renders.items():  # warm-up: templates opened and compiled
        render(ctx)
        render(ctx, user[kind])
    for _ in range(repeat):
        for kind, render in renders.items():
            spent.clear()
            start = time.process_time()
            render(ctx)
            figures[kind]["total"].append(time.process_time() - start)
            figures[kind]["jinja"].append(sum(spent))
            start = time.process_time()
            render(ctx, user[kind])
            figures[kind]["user"].append(time.process_time() - start)
    for kind, rows in figures.items():
        line = "  ".join(f"{name} {statistics.median(v) * 1000:7.2f} ms"
                         for name, v in rows.items())
        print(f"{kind:6} {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
