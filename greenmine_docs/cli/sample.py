"""``greenmine sample``: the reproducible verification sample of listed mines."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ._common import EXIT_FINDINGS, EXIT_OK, force_option


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"日期“{value}”格式应为 YYYY-MM-DD。") from e


@click.command("sample")
@click.argument("list_file", metavar="名录.xlsx", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的核查名单工作簿（.xlsx）；与 --template 同用时为模板文件。")
@click.option("--ratio", default="0.2", show_default=True,
              help="抽取比例，每组向上取整；可写 0.2 或 20%。")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="随机种子（非负整数）；同一名录、同一种子结果相同。不填则随机选取并记录。")
@click.option("--priority", default=None, metavar="规则",
              help="优先规则，逗号分隔：open-pit（露天开采）、reported（被举报/信访）、"
                   "rectification（以往整改要求），或 all。")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="同时输出公文格式的核查名单表格（.docx）。")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, metavar="YYYY",
              help="工作年度（名单标题中的年度），缺省取 --date 的年度；都不填时标题不写年度。")
@click.option("--title", default=None, help="名单标题，缺省为“<工作年度>年绿色矿山实地核查名单”。")
@click.option("--attachment", default="附件3", show_default=True,
              help="DOCX 左上角的附件编号；写 --attachment \"\" 则不加。")
@click.option("--date", "date", callback=_date, default=None, metavar="YYYY-MM-DD",
              help="记录的抽取日期（缺省为今天）；不影响抽取结果。")
@click.option("--province", default="", help="省份名称，用于核查单位，例如 山西省。")
@click.option("--sheet", default=None, help="名录所在工作表（缺省自动查找含“矿山名称”表头的表）。")
@click.option("--template", is_flag=True, help="只写出空白名录模板（表头、下拉选项、填写说明）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="屏幕输出格式。")
@force_option
def sample_cmd(list_file: Path | None, output: Path, ratio: str, seed: int | None,
               priority: str | None, docx_path: Path | None, year: int | None, title: str | None,
               attachment: str, date: dt.date | None, province: str, sheet: str | None,
               template: bool, fmt: str, force: bool) -> int:
    """按比例从绿色矿山名录中可复现地随机抽取实地核查名单。

    国家级、省级矿山为一组（省级核查），市级矿山按所在市分组（市级核查）；每组抽取数量不低于
    比例（向上取整）。同一名录、同一种子在任何计算机上抽取结果相同。

    \b
    示例：
      greenmine sample --template -o 名录模板.xlsx
      greenmine sample 名录.xlsx -o 核查名单.xlsx --ratio 0.2 --seed 20231001 \\
          --priority open-pit,reported,rectification --docx 核查名单.docx
    """
    from ..officials.sample_run import run_sample, write_template
    from ..report_format import render_text

    if template:
        path = write_template(output, force=force)
        click.echo(f"已写出名录模板：{path}")
        return EXIT_OK
    if list_file is None:
        raise click.UsageError("请指定名录文件（.xlsx 或 .csv），或使用 --template 生成模板。")
    outcome = run_sample(list_file, output, ratio=ratio, seed=seed, priorities=priority,
                         docx_path=docx_path, date=date, title=title, province=province,
                         sheet=sheet, attachment=attachment, force=force, year=year)
    result = outcome.result
    if fmt == "json":
        data = result.to_dict()
        data["written"] = [str(p) for p in outcome.written]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_FINDINGS if result.report.errors else EXIT_OK
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.report.errors))
    if result.report.errors:
        click.echo("名录有错误，未进行抽取，也未写出任何文件。请修改后重新运行。", err=True)
        return EXIT_FINDINGS
    click.echo(f"抽取比例 {result.ratio}，随机种子 {result.seed}"
               + ("（未指定，已随机选取并记录）" if outcome.seed_generated else "")
               + f"，优先规则：{result.rules_text()}")
    for g in result.groups:
        click.echo(f"  {g.label}：名录 {g.listed} 座，应抽 {g.required} 座，实抽 {len(g.drawn)} 座"
                   f"（优先 {g.n_drawn_priority} 座）")
    click.echo(f"共抽取 {len(result.drawn)} 座。已写出：" + "、".join(str(p) for p in outcome.written))
    return EXIT_OK
