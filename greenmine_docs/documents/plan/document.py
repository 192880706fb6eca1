"""The implementation plan as a document: ``DOCUMENT`` (for ``greenmine build``) and
:func:`generate` (for ``greenmine plan``).

The template (built-in ``templates/implementation_plan/plan-template.docx`` or the user's own) is
rendered by docxtpl with the sandboxed environment; the whole body is one subdocument written by
:class:`~greenmine_docs.documents.plan.compose.PlanComposer`. Every user value reaches the template as a
context value — none is ever template source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...pipeline.spec import DocumentSpec
from ...errors import InputError
from ...findings import Report

if TYPE_CHECKING:
    from ...checks.context import CheckContext


def default_template() -> Path:
    from ...resources import template_path

    return template_path("implementation_plan", "plan-template.docx")


def plan_title(ctx: "CheckContext") -> str:
    plan = ctx.submission.plan
    if plan is not None and plan.title:
        return plan.title
    return f"{ctx.submission.mine.name}绿色矿山建设实施方案"


def template_context(ctx: "CheckContext", body: Any) -> dict[str, Any]:
    """The values a plan template can use (documented in TEMPLATE.md)."""
    from ...docx import cn_date, cn_date_upper, cn_month

    sub = ctx.submission
    plan = sub.plan
    assert plan is not None
    return {
        "title": plan_title(ctx),
        "enterprise": sub.enterprise.name,
        "mine": sub.mine.name,
        "compiler": plan.compiler,
        "date": cn_date(plan.date),
        "date_upper": cn_date_upper(plan.date),
        "period": f"{cn_month(plan.period.start)}至{cn_month(plan.period.end)}",
        "province": sub.campaign.province,
        "total_investment": f"{sum(t.investment for t in plan.tasks):.2f}",
        "body": body,
    }


def plan_context(ctx: "CheckContext", tpl: Any) -> dict[str, Any]:
    """The full docxtpl context for ``tpl`` (a ``DocxTemplate``): the body subdocument written
    into the template's own document, plus the cover values. ``tpl.render(context, env)`` with
    it is exactly what :func:`render_plan` does."""
    from ...docx import Writer
    from .compose import PlanComposer
    from .data import plan_data

    body = tpl.new_subdoc()
    writer = Writer(tpl.docx, body, base_dir=ctx.base_dir)
    PlanComposer(plan_data(ctx), writer).compose()
    return template_context(ctx, body)


def render_plan(ctx: "CheckContext", template: Path | None = None) -> bytes:
    """The plan DOCX as bytes (nothing is written)."""
    from ...docx import render_template

    return render_template(template or default_template(), lambda tpl: plan_context(ctx, tpl))


def _file_name(ctx: "CheckContext") -> str:
    from ...outputs import safe_filename

    return safe_filename(plan_title(ctx)) + ".docx"


DOCUMENT = DocumentSpec(
    key="plan",
    title="绿色矿山建设实施方案",
    supports=lambda ctx: ctx.submission.plan is not None,
    render=lambda ctx: {_file_name(ctx): render_plan(ctx)},
)


@dataclass
class PlanResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # tables of contents, PDF fonts


def generate(input_path: str | Path, output: str | Path, *, pdf: bool = False,
             template: str | Path | None = None, force: bool = False, as_of: Any = None,
             strict: bool = False) -> PlanResult:
    """``greenmine plan``: load and check the input; when nothing blocks, render the plan
    (and its PDF) in memory, then write. Returns the report and what was written."""
    from ...api import load, run_checks
    from ...outputs import check_output, write_bytes_atomic

    input_path = Path(input_path)
    output = Path(output)
    if output.suffix.lower() != ".docx":
        raise InputError(f"输出文件 {output} 应以 .docx 结尾。", hint="例如 -o 实施方案.docx。")
    pdf_path = output.with_suffix(".pdf")
    check_output(output, force=force, inputs=[input_path])
    if pdf:
        check_output(pdf_path, force=force, inputs=[input_path])
    if pdf:
        from ...docx.pdf import find_soffice, missing_soffice

        if find_soffice() is None:  # say so before spending time on the document
            raise missing_soffice()
    template_path = Path(template) if template else None
    if template_path is not None:
        from ...docx.tpl import open_template

        open_template(template_path)  # a broken template is reported before anything else
    loaded = load(input_path)
    loaded.report.strict = strict
    ctx = run_checks(loaded, as_of)
    result = PlanResult(report=loaded.report)
    if ctx is None or not loaded.report.valid:
        return result
    if ctx.submission.plan is None:
        raise InputError(f"{input_path} 中没有实施方案（plan）部分。",
                         hint="参照 examples/shanxi-limestone/mine.yaml 的 plan: 部分填写后再生成。")
    from ...docx.finish import finish_documents

    finished = finish_documents({output.name: render_plan(ctx, template_path)}, pdf=pdf)
    result.notes = finished.notes
    for name, data in finished.files.items():
        target = output.with_name(name)
        write_bytes_atomic(target, data, force=force, inputs=[input_path])
        result.written.append(target)
    return result
