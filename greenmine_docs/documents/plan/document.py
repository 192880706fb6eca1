"""The implementation plan as a document: its spec ``DOCUMENT`` (``greenmine build`` and
``greenmine plan`` both make it through :mod:`greenmine_docs.api`).

The template (built-in ``templates/implementation_plan/plan-template.docx`` or the user's own) is
rendered by docxtpl with the sandboxed environment; the whole body is one subdocument written by
:class:`~greenmine_docs.documents.plan.compose.PlanComposer`. Every user value reaches the template as a
context value — none is ever template source.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...pipeline import Blocking, DocumentSpec, RenderOptions
from . import checks, images

if TYPE_CHECKING:
    from ...pipeline import Run

TEMPLATE = ("implementation_plan", "plan-template.docx")


def default_template() -> Path:
    from ...resources import template_path

    return template_path(*TEMPLATE)


def plan_title(ctx: Run) -> str:
    plan = ctx.submission.plan
    if plan is not None and plan.title:
        return plan.title
    return f"{ctx.submission.mine.name}绿色矿山建设实施方案"


def template_context(ctx: Run, body: Any) -> dict[str, Any]:
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


def plan_context(ctx: Run, tpl: Any) -> dict[str, Any]:
    """The full docxtpl context for ``tpl`` (a ``DocxTemplate``): the body subdocument written
    into the template's own document, plus the cover values. ``tpl.render(context, env)`` with
    it is exactly what :func:`render_plan` does."""
    from ...docx import Writer
    from .compose import PlanComposer
    from .data import plan_data

    body = tpl.new_subdoc()
    writer = Writer(tpl.docx, body, base_dir=ctx.base_dir)
    writer.placed_at("body")
    PlanComposer(plan_data(ctx), writer).compose()
    return template_context(ctx, body)


def render_plan(ctx: Run, template: Path | None = None) -> bytes:
    """The plan DOCX as bytes (nothing is written)."""
    from ...render.tpl import render_template

    return render_template(template or default_template(), lambda tpl: plan_context(ctx, tpl))


def file_stem(ctx: Run) -> str:
    from ...outputs import safe_filename

    return safe_filename(plan_title(ctx))


def render(ctx: Run, fmt: str, options: RenderOptions) -> bytes:
    return render_plan(ctx, options.template)


# What stops the plan: any error but those of the sections other parties write or that come
# later — the third-party assessment (5xx) and the self-evaluation report (9xx): each of those
# stops its own document only.
PLAN_BLOCKING = Blocking(tuple("1234678"), "除第三方评估（GM-E5xx）、自评报告（GM-E9xx）部分外的"
                                           "任何错误（加 --strict 时含警告）")


DOCUMENT = DocumentSpec(
    key="plan",
    title="绿色矿山建设实施方案",
    needs=("plan",),
    blocks_on=PLAN_BLOCKING,
    formats=("docx",),
    render=render,
    file_stem=file_stem,
    checks=(checks.check, images.check),
    template=TEMPLATE,
)
