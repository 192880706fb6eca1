"""``greenmine zone-plan``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import word_document_options


@click.command("zone-plan")
@click.argument("zone_path", metavar="ZONE", type=click.Path(path_type=Path))
@word_document_options("示范区建设方案")
def zone_plan_cmd(zone_path: Path, output: Path, pdf: bool, toc_pages: bool,
                  template: Path | None,
                  as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿业发展示范区建设方案（Word）：矿山的事实取自 zone.yaml 列出的各矿山输入文件，
    统计表由这些文件计算；无法读取的矿山列入方案并给出警告，示范区文件本身有错误时不生成。

    例：greenmine init --zone 示范区 && greenmine zone-plan 示范区/zone.yaml -o 示范区建设方案.docx
    """
    from ..api import zone_plan
    from ..report_format import render_text

    result = zone_plan(zone_path, output, pdf=pdf, toc_pages=toc_pages, template=template,
                       force=force, as_of=as_of, strict=strict)
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
