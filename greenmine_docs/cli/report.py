"""``greenmine scoresheet`` and ``greenmine report`` (third-party assessment)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from typing import TYPE_CHECKING

from ._common import EXIT_FINDINGS, EXIT_OK, FORMAT_OPTION, TOC_PAGES_OPTION, emit_report, force_option, generated
from .validate import AS_OF_OPTION

if TYPE_CHECKING:
    from ..scoring import ScoreResult


def _print_result(result: ScoreResult | None) -> None:
    if result is None:
        return
    click.echo(f"评分结果：{result.summary()}")
    for reason in result.reasons:
        click.echo(f"  · {reason}")


@click.command("scoresheet")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="要生成的打分表文件（.xlsx）。")
@click.option("--read", "read_paths", type=click.Path(path_type=Path), metavar="F.xlsx",
              multiple=True,
              help="读取已填写的打分表：逐格检查并按评分引擎计算结果（不生成文件）。"
                   "多位专家各填一份时重复 --read，逐项取平均分。")
@click.option("--experts", type=click.IntRange(min=2, max=30), default=None, metavar="N",
              help="生成 N 位专家的打分表：每位专家一张表（姓名取自评估组），另有“汇总”表用公式取平均分。")
@FORMAT_OPTION
@AS_OF_OPTION
@force_option
def scoresheet_cmd(input_path: Path, output: Path | None, read_paths: tuple[Path, ...],
                   experts: int | None, fmt: str, as_of: dt.date | None, force: bool) -> int:
    """生成第三方评估打分表（XLSX），或用 --read 读取已填写的打分表。

    打分表按输入中 campaign.indicator_set 指定的评价指标体系逐项生成：先决条件“符合/不符合”下拉选择，
    评价内容得分限定在 0～分值之间，小计和汇总为公式，A4 横向打印。输入中已有的评估判定和得分会预先填入。

    \b
    例：greenmine scoresheet mine.yaml -o 打分表.xlsx
        greenmine scoresheet mine.yaml --read 打分表.xlsx
        greenmine scoresheet mine.yaml --experts 3 -o 三人打分表.xlsx
        greenmine scoresheet mine.yaml --read 专家甲.xlsx --read 专家乙.xlsx --read 专家丙.xlsx
    填好的打分表可在输入中以 assessment.score_sheet 引用，用于生成评估报告。
    """
    if read_paths:
        from ..api import read_scoresheet

        outcome = read_scoresheet(input_path, list(read_paths), as_of=as_of)
        if outcome.report.findings or fmt != "text":
            emit_report(outcome.report, fmt, title="打分表检查结果")
        if fmt == "text":
            _print_result(outcome.score)
        return EXIT_OK if outcome.report.valid and not outcome.blocked else EXIT_FINDINGS
    if output is None:
        raise click.UsageError("请用 -o 指定要生成的打分表文件，或用 --read 读取已填写的打分表。")
    from ..api import generate

    outcome = generate("scoresheet", input_path, output, force=force, as_of=as_of,
                       experts=experts or 0)
    if outcome.blocked:
        emit_report(outcome.report, "text")
    return generated(outcome, "打分表")


@click.command("report")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="要生成的评估报告（.docx）。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转换出同名 PDF。")
@TOC_PAGES_OPTION
@click.option("--template", type=click.Path(path_type=Path),
              help="自定义 DOCX 模板（greenmine templates export 导出后修改）。")
@AS_OF_OPTION
@force_option
def report_cmd(input_path: Path, output: Path, pdf: bool, toc_pages: bool, template: Path | None,
               as_of: dt.date | None, force: bool) -> int:
    """生成绿色矿山第三方评估报告（DOCX，可加 --pdf）。

    先校验输入；输入格式、评价指标体系或评估部分有错误（评估组不合要求、日期顺序错误、有未评分项、
    照片无法读取……）时不生成。遴选条件类错误（GM-E2xx）不阻止生成：先决条件的判定及一票否决结论写在
    报告中；企业自查（GM-E31x～E34x）和实施方案（GM-E4xx）的问题也不影响评估报告。

    \b
    例：greenmine report examples/shanxi-limestone/mine.yaml -o 评估报告.docx --pdf
    """
    from ..api import generate
    from ..report_format import render_text

    outcome = generate("report", input_path, output, pdf=pdf, toc_pages=toc_pages, force=force, as_of=as_of,
                       template=template)
    shown = [f for f in outcome.report.findings if f.severity.value != "info"]
    if shown:
        click.echo(render_text(outcome.report), err=bool(outcome.blocked))
    code = generated(outcome, "评估报告")
    if code == EXIT_OK and outcome.run.scores.assessment is not None:
        _print_result(outcome.run.scores.assessment.result)
    return code
