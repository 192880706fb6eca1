"""``greenmine excel-template`` and ``greenmine convert``: the Excel input workbook."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import FORMAT_OPTION, EXIT_OK, emit_report, exit_code, force_option


@click.command("excel-template")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="要写出的工作簿，如 输入.xlsx。")
@click.option("--mines-table", is_flag=True,
              help="写出空白的矿山名录表（每行一个矿山，供 batch 使用），而不是单个矿山的输入工作簿。")
@force_option
def excel_template_cmd(output: Path, mines_table: bool, force: bool) -> int:
    """生成供填写的 Excel 输入工作簿（含填表说明、下拉选项、必填标记）。

    \b
    例：greenmine excel-template -o 青岚山矿-输入.xlsx
        greenmine excel-template --mines-table -o 矿山名录.xlsx
    """
    if mines_table:
        from ..excel_input import write_mines_table

        write_mines_table([], output, force=force)
    else:
        from ..excel_input import write_template

        write_template(output, force=force)
    click.echo(f"已写出：{output}")
    return EXIT_OK


@click.command("convert")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@force_option
@FORMAT_OPTION
def convert_cmd(source: Path, target: Path, force: bool, fmt: str) -> int:
    """YAML 与 Excel 输入互相转换（按扩展名判断方向）。

    \b
    例：greenmine convert mine.yaml mine.xlsx
        greenmine convert mine.xlsx mine.yaml
    读取中发现的问题（改名的工作表、文本形式的数字等）会列出；内容是否完整请再用
    greenmine validate 检查。
    """
    from ..convert import convert

    report = convert(source, target, force=force)
    if fmt == "text":
        click.echo(f"已转换：{source} → {target}")
        if len(report):
            emit_report(report, fmt)
    else:
        emit_report(report, fmt, title="转换报告")
    return exit_code(report)
