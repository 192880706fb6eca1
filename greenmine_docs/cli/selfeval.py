"""``greenmine self-eval``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import generated, word_document_options


@click.command("self-eval")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@word_document_options("自评报告")
def self_eval_cmd(input_path: Path, output: Path, pdf: bool, toc_pages: bool,
                  template: Path | None,
                  as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿山自评报告（Word）：输入中须有 self_evaluation 部分，未填写的评分取自
    self_check；有输入格式、指标体系或自评部分的错误时不生成。

    例：greenmine self-eval examples/shanxi-limestone/mine.yaml -o 自评报告.docx --pdf
    """
    from ..api import generate
    from ..report_format import render_text

    result = generate("selfeval", input_path, output, pdf=pdf, toc_pages=toc_pages,
                      template=template, force=force, as_of=as_of, strict=strict)
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.blocked))
    return generated(result, "自评报告")
