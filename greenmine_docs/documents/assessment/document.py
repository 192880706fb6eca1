"""The assessment's two documents, as specs of the pipeline:

* :data:`REPORT` — the third-party assessment report (DOCX; ``greenmine report``, ``--pdf``);
* :data:`SCORESHEET` — the assessors' score sheet (XLSX, pre-filled with what the input holds;
  ``greenmine scoresheet``; a blank sheet for an input without an ``assessment`` section);

and :func:`read_filled` — ``greenmine scoresheet --read``: findings and the engine's result for
a filled sheet. Renderers return bytes; :mod:`greenmine_docs.api` writes them.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...findings import Report
from ...indicators.numbers import fmt_points
from ...pipeline import SET_ERRORS, Blocking, DocumentSpec
from . import checks, data

if TYPE_CHECKING:
    from ...pipeline import Run
    from ...scoring import ScoreResult
    from .report_data import ReportData

TEMPLATE = ("third_party_report", "report.docx")

# What stops the report: errors about the input's format (1xx), the indicator set (30x), the
# assessment section (5xx) or a safety limit (7xx). Others do not: the eligibility facts (2xx)
# are what the report's prerequisite rulings are about; the enterprise's self-check (31x–34x) is
# only compared and its implementation plan (4xx) is not part of the report.
REPORT_BLOCKING = Blocking(("1", "30", "5", "7"),
                           "输入格式（GM-E1xx）、评价指标体系（GM-E30x）、评估部分（GM-E5xx）、"
                           "安全限制（GM-E7xx）的错误（加 --strict 时含这些类别的警告）")


def report_stem(ctx: Run) -> str:
    from ...outputs import safe_filename

    return safe_filename(f"{ctx.submission.mine.name}第三方评估报告")


def scoresheet_stem(ctx: Run) -> str:
    from ...outputs import safe_filename

    return safe_filename(f"{ctx.submission.mine.name}第三方评估打分表")


def render_report(ctx: Run, template: Path | None = None) -> bytes:
    """The report DOCX as bytes."""
    from ...render.tpl import render_template
    from ...resources import template_path

    return render_template(template or template_path(*TEMPLATE),
                           lambda tpl: report_context(ctx, tpl))


def report_context(ctx: Run, tpl: Any) -> dict[str, Any]:
    """The full docxtpl context for ``tpl`` (a ``DocxTemplate``): the report body as a
    subdocument of the template's own document, plus the cover values. ``tpl.render(context,
    env)`` with it is exactly what :func:`render_report` does (the benchmark times the two)."""
    from ...docx import Writer
    from .compose import compose
    from .report_data import build_report_data

    data = build_report_data(ctx)
    body = tpl.new_subdoc()
    w = Writer(tpl.docx, body, base_dir=ctx.base_dir)
    w.placed_at("body")
    w.continued_tables = True  # a report: long tables split with 续表
    compose(w, data)
    w.finish()
    return {**template_values(data), "body": body}


def template_values(data: ReportData) -> dict[str, Any]:
    """The template's variables (all plain text; see templates/third_party_report/TEMPLATE.md)."""
    from ...docx import cn_date, cn_date_upper
    from ...model.assessment import TeamRole

    a = data.assessment
    leader = next((m.name for m in a.team if m.role is TeamRole.LEADER), "")
    return {
        "number_line": f"报告编号：{a.report_number}" if a.report_number else "",
        "mine_name": data.submission.mine.name,
        "doc_title": "绿色矿山第三方评估报告",
        "agency_name": a.agency.name,
        "commission_body": a.commission.body,
        "contract_number": a.commission.contract_number,
        "leader_name": leader,
        "commitment_date": cn_date(a.site_visit.start),
        "date_upper": cn_date_upper(a.report_date),
        "commitments": data.independence.commitments() if data.independence else [],
    }


def render_scoresheet(ctx: Run, blank: bool = False, experts: int = 0) -> bytes:
    """The score sheet for the run's indicator set, pre-filled with the assessors' rulings and
    scores (none when ``blank``); with ``experts`` (2 or more), one sheet per expert of the
    team and a sheet averaging them."""
    from ...indicators import profile_of
    from .scoresheet import build_scoresheet

    iset = ctx.indicator_set
    assert iset is not None  # an unusable set blocks the sheet
    scored = ctx.scores.assessment
    prefill = None if blank or scored is None else scored.given
    if experts:
        from .experts import expert_names
        from .scoresheet_experts import build_experts_scoresheet

        names = expert_names(None if blank else ctx.submission, experts)
        own = prefill.experts if prefill is not None else {}
        return build_experts_scoresheet(iset, ctx.submission, mine=profile_of(ctx.submission),
                                        names=names, prefill=dict(own), shared=prefill)
    return build_scoresheet(iset, ctx.submission, mine=profile_of(ctx.submission),
                            prefill=prefill)


REPORT = DocumentSpec(
    key="report",
    title="第三方评估报告",
    needs=("assessment",),
    blocks_on=REPORT_BLOCKING,
    formats=("docx",),
    render=lambda ctx, fmt, options: render_report(ctx, options.template),
    file_stem=report_stem,
    checks=(checks.check,),
    score=data.score_section,
    template=TEMPLATE,
)

SCORESHEET = DocumentSpec(
    key="scoresheet",
    title="第三方评估打分表",
    needs=("assessment",),
    blocks_on=SET_ERRORS,  # a form to fill in: only an unusable indicator set stops it
    formats=("xlsx",),
    render=lambda ctx, fmt, options: render_scoresheet(ctx, options.blank, options.experts),
    file_stem=scoresheet_stem,
    blank="when_missing",
)


def read_filled(run: Run, sheets: Path | list[Path]) -> tuple[Report, ScoreResult | None]:
    """Filled score sheets (one, one per expert, or one ``--experts`` workbook) read against
    the run's mine and indicator set: located findings about them (with the experts'
    divergences), and the scoring engine's result for the rulings and (mean) scores."""
    from ...findings import make
    from ...indicators import profile_of
    from ...scoring import score
    from .checks import _PROBLEM_CODES, _PROBLEM_FIELD
    from .experts import divergences
    from .scoresheet_read import read_scoresheets

    paths = [Path(p) for p in (sheets if isinstance(sheets, list) else [sheets])]
    report = Report(source="、".join(map(str, paths)))
    iset = run.indicator_set
    if iset is None:
        report.extend(run.set_findings)
        return report, None
    given = read_scoresheets(paths, iset)
    report.extend(given.findings)
    a = run.submission.assessment
    for d in divergences(given, iset, a.divergence_threshold if a else None) \
            if given.experts else []:
        report.add(make("GM-W532", f"{d.item} 各专家评分为：{d.scores_text()}，最高与最低相差"
                        f"{fmt_points(d.spread)}分，超过{fmt_points(d.threshold)}分。",
                        location=given.where("item", d.item, "score")))
    items, pres = data.engine_inputs(given)
    result = score(iset, items, pres, mine=profile_of(run.submission))
    for p in result.problems:
        kind = "pre" if p.kind.endswith("prerequisite") else "item"
        report.add(make(_PROBLEM_CODES[p.kind], p.message,
                        location=given.where(kind, p.ref, _PROBLEM_FIELD[p.kind])))
    return report, result
