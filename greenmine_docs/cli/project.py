"""``greenmine init`` and ``greenmine schema``."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import force_option


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--example", default="shanxi-limestone", show_default=True,
              type=click.Choice(["shanxi-limestone", "inner-mongolia-coal"]),
              help="示例：shanxi-limestone（山西露天水泥用灰岩矿）或 inner-mongolia-coal"
                   "（内蒙古井工煤矿）。")
@force_option
def init_cmd(directory: Path, example: str, force: bool) -> int:
    """在 DIRECTORY 写出一个完整的示例项目（虚构的矿山），可直接校验和生成。

    例：greenmine init 我的矿山 && greenmine validate 我的矿山/mine.yaml
        greenmine init 我的煤矿 --example inner-mongolia-coal
    """
    from ..project import write_example_project

    written = write_example_project(directory, force=force, example=example)
    for path in written:
        click.echo(f"已写出：{path}")
    click.echo(f"下一步：greenmine validate {directory / 'mine.yaml'}")
    return 0


@click.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件而不是打印。")
@force_option
def schema_cmd(output: Path | None, force: bool) -> int:
    """输出输入文件的 JSON Schema；在 YAML 首行加
    “# yaml-language-server: $schema=路径” 后，编辑器即可补全和检查字段。"""
    from ..project import schema_json

    text = schema_json()
    if output:
        from ..outputs import write_text_atomic

        write_text_atomic(output, text, force=force)
        click.echo(f"已写出：{output}")
    else:
        click.echo(text)
    return 0
