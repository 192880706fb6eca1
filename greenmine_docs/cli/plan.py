"""``greenmine plan``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import generated, word_document_options


@click.command("plan")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@word_document_options("实施方案")
def plan_cmd(input_path: Path, output: Path, pdf: bool, toc_pages: bool, template: Path | None,
             as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿山建设实施方案（Word），按编写提纲排列章节；有错误级问题时不生成。

    例：greenmine plan examples/shanxi-limestone/mine.yaml -o 实施方案.docx --pdf
    """
    from ..api import generate
    from ..report_format import render_text

    result = generate("plan", input_path, output, pdf=pdf, toc_pages=toc_pages, template=template,
                      force=force, as_of=as_of, strict=strict)
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.blocked))
    return generated(result, "实施方案")
