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
@click.option("--zone", is_flag=True,
              help="改为写出一个虚构的绿色矿业发展示范区（zone.yaml 和 6 座矿山的输入文件）。")
@force_option
def init_cmd(directory: Path, example: str, zone: bool, force: bool) -> int:
    """在 DIRECTORY 写出一个完整的示例项目（虚构的矿山），可直接校验和生成。

    例：greenmine init 我的矿山 && greenmine validate 我的矿山/mine.yaml
        greenmine init 我的煤矿 --example inner-mongolia-coal
        greenmine init --zone 示范区 && greenmine zone-plan 示范区/zone.yaml -o 方案.docx
    """
    if zone:
        from ..documents.zone.example import write_example_zone

        for path in write_example_zone(directory, force=force):
            click.echo(f"已写出：{path}")
        click.echo(f"下一步：greenmine zone-plan {directory / 'zone.yaml'} -o 示范区建设方案.docx")
        return 0
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
