"""``greenmine zone-plan``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import force_option
from .validate import AS_OF_OPTION


@click.command("zone-plan")
@click.argument("zone_path", metavar="ZONE", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="输出的 Word 文件，例如 示范区建设方案.docx。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转换出同名 PDF。")
@click.option("--template", type=click.Path(path_type=Path), metavar="T.docx",
              help="使用自己的 Word 模板（先用 greenmine templates export 导出默认模板再修改）。")
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="有警告也不生成。")
@force_option
def zone_plan_cmd(zone_path: Path, output: Path, pdf: bool, template: Path | None,
                  as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿业发展示范区建设方案（Word）：矿山的事实取自 zone.yaml 列出的各矿山输入文件，
    统计表由这些文件计算；无法读取的矿山列入方案并给出警告，示范区文件本身有错误时不生成。

    例：greenmine init --zone 示范区 && greenmine zone-plan 示范区/zone.yaml -o 示范区建设方案.docx
    """
    from ..api import zone_plan
    from ..report_format import render_text

    result = zone_plan(zone_path, output, pdf=pdf, template=template, force=force, as_of=as_of,
                       strict=strict)
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.blocked))
    if result.blocked:
        click.echo("未生成：示范区建设方案（示范区文件有错误，见上）。", err=True)
        return 1
    for path in result.written:
        click.echo(f"已生成：{path}")
    for note in result.notes:
        click.echo(note)
    return 0
