"""``greenmine indicators list/show/import/export/map/carry``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import EXIT_FINDINGS, EXIT_OK, emit_report, force_option

if TYPE_CHECKING:
    from ..findings import Report


@click.group("indicators")
def indicators_grp() -> None:
    """评价指标体系：列出内置体系、查看、从 Excel 导入、导出为 Excel 或 YAML，在体系之间转换。

    输入文件用 campaign.indicator_set 选择体系：内置编号，或指标体系文件的相对路径。
    """


@indicators_grp.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式。")
def list_cmd(fmt: str) -> int:
    """列出内置评价指标体系。

    例：greenmine indicators list
    """
    from ..indicators.ops import summaries

    rows = summaries()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        kind = "官方" if r["official"] else "参考"
        click.echo(f"{r['id']:<26} [{kind}] {r['title']}  总分 {r['total_points']:g}，"
                   f"达标线 {r['pass_line']:g}，评价内容 {r['items']} 项")
    return EXIT_OK


@indicators_grp.command("show")
@click.argument("ref", metavar="ID_OR_FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text 为目录树；json 为完整数据（与 YAML 格式相同）。")
@click.option("--brief", is_flag=True, help="只显示到二级指标。")
def show_cmd(ref: str, fmt: str, brief: bool) -> int:
    """查看一个指标体系（内置编号或 .yaml/.xlsx 文件），并检查其编号和分值。

    例：greenmine indicators show national-2020-reference --brief
    """
    from ..indicators.dump import to_data
    from ..indicators.ops import describe, open_set

    iset, report = open_set(ref)
    if report.findings:
        emit_report(report, "text")
    if iset is None:
        return EXIT_FINDINGS
    if fmt == "json":
        click.echo(json.dumps(to_data(iset), ensure_ascii=False, indent=2))
    else:
        click.echo(describe(iset, items=not brief))
    return EXIT_OK if report.valid else EXIT_FINDINGS


@indicators_grp.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="写出的指标体系 YAML 文件。")
@force_option
def import_cmd(source: Path, output: Path, force: bool) -> int:
    """从 Excel 指标表导入为 YAML（先检查编号唯一、分值相加、达标线和得分率）。

    Excel 表的格式见 docs/indicator-sets.md，可先用 greenmine indicators export 导出一份作模板。

    例：greenmine indicators import 本省指标.xlsx -o 本省指标.yaml
    """
    from ..indicators.ops import import_workbook

    report, written = import_workbook(source, output, force=force)
    if report.findings:
        emit_report(report, "text")
    if written is None:
        click.echo("指标表有错误，未写出文件。", err=True)
        return EXIT_FINDINGS
    click.echo(f"已导入：{written}")
    return EXIT_OK


@indicators_grp.command("export")
@click.argument("ref", metavar="ID_OR_FILE")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="导出文件：.xlsx（可在 Excel 中修改后再导入）或 .yaml。")
@force_option
def export_cmd(ref: str, output: Path, force: bool) -> int:
    """把指标体系导出为 Excel 表或 YAML 文件。

    例：greenmine indicators export national-2020-reference -o 参考指标.xlsx
    """
    from ..indicators.ops import export_set

    report, written = export_set(ref, output, force=force)
    return _outcome(report, written, "已导出")


@indicators_grp.command("map")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="写出的对应表（.xlsx）。")
@force_option
def map_cmd(old: str, new: str, output: Path, force: bool) -> int:
    """生成两个指标体系之间的对应表：新体系的每项评价内容由原体系的哪些内容转来。

    OLD、NEW 为内置编号或指标体系文件。在“原编号”列填写原评价内容的编号（多个用“、”分隔，没有对应的留空），
    在“一级指标对应”表选择原一级指标并入的新一级指标。两个内置国家参考体系之间已预先填好。

    例：greenmine indicators map national-2020-reference national-2024-reference -o 对应表.xlsx
    """
    from ..indicators.moving import write_mapping_template

    report, written = write_mapping_template(old, new, output, force=force)
    return _outcome(report, written, "已写出")


@indicators_grp.command("carry")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--mapping", "mapping", type=click.Path(path_type=Path), required=True,
              help="填好的对应表（indicators map 生成的 .xlsx，或 .yaml）。")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="写出的草稿（.yaml）。")
@force_option
def carry_cmd(input_path: Path, mapping: Path, output: Path, force: bool) -> int:
    """把按原指标体系评分的输入转换为新指标体系的草稿。

    得分按对应关系折算（原各项得分之和 ÷ 其分值之和 × 新项分值，按新体系的小数位数四舍五入），文字逐项合并并注明原编号；
    原体系中没有对应内容、原内容未评分的项，以及实施方案中找不到对应的编号，逐项列为须重新判定的内容（GM-W352）。

    例：greenmine indicators carry mine.yaml --mapping 对应表.xlsx -o mine-2024.yaml
    """
    from ..indicators.moving import carry_file

    report, written = carry_file(input_path, mapping, output, force=force)
    return _outcome(report, written, "已写出草稿", title="转换结果")


def _outcome(report: Report, written: Path | None, done: str, *, title: str = "检查报告"
             ) -> int:
    """Print the findings and what was written; the exit code."""
    if report.findings:
        emit_report(report, "text", title=title)
    if written is None:
        return EXIT_FINDINGS
    click.echo(f"{done}：{written}")
    return EXIT_OK
