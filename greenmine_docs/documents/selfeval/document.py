"""The self-evaluation report as a document: its spec ``DOCUMENT`` (``greenmine build`` and
``greenmine self-eval`` make it through :mod:`greenmine_docs.api`).

The template (built-in ``templates/self_evaluation/report-template.docx``, built by the same
script and in the same official layout as the plan's, or the user's own ``--template``) is
rendered in the sandbox; the body is one subdocument written by
:class:`~greenmine_docs.documents.selfeval.compose.SelfEvalComposer`. User values reach the
template as context values only — none is ever template source.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...pipeline import Blocking, DocumentSpec, RenderOptions
from . import checks, data

if TYPE_CHECKING:
    from ...pipeline import Run

TEMPLATE = ("self_evaluation", "report-template.docx")
TITLE = "绿色矿山自评报告"


def report_title(run: Run) -> str:
    return f"{run.submission.mine.name}{TITLE}"


def template_context(run: Run, body: Any) -> dict[str, Any]:
    """The values a self-evaluation template can use (documented in TEMPLATE.md)."""
    from ...docx import cn_date, cn_date_upper

    sub = run.submission
    se = sub.self_evaluation
    assert se is not None
    result = run.scores.self_evaluation
    return {
        "title": report_title(run),
        "enterprise": sub.enterprise.name,
        "mine": sub.mine.name,
        "compiler": se.compiler or sub.enterprise.name,
        "date": cn_date(se.issued),
        "date_upper": cn_date_upper(se.issued),
        "province": sub.campaign.province,
        "total": "" if result is None else f"{result.total:.2f}",
        "verdict": "" if result is None else result.verdict.value,
        "body": body,
    }


def render(run: Run, fmt: str, options: RenderOptions) -> bytes:
    """The report DOCX as bytes (nothing is written)."""
    from ...docx import Writer
    from ...render.tpl import render_template
    from .compose import SelfEvalComposer

    def context(tpl: Any) -> dict[str, Any]:
        body = tpl.new_subdoc()
        writer = Writer(tpl.docx, body, base_dir=run.base_dir)
        writer.placed_at("body")
        SelfEvalComposer(data.selfeval_data(run), writer).compose()
        return template_context(run, body)

    template = options.template
    if template is None:
        from ...resources import template_path

        template = template_path(*TEMPLATE)
    return render_template(template, context)


def file_stem(run: Run) -> str:
    from ...outputs import safe_filename

    return safe_filename(report_title(run))


DOCUMENT = DocumentSpec(
    key="selfeval",
    title=TITLE,
    needs=("self_evaluation",),
    blocks_on=Blocking(("1", "30", "90", "91"),
                       "输入格式（GM-E1xx）、评价指标体系（GM-E30x）或自评报告（GM-E90x–E91x）的错误"),
    formats=("docx",),
    render=render,
    file_stem=file_stem,
    checks=(checks.check,),
    score=data.score_section,
    template=TEMPLATE,
)
