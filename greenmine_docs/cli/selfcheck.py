"""``greenmine selfcheck`` and ``greenmine summarize``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import (EXIT_FINDINGS, EXIT_OK, FORMAT_OPTION, emit_report, exit_code, force_option,
                      generated)
from .validate import AS_OF_OPTION


@click.command("selfcheck")
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出文件：.xlsx 或 .docx；与 --read 同用时为读回结果 .yaml。")
@click.option("--blank", is_flag=True, help="生成空白表（只预填矿山信息），供企业在 Excel 中手工填写。")
@click.option("--set", "set_ref", metavar="ID_OR_FILE",
              help="指定评价指标体系（默认用输入中的 campaign.indicator_set）。")
@click.option("--read", "read_path", type=click.Path(path_type=Path), metavar="TABLE.xlsx",
              help="读回一份已填写的自查记录表，逐格检查并给出得分与结论。")
@FORMAT_OPTION
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="警告也视为不通过。")
@force_option
def selfcheck_cmd(input_path: Path | None, output: Path | None, blank: bool,
                  set_ref: str | None, read_path: Path | None, fmt: str,
                  as_of: dt.date | None, strict: bool, force: bool) -> int:
    """生成绿色矿山自查记录表（XLSX 或 DOCX），或读回已填写的表。

    \b
    例：greenmine selfcheck mine.yaml -o 自查记录表.xlsx
        greenmine selfcheck mine.yaml -o 空白自查表.xlsx --blank
        greenmine selfcheck --blank --set province-demo -o 空白表.xlsx
        greenmine selfcheck --read 已填写.xlsx -o self_check.yaml
    """
    if read_path is not None:
        return _read(read_path, output, set_ref, fmt, strict, force)
    if output is None:
        raise click.UsageError("请用 -o 指定输出文件（.xlsx 或 .docx）。")
    if input_path is None and not blank:
        raise click.UsageError("请指定输入文件；没有输入文件时只能加 --blank 生成空白表。")
    from ..api import generate

    result = generate("selfcheck", input_path, output, blank=blank, set_ref=set_ref,
                      force=force, as_of=as_of, strict=strict)
    shown = [f for f in result.report.findings if f.severity.value != "info"]
    if shown or fmt != "text" or result.blocked:
        emit_report(result.report, fmt, title="自查记录表生成前校验")
    if result.blocked:
        return generated(result, "自查记录表")
    scored = None if blank else result.run.scores.self_check
    click.echo(f"已生成：{result.written[0]}"
               + (f"（自查结论：{scored.verdict.value}）" if scored else ""))
    return EXIT_OK


def _read(path: Path, output: Path | None, set_ref: str | None, fmt: str, strict: bool,
          force: bool) -> int:
    from ..api import read_table

    if output is not None and output.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError("与 --read 同用时，-o 应为 .yaml 文件。")
    table = read_table(path, set_ref=set_ref, strict=strict, output=output, force=force)
    emit_report(table.report, fmt, title="自查记录表检查报告")
    if output is not None:
        if table.self_check is None:
            click.echo("表格无法读取，未写出 YAML。", err=True)
            return EXIT_FINDINGS
        click.echo(f"已写出：{output}")
    return exit_code(table.report)


@click.command("summarize")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="FILES_OR_DIRS...")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="汇总工作簿（.xlsx）。")
@click.option("--set", "set_ref", metavar="ID_OR_FILE",
              help="读取各表时统一使用的评价指标体系（默认用各表生成时的体系）。")
@force_option
def summarize_cmd(sources: tuple[Path, ...], output: Path, set_ref: str | None,
                  force: bool) -> int:
    """把多份已填写的自查记录表汇总为一个工作簿（每矿一行、问题清单、无法读取的文件）。

    例：greenmine summarize 各矿自查表/ -o 吕梁市自查汇总.xlsx
    """
    from ..documents.selfcheck.summary import summarize

    result = summarize(sources, output, force=force, set_ref=set_ref)
    for path, reason in result.broken:
        click.echo(f"无法读取：{path}（{reason}）", err=True)
    click.echo(f"已汇总 {len(result.rows)} 份自查记录表：{result.written}")
    return EXIT_OK if not result.broken else EXIT_FINDINGS
