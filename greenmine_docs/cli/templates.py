"""``greenmine templates``: take the built-in templates out to restyle them (``export``).
``lint`` (checking a user template) is added by the template-safety work."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import EXIT_OK, FORMAT_OPTION, emit_report, exit_code, force_option


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


@templates_grp.command("lint")
@click.argument("template", metavar="F.docx", type=click.Path(path_type=Path))
@click.option("--type", "doc_type", default="auto", show_default=True, metavar="DOC",
              help="模板用于哪种文档（决定可用变量）：plan 实施方案，report 第三方评估报告；"
                   "auto 按模板中的变量判断。")
@FORMAT_OPTION
@click.option("--strict", is_flag=True, help="有警告也视为不通过（退出码 1）。")
def lint_cmd(template: Path, doc_type: str, fmt: str, strict: bool) -> int:
    """检查自己修改的 Word 模板：标签是否成对、变量是否可用、标签是否被 Word 拆成不同格式，
    并指出每个问题所在的部件（正文、页眉、页脚、脚注、文档属性）、段落和表格单元格。

    例：greenmine templates lint 我的模板/implementation_plan/plan-template.docx
    """
    from ..api import lint_template

    report = lint_template(template, doc_type)
    report.strict = strict
    emit_report(report, fmt, title="模板检查报告")
    return exit_code(report)
