"""``greenmine validate``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import FORMAT_OPTION, emit_report, exit_code, force_option


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None
                      ) -> dt.date | None:
    if value is None:
        return None
    from ..model.bounds import day_problem

    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError as e:
        raise click.BadParameter(f"日期“{value}”格式不对，应写成 2023-09-20。") from e
    if day_problem(day):
        raise click.BadParameter(f"{day_problem(day)}。")
    return day


AS_OF_OPTION = click.option(
    "--as-of", callback=parse_date_option, metavar="DATE",
    help="判断遴选条件所依据的基准日期（默认：输入中的 campaign.reference_date，否则今天）。")


@click.command("validate")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@FORMAT_OPTION
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="警告也视为不通过（退出码 1）。")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="把报告写入文件（如 报告.html），而不是打印到屏幕。")
@force_option
def validate_cmd(input_path: Path, fmt: str, as_of: dt.date | None, strict: bool,
                 output: Path | None, force: bool) -> int:
    """检查输入（YAML 或 Excel）的完整性、格式、遴选条件和一致性，一次列出全部问题。

    例：greenmine validate examples/shanxi-limestone/mine.yaml --format json
    """
    from ..api import validate

    report = validate(input_path, as_of=as_of, strict=strict, output=output, fmt=fmt,
                      force=force)
    if output is None:
        emit_report(report, fmt, title="绿色矿山申报材料校验报告")
    return exit_code(report)
