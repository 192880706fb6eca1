"""The documents a mine's input gives — one package each (its spec, renderer and checks) — and
their registry.

:data:`DOCUMENTS` is the registry: plain imports, in the order ``greenmine build`` writes the
documents (and their checks run). A document whose module fails to import fails every test
instead of disappearing. Adding a document: see ``docs/DEVELOPING.md`` ("Adding a document").
"""
from __future__ import annotations

from ..errors import InputError
from ..pipeline import SECTION_TITLES, DocumentSpec
from .assessment.document import REPORT, SCORESHEET
from .plan.document import DOCUMENT as PLAN
from .selfcheck.document import DOCUMENT as SELFCHECK
from .selfeval.document import DOCUMENT as SELFEVAL

DOCUMENTS: tuple[DocumentSpec, ...] = (PLAN, SELFCHECK, SELFEVAL, REPORT, SCORESHEET)


def get(key: str) -> DocumentSpec:
    """The document called ``key``; an unknown key is the caller's mistake (InputError)."""
    for spec in DOCUMENTS:
        if spec.key == key:
            return spec
    raise InputError(f"没有名为“{key}”的文档。",
                     hint="可用的文档：" + "、".join(spec.key for spec in DOCUMENTS) + "。")


_BLANK = {"never": "—", "on_request": "加 --blank 时生成空白表",
          "when_missing": "输入中没有该部分时生成空白表"}


def markdown_table() -> str:
    """The README's table of documents: what each is made from and what stops it."""
    lines = ["| 文档（--only） | 名称 | 格式 | 需要的输入部分 | 阻止生成的问题 | 空白表 |",
             "|---|---|---|---|---|---|"]
    for spec in DOCUMENTS:
        needs = "、".join(f"{s}（{SECTION_TITLES[s]}）" for s in spec.needs)
        lines.append(f"| `{spec.key}` | {spec.title} | {' + '.join(spec.formats).upper()} | "
                     f"{needs} | {spec.blocks_on.text} | {_BLANK[spec.blank]} |")
    return "\n".join(lines)
