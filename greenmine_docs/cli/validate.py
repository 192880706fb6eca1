"""``greenmine validate``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import (AS_OF_OPTION, FORMAT_OPTION, emit_report, exit_code,  # noqa: F401
                      force_option, parse_date_option)


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
