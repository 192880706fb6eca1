"""``greenmine templates``: take the built-in templates out to restyle them (``export``).
``lint`` (checking a user template) is added by the template-safety work."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import EXIT_OK, force_option


@click.group("templates")
def templates_grp() -> None:
    """导出（或检查）用户自定义模板。导出的模板可在 Word 中修改样式后用 --template 使用。"""


@templates_grp.command("export")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@force_option
def export_cmd(directory: Path, force: bool) -> int:
    """把内置模板和编写提纲导出到 DIR。

    例：greenmine templates export 我的模板/ ，修改后：greenmine plan mine.yaml -o 方案.docx
    --template 我的模板/implementation_plan/plan-template.docx
    """
    from ..render.export import export_templates

    for path in export_templates(directory, force=force):
        click.echo(f"已导出：{path}")
    return EXIT_OK
