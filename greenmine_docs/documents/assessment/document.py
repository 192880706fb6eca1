"""Rendering the assessment documents and the two library entry points the CLI calls.

* :data:`DOCUMENT` — what ``greenmine build`` writes for an input with an ``assessment``
  section: the report (DOCX) and the score sheet (XLSX, pre-filled with what the input holds);
* :func:`make_report` — ``greenmine report``: validate, render, optionally convert to PDF, write;
* :func:`make_scoresheet` — ``greenmine scoresheet``: the score sheet for one mine;
* :func:`read_filled_sheet` — ``greenmine scoresheet --read``: findings and the engine's result
  for a filled sheet.

Nothing is written before everything is rendered; files go through :mod:`greenmine_docs.outputs`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...pipeline.spec import DocumentSpec
from ...findings import Report, Severity

if TYPE_CHECKING:
    from ...checks.context import CheckContext
    from ...scoring import ScoreResult

TEMPLATE = ("third_party_report", "report.docx")

# Errors that stop the report: an unusable input (1xx), indicator set (30x), assessment section
# (5xx) or safety limit (7xx). Others do not: the eligibility facts (2xx) are what the report's
# prerequisite rulings are about; the enterprise's self-check (31x–34x) is only compared and its
# implementation plan (4xx) is not part of the report.
_BLOCKING = ("GM-E1", "GM-E30", "GM-E5", "GM-E7")


def report_filename(ctx: "CheckContext", suffix: str = ".docx") -> str:
    from ...outputs import safe_filename

    return safe_filename(f"{ctx.submission.mine.name}第三方评估报告") + suffix


def scoresheet_filename(ctx: "CheckContext") -> str:
    from ...outputs import safe_filename

    return safe_filename(f"{ctx.submission.mine.name}第三方评估打分表") + ".xlsx"


def render_report(ctx: "CheckContext", template: Path | None = None) -> bytes:
    """The report DOCX as bytes."""
    from ...docx import render_template
    from ...resources import template_path

    return render_template(template or template_path(*TEMPLATE),
                           lambda tpl: report_context(ctx, tpl))


def report_context(ctx: "CheckContext", tpl) -> dict:
    """The full docxtpl context for ``tpl`` (a ``DocxTemplate``): the report body as a
    subdocument of the template's own document, plus the cover values. ``tpl.render(context,
    env)`` with it is exactly what :func:`render_report` does (the benchmark times the two)."""
    from ...docx import Writer
    from .compose import compose
    from .report_data import build_report_data

    data = build_report_data(ctx)
    body = tpl.new_subdoc()
    w = Writer(tpl.docx, body, base_dir=ctx.base_dir)
    w.continued_tables = True  # a report: long tables split with 续表
    compose(w, data)
    w.finish()
    return {**template_values(data), "body": body}


def template_values(data) -> dict[str, str]:
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


def render_scoresheet(ctx: "CheckContext") -> bytes:
    from ...errors import InputError
    from ...indicators import profile_of
    from .data import evaluate, inline_scores, resolve_set
    from .scoresheet import build_scoresheet

    a = ctx.submission.assessment
    if a is not None:
        ev = evaluate(ctx)
        iset, prefill = ev.indicator_set, ev.scores
    else:
        iset, findings = resolve_set(ctx)
        prefill = None
        if iset is None:
            raise InputError("评价指标体系无法使用：" + "；".join(f.message for f in findings),
                             hint="检查 campaign.indicator_set。")
    if iset is None:
        raise InputError("评价指标体系无法使用。", hint="检查 campaign.indicator_set。")
    if a is not None and prefill is None:
        prefill = inline_scores(ctx, a)
    return build_scoresheet(iset, ctx.submission, mine=profile_of(ctx.submission),
                            prefill=prefill)


def _render_all(ctx: "CheckContext") -> dict[str, bytes]:
    return {report_filename(ctx): render_report(ctx),
            scoresheet_filename(ctx): render_scoresheet(ctx)}


DOCUMENT = DocumentSpec(
    key="report",
    title="第三方评估报告及打分表",
    supports=lambda ctx: ctx.submission.assessment is not None,
    render=_render_all,
)


# -- library entry points for the CLI -------------------------------------------------------
@dataclass
class Outcome:
    report: Report
    written: list[Path] = field(default_factory=list)
    result: "ScoreResult | None" = None
    blocked: bool = False  # nothing written because of error findings
    notes: list[str] = field(default_factory=list)


def blocking_errors(report: Report) -> list:
    return [f for f in report.findings if f.severity is Severity.ERROR
            and f.code.startswith(_BLOCKING)]


def _checked(path: Path, as_of: dt.date | None):
    from ...api import load, run_checks

    loaded = load(path)
    ctx = run_checks(loaded, as_of)
    return loaded, ctx


def make_report(path: str | Path, output: str | Path, *, pdf: bool = False, force: bool = False,
                as_of: dt.date | None = None, template: Path | None = None) -> Outcome:
    """Validate ``path``; when nothing blocks, write the report DOCX (and PDF) to ``output``."""
    from ...errors import InputError
    from ...outputs import check_output, write_bytes_atomic

    path, output = Path(path), Path(output)
    loaded, ctx = _checked(path, as_of)
    out = Outcome(report=loaded.report)
    if ctx is None or blocking_errors(loaded.report):
        out.blocked = True
        return out
    if ctx.submission.assessment is None:
        raise InputError("输入中没有第三方评估（assessment）部分，无法生成评估报告。",
                         hint="补充 assessment 部分后重试（示例见 greenmine init 生成的 mine.yaml）。")
    pdf_path = output.with_suffix(".pdf")
    check_output(output, force=force, inputs=[path])
    if pdf:
        check_output(pdf_path, force=force, inputs=[path])
    from ...docx.finish import finish_documents

    finished = finish_documents({output.name: render_report(ctx, template)}, pdf=pdf)
    out.notes.extend(finished.notes)
    for name, data in finished.files.items():
        target = output.with_name(name)
        write_bytes_atomic(target, data, force=force, inputs=[path])
        out.written.append(target)
    from .data import evaluate

    out.result = evaluate(ctx).result
    return out


def make_scoresheet(path: str | Path, output: str | Path, *, force: bool = False,
                    as_of: dt.date | None = None) -> Outcome:
    """Write the score sheet for the mine in ``path``. Only an input that does not load into
    the model (or names no usable indicator set) stops it: a blank form needs no scores."""
    from ...api import load
    from ...checks.context import CheckContext
    from ...api import reference_date
    from ...outputs import check_output, write_bytes_atomic

    path, output = Path(path), Path(output)
    loaded = load(path)
    out = Outcome(report=loaded.report)
    if loaded.submission is None:
        out.blocked = True
        return out
    from ...safety.inputs import input_files

    ctx = CheckContext(submission=loaded.submission, raw=loaded.raw,
                       as_of=reference_date(loaded.submission, as_of))
    inputs = input_files(loaded.raw)  # a filled score sheet the input names is never replaced
    check_output(output, force=force, inputs=inputs)
    data = render_scoresheet(ctx)
    write_bytes_atomic(output, data, force=force, inputs=inputs)
    out.written.append(output)
    return out


def read_filled_sheet(path: str | Path, sheet: str | Path, *,
                      as_of: dt.date | None = None) -> Outcome:
    """Read a filled score sheet against the mine in ``path``: located findings about the
    sheet, and the scoring engine's result for its rulings and scores."""
    from ...api import load, reference_date
    from ...checks.context import CheckContext
    from ...indicators import profile_of
    from ...scoring import score
    from .checks import _PROBLEM_CODES, _PROBLEM_FIELD
    from .data import engine_inputs, resolve_set
    from .scoresheet_read import read_scoresheet
    from ...findings import make

    loaded = load(Path(path))
    out = Outcome(report=Report(source=str(sheet)))
    if loaded.submission is None:
        out.report.extend(loaded.report.findings)
        out.blocked = True
        return out
    ctx = CheckContext(submission=loaded.submission, raw=loaded.raw,
                       as_of=reference_date(loaded.submission, as_of))
    iset, set_findings = resolve_set(ctx)
    if iset is None:
        out.report.extend(set_findings)
        out.blocked = True
        return out
    data = read_scoresheet(Path(sheet), iset)
    out.report.extend(data.findings)
    items, pres = engine_inputs(data)
    result = score(iset, items, pres, mine=profile_of(ctx.submission))
    for p in result.problems:
        kind = "pre" if p.kind.endswith("prerequisite") else "item"
        out.report.add(make(_PROBLEM_CODES[p.kind], p.message,
                            location=data.where(kind, p.ref, _PROBLEM_FIELD[p.kind])))
    out.result = result
    return out
