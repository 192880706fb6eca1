"""Per-document timings: our render-and-save against a bare docxtpl render-and-save of the same
template with the same context, and where the time of one mine goes (``stages``).

The bare baseline is ``DocxTemplate(template)`` (open), then ``render(context,
autoescape=True)`` and ``save`` — with the context our composer builds (the body subdocument
included), built on that same template object but *not* timed. So the ratio says what our
composition (data, charts, tables, photos) and our checks around docxtpl cost on top of
docxtpl's own work. The self-check DOCX is built without docxtpl; its baseline is docxtpl
rendering its empty page (``base_document()`` with one ``{{p body }}`` paragraph) with the table
as a subdocument.

Times are CPU seconds of this process (``time.process_time``): the work is single-threaded, and
CPU time is not inflated by other programs on a shared machine. Wall-clock figures are kept in
the JSON as well.
"""
from __future__ import annotations

import io
import statistics
import time
from pathlib import Path
from typing import Any, Callable

DOCX_TYPES = ("plan", "selfcheck_docx", "report")


class Clock:
    """Accumulates CPU and wall time over the timed sections only."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0
        self._c = self._w = 0.0

    def start(self) -> None:
        self._c, self._w = time.process_time(), time.perf_counter()

    def stop(self) -> None:
        self.cpu += time.process_time() - self._c
        self.wall += time.perf_counter() - self._w


def checked(path: Path) -> Any:
    """The checked run of a valid input (what ``greenmine build`` renders from)."""
    from greenmine_docs.api import check, load

    run = check(load(path))
    if run.model is None or not run.report.valid:
        raise SystemExit(f"{path} does not validate")
    return run


# -- ours ---------------------------------------------------------------------------------
def ours(kind: str, ctx: Any) -> Clock:
    clock = Clock()
    clock.start()
    if kind == "plan":
        from greenmine_docs.documents.plan.document import render_plan

        data = render_plan(ctx)
    elif kind == "report":
        from greenmine_docs.documents.assessment.document import render_report

        data = render_report(ctx)
    else:
        data = _selfcheck_docx(ctx)
    clock.stop()
    assert data[:2] == b"PK"
    return clock


def _selfcheck_table(ctx: Any) -> Any:
    from greenmine_docs.documents.selfcheck.core import prepare

    return prepare(ctx.submission, ctx.indicator_set, set_ref=ctx.indicator_ref,
                   result=ctx.scores.self_check)


def _selfcheck_docx(ctx: Any) -> bytes:
    from greenmine_docs.documents.selfcheck.docx_table import render_docx

    return render_docx(_selfcheck_table(ctx))


# -- bare docxtpl -------------------------------------------------------------------------
def _selfcheck_template() -> bytes:
    """The self-check table's empty page as a docxtpl template: ``{{p body }}``."""
    from greenmine_docs.docx.document import to_bytes
    from greenmine_docs.documents.selfcheck.docx_table import base_document

    doc = base_document()
    doc.add_paragraph("{{p body }}")
    return to_bytes(doc)


_TEMPLATES: dict[str, Any] = {}


def template_source(kind: str) -> Any:
    if kind not in _TEMPLATES:
        from greenmine_docs.resources import template_path

        if kind == "plan":
            _TEMPLATES[kind] = str(template_path("implementation_plan", "plan-template.docx"))
        elif kind == "report":
            _TEMPLATES[kind] = str(template_path("third_party_report", "report.docx"))
        else:
            _TEMPLATES[kind] = _selfcheck_template()
    return _TEMPLATES[kind]


def build_context(kind: str, ctx: Any, tpl: Any) -> dict[str, Any]:
    """Our composer's context for ``tpl`` (untimed in the baseline)."""
    if kind == "plan":
        from greenmine_docs.documents.plan.document import plan_context

        return plan_context(ctx, tpl)
    if kind == "report":
        from greenmine_docs.documents.assessment.document import report_context

        return report_context(ctx, tpl)
    from greenmine_docs.documents.selfcheck.docx_table import write_body

    body = tpl.new_subdoc()
    write_body(body, _selfcheck_table(ctx))
    return {"body": body}


def bare(kind: str, ctx: Any) -> Clock:
    from docxtpl import DocxTemplate

    source = template_source(kind)
    clock = Clock()
    clock.start()
    tpl = DocxTemplate(io.BytesIO(source) if isinstance(source, bytes) else source)
    tpl.init_docx()
    clock.stop()
    context = build_context(kind, ctx, tpl)
    clock.start()
    tpl.render(context, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    clock.stop()
    assert buf.getvalue()[:2] == b"PK"
    return clock


def render_ratios(path: Path, repeats: int = 5) -> dict[str, dict[str, float]]:
    """``{kind: {ours_s, bare_s, ratio, ours_wall_s, bare_wall_s, ratio_wall}}`` (medians of
    ``repeats`` interleaved runs, after one warm-up run of each)."""
    ctx = checked(path)
    out: dict[str, dict[str, float]] = {}
    for kind in DOCX_TYPES:
        ours(kind, ctx), bare(kind, ctx)  # warm-up: imports, caches, fonts
        o: list[Clock] = []
        b: list[Clock] = []
        for _ in range(repeats):
            o.append(ours(kind, ctx))
            b.append(bare(kind, ctx))
        oc = statistics.median(c.cpu for c in o)
        bc = statistics.median(c.cpu for c in b)
        ow = statistics.median(c.wall for c in o)
        bw = statistics.median(c.wall for c in b)
        out[kind] = {"ours_s": oc, "bare_s": bc, "ratio": oc / bc,
                     "ours_wall_s": ow, "bare_wall_s": bw, "ratio_wall": ow / bw}
    return out


# -- where one mine's time goes -------------------------------------------------------------
def stages(path: Path, repeats: int = 5) -> dict[str, float]:
    """CPU seconds (minimum over ``repeats``, after a warm-up) of each step of building one
    mine: load, checks (with the scoring stage), and every document. The quick before/after
    measure of an optimisation: ``python benchmarks/run.py --stages``."""
    from greenmine_docs.api import check, load

    def one() -> dict[str, float]:
        t: dict[str, float] = {}

        def timed(name: str, fn: Callable[[], Any]) -> Any:
            c = time.process_time()
            result = fn()
            t[name] = time.process_time() - c
            return result

        loaded = timed("load", lambda: load(path))
        ctx = timed("checks", lambda: check(loaded))
        from greenmine_docs.documents.assessment.document import render_report, render_scoresheet
        from greenmine_docs.documents.plan.document import render_plan
        from greenmine_docs.documents.selfcheck.docx_table import render_docx
        from greenmine_docs.documents.selfcheck.xlsx import render_xlsx

        timed("plan_docx", lambda: render_plan(ctx))
        table = _selfcheck_table(ctx)  # tens of µs: the scores come from the check stage
        timed("selfcheck_xlsx", lambda: render_xlsx(table))
        timed("selfcheck_docx", lambda: render_docx(table))
        timed("report_docx", lambda: render_report(ctx))
        timed("scoresheet_xlsx", lambda: render_scoresheet(ctx))
        t["total"] = sum(t.values())
        return t

    one()
    runs = [one() for _ in range(repeats)]
    return {k: min(r[k] for r in runs) for k in runs[0]}
