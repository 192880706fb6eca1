"""The self-check record table as a document: its spec ``DOCUMENT`` (XLSX and DOCX; a blank
table with ``--blank``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...pipeline import Blocking, DocumentSpec, RenderOptions
from . import checks, core

if TYPE_CHECKING:
    from ...pipeline import Run


def file_stem(ctx: Run) -> str:
    from ...outputs import safe_filename

    return safe_filename(f"{ctx.submission.mine.name}{core.TABLE_TITLE}")


def render(ctx: Run, fmt: str, options: RenderOptions) -> bytes:
    """The table (``fmt``: ``xlsx`` or ``docx``) for the run's indicator set, filled from the
    input's self-check and its score, or blank (the mine's facts only; no input at all makes
    a table with an empty header)."""
    iset = ctx.indicator_set
    assert iset is not None  # an unusable set blocks the table
    data = core.prepare(ctx.model, iset, set_ref=ctx.indicator_ref, blank=options.blank,
                        result=ctx.scores.self_check)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(data)
    from .docx_table import render_docx

    return render_docx(data)


# What stops the self-check table: any error but those of the other documents' own sections —
# the implementation plan (4xx), the third-party assessment (5xx), the self-evaluation report
# (9xx). The input's format, the six conditions, consistency and the indicator set stop it.
SELFCHECK_BLOCKING = Blocking(tuple("123678"), "除实施方案（GM-E4xx）、第三方评估（GM-E5xx）、"
                                               "自评报告（GM-E9xx）部分外的任何错误（加 --strict 时含警告）")


DOCUMENT = DocumentSpec(
    key="selfcheck",
    title=core.TABLE_TITLE,
    needs=("self_check",),
    blocks_on=SELFCHECK_BLOCKING,
    formats=("xlsx", "docx"),
    render=render,
    file_stem=file_stem,
    checks=(checks.check,),
    score=core.score_section,
    blank="on_request",
)
