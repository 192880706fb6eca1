"""``greenmine plan``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import TOC_PAGES_OPTION, force_option, generated
from .validate import AS_OF_OPTION


@click.command("plan")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="输出的 Word 文件，例如 实施方案.docx。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转换出同名 PDF。")
@TOC_PAGES_OPTION
@click.option("--template", type=click.Path(path_type=Path), metavar="T.docx",
              help="使用自己的 Word 模板（先用 greenmine templates export 导出默认模板再修改）。")
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="有警告也不生成。")
@force_option
def plan_cmd(input_path: Path, output: Path, pdf: bool, toc_pages: bool, template: Path | None,
             as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿山建设实施方案（Word），按编写提纲排列章节；有错误级问题时不生成。

    例：greenmine plan examples/shanxi-limestone/mine.yaml -o 实施方案.docx --pdf
    """
    from ..api import generate
    from ..report_format import render_text

    result = generate("plan", input_path, output, pdf=pdf, toc_pages=toc_pages, template=template, force=force,
                      as_of=as_of, strict=strict)
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.blocked))
    return generated(result, "实施方案")
