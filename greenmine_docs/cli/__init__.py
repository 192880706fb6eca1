"""The ``greenmine`` command: a thin click layer over the library.

Sub-commands live in their own modules under ``greenmine_docs.cli`` and are imported only when
run (``COMMANDS`` maps name -> (module, attribute, one-line help)), so ``greenmine --help`` does
not import pydantic, openpyxl or python-docx. Every command listed is offered: a module that
fails to import fails when its command runs, and the tests import every one of them.
"""
from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from ._click_zh import install as _click_in_chinese
from ._click_zh import zh

_click_in_chinese()  # before any option is made: click words some of them when they are

# name -> (module under greenmine_docs.cli, attribute, short help shown by --help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("project", "init_cmd", "写出一个完整的示例项目（虚构的山西矿山）"),
    "validate": ("validate", "validate_cmd", "检查输入的完整性、格式、遴选条件和一致性"),
    "build": ("build", "build_cmd", "校验后生成输入支持的全部文档及清单"),
    "schema": ("project", "schema_cmd", "输出输入文件的 JSON Schema（供编辑器补全与校验）"),
    "excel-template": ("excel", "excel_template_cmd", "生成供填写的 Excel 输入工作簿"),
    "convert": ("excel", "convert_cmd", "YAML 与 Excel 输入互相转换"),
    "indicators": ("indicators", "indicators_grp", "评价指标体系：列出、查看、导入、导出、新旧体系对应与转换"),
    "selfcheck": ("selfcheck", "selfcheck_cmd", "生成绿色矿山自查记录表（XLSX 或 DOCX）"),
    "summarize": ("selfcheck", "summarize_cmd", "汇总多份自查记录表"),
    "plan": ("plan", "plan_cmd", "生成绿色矿山建设实施方案（DOCX）"),
    "self-eval": ("selfeval", "self_eval_cmd", "生成绿色矿山自评报告（DOCX）"),
    "zone-plan": ("zone", "zone_plan_cmd", "生成绿色矿业发展示范区建设方案（DOCX）"),
    "templates": ("templates", "templates_grp", "导出或检查用户自定义模板"),
    "scoresheet": ("report", "scoresheet_cmd", "生成第三方评估打分表（XLSX）"),
    "report": ("report", "report_cmd", "生成第三方评估报告（DOCX）"),
    "check": ("officials", "check_cmd", "按编写提纲检查已提交的实施方案文档"),
    "diff": ("officials", "diff_cmd", "比较实施方案两个版本的变化"),
    "batch": ("batch", "batch_cmd", "批量校验并生成多个矿山的文档"),
    "sample": ("sample", "sample_cmd", "按比例可复现地随机抽取实地核查名单"),
    "verify": ("verify", "verify_grp", "实地核查：记录表、读取记录、核查结论、整改通知书、移出名单"),
    "serve": ("serve", "serve_cmd", "启动本机网页版工作台（浏览器中使用）"),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        return command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(n, COMMANDS[n][2]) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section(zh("Commands")):
                formatter.write_dl(rows)


class _NamePath(click.Path):
    """A ``click.Path`` that also refuses names no file system can hold (a file name over 255
    bytes), which would otherwise fail deep inside a command with ``ENAMETOOLONG``."""

    @classmethod
    def of(cls, inner: click.Path) -> "_NamePath":
        checked = cls.__new__(cls)
        checked.__dict__.update(inner.__dict__)  # the same options (exists, dir_okay…)
        return checked

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        from ..pathnames import path_problem

        problem = path_problem(str(value))
        if problem:
            self.fail(f"{problem}：{str(value)[:40]}…", param, ctx)
        return super().convert(value, param, ctx)


def _checked_paths(command: click.Command) -> click.Command:
    """``command`` (and its sub-commands) with every path option checked by :class:`_NamePath`
    — one place instead of a check in every command."""
    for param in command.params:
        if isinstance(param.type, click.Path) and not isinstance(param.type, _NamePath):
            param.type = _NamePath.of(param.type)
    for sub in getattr(command, "commands", {}).values():
        _checked_paths(sub)
    return command


def command(name: str) -> click.Command:
    """The command ``name`` (its module imported now), its path options checked."""
    module_name, attribute, _ = COMMANDS[name]
    found: click.Command = getattr(importlib.import_module(f"{__name__}.{module_name}"),
                                   attribute)
    return _checked_paths(found)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="greenmine-docs", prog_name="greenmine")
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 调用栈（开发用）。")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """greenmine —— 绿色矿山遴选与核查：输入校验、指标评分、文书生成、抽查工具。

    输入可以是 YAML 文件，也可以是 Excel 工作簿（greenmine excel-template 生成）。
    退出码：0 完成；1 有错误级问题（--strict 时含警告）；2 输入或命令行无法使用。
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the group and turns library errors into exit code 2."""
    from ._common import exit_now, process_ends_with_command, run_main

    if argv is None:
        process_ends_with_command()
    code = run_main(cli, argv)
    if argv is None:  # the ``greenmine`` process itself, not a caller's
        exit_now(code)
    sys.exit(code)
