"""``greenmine self-eval``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import force_option, generated
from .validate import AS_OF_OPTION


@click.command("self-eval")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="输出的 Word 文件，例如 自评报告.docx。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转换出同名 PDF。")
@click.option("--template", type=click.Path(path_type=Path), metavar="T.docx",
              help="使用自己的 Word 模板（先用 greenmine templates export 导出默认模板再修改）。")
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="有警告也不生成。")
@force_option
def self_eval_cmd(input_path: Path, output: Path, pdf: bool, template: Path | None,
                  as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿山自评报告（Word）：输入中须有 self_evaluation 部分，未填写的评分取自
    self_check；有输入格式、指标体系或自评部分的错误时不生成。

    例：greenmine self-eval examples/shanxi-limestone/mine.yaml -o 自评报告.docx --pdf
    """
    from ..api import generate
    from ..report_format import render_text

    result = generate("selfeval", input_path, output, pdf=pdf, template=template, force=force,
                      as_of=as_of, strict=strict)
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.blocked))
    return generated(result, "自评报告")
