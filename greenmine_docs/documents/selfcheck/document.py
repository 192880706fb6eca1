"""Registration of the self-check table with ``greenmine build`` (both XLSX and DOCX)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...pipeline.spec import DocumentSpec

if TYPE_CHECKING:
    from ...checks.context import CheckContext


def _supports(ctx: "CheckContext") -> bool:
    from .checks import indicator_set_for

    return ctx.submission.self_check is not None and indicator_set_for(ctx) is not None


def _render(ctx: "CheckContext") -> dict[str, bytes]:
    from ...outputs import safe_filename
    from .checks import indicator_set_for
    from .core import prepare
    from .docx_table import render_docx
    from .xlsx import render_xlsx

    iset = indicator_set_for(ctx)
    assert iset is not None  # _supports said so
    data = prepare(ctx.submission, iset, set_ref=ctx.submission.campaign.indicator_set)
    stem = safe_filename(f"{ctx.submission.mine.name}绿色矿山自查记录表")
    return {f"{stem}.xlsx": render_xlsx(data), f"{stem}.docx": render_docx(data)}


DOCUMENT = DocumentSpec(key="selfcheck", title="绿色矿山自查记录表", supports=_supports,
                        render=_render)
