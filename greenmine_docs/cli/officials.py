"""``greenmine check`` and ``greenmine diff``: tools for officials reviewing submitted plans."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import EXIT_FINDINGS, EXIT_OK, FORMAT_OPTION, force_option


@click.command("check")
@click.argument("files", metavar="方案.docx|.pdf…", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--outline", "outline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="编写提纲 YAML 文件（缺省为内置参考提纲，格式见 docs/outline.md）。")
@click.option("--input", "input_path", type=click.Path(dir_okay=False, path_type=Path),
              help="该矿山的申报数据（YAML 或 Excel），用于核对矿山名称、证号、规模、面积、储量。")
@click.option("--kind", type=click.Choice(["plan", "self-eval", "zone-plan"]), default="plan",
              show_default=True,
              help="文档种类：plan（实施方案）、self-eval（自评报告）、zone-plan（示范区建设方案），"
                   "各按自己的编写提纲检查。")
@FORMAT_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="把报告写入文件（例如 --format html -o 检查报告.html），不在屏幕输出。")
@click.option("--strict", is_flag=True, help="警告也视为不通过（退出码 1）。")
@force_option
def check_cmd(files: tuple[Path, ...], outline_path: Path | None, input_path: Path | None,
              kind: str, fmt: str, output: Path | None, strict: bool, force: bool) -> int:
    """按编写提纲检查已提交的实施方案（.docx 或 .pdf），可一次检查多份；--kind self-eval
    检查自评报告、--kind zone-plan 检查示范区建设方案（各按自己的提纲）。

    识别 Word 标题样式、手工编号的标题（第一章、一、（一）、1.、（1））和 Word 自动编号；
    PDF 按编号、字号和表格框线识别（扫描件在装有 Tesseract 简体中文时经 OCR 识别）；
    报告缺少的章节、顺序不符、空章节、编号跳号或越级、未替换的占位文字（XXX、××、某某、
    【…】、待补充）和高亮文字；加 --input 时核对关键信息与申报数据是否一致。

    \b
    示例：
      greenmine check 实施方案.docx
      greenmine check 实施方案.docx --input mine.yaml --format html -o 检查报告.html
      greenmine check 自评报告.docx --kind self-eval --input mine.yaml
    """
    from ..officials.check import check_documents, heading_map_html
    from ..officials.outline import KIND_TITLES
    from ..report_format import render_html, render_json, render_text

    inputs = [*files, *(p for p in (outline_path, input_path) if p is not None)]
    _refuse(output, force, inputs)
    reports = check_documents(list(files), outline_path=outline_path, input_path=input_path,
                              kind=kind)
    for r in reports:
        r.strict = strict
    if fmt == "html":
        text = render_html(reports, title=f"{KIND_TITLES[kind]}结构检查报告",
                           extra=heading_map_html)
    elif fmt == "json":
        if len(reports) == 1:
            text = render_json(reports[0])
        else:
            import json

            text = json.dumps({"valid": all(r.valid for r in reports),
                               "reports": [r.to_dict() for r in reports]},
                              ensure_ascii=False, indent=2, default=str)
    else:
        text = "\n\n".join(render_text(r) for r in reports)
    _emit(text, output, force, inputs)
    return EXIT_OK if all(r.valid for r in reports) else EXIT_FINDINGS


def _refuse(output: Path | None, force: bool, inputs: list[Path]) -> None:
    """Refuse an output over an input (always) or an existing file (without --force), before
    any work is done."""
    if output is not None:
        from ..outputs import check_output

        check_output(output, force=force, inputs=inputs)


def _emit(text: str, output: Path | None, force: bool, inputs: list[Path]) -> None:
    if output is None:
        click.echo(text)
        return
    from ..outputs import write_text_atomic

    write_text_atomic(output, text, force=force, inputs=inputs)
    click.echo(f"已写出：{output}", err=True)


@click.command("diff")
@click.argument("old", metavar="旧版.docx|.pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", metavar="新版.docx|.pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="输出格式：text 终端阅读，json 机器读取，html 单文件网页。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="把结果写入文件，不在屏幕输出。")
@click.option("--context", "context_lines", type=click.IntRange(0, 10), default=1,
              show_default=True, help="每处修改前后显示的未改动行数。")
@click.option("--exit-code", is_flag=True, help="有变化时退出码为 1（便于脚本判断），无变化为 0。")
@force_option
def diff_cmd(old: Path, new: Path, fmt: str, output: Path | None, context_lines: int,
             exit_code: bool, force: bool) -> int:
    """逐章比较实施方案的两个版本（整改前后）：新增、删除、修改的章，修改的行和表格。

    两个文件按与 check 相同的方式识别章节后逐章比较（章：一级标题，或“第一章”“一、”开头的行）。

    \b
    示例：
      greenmine diff 实施方案-初稿.docx 实施方案-修改稿.docx
      greenmine diff 旧.docx 新.docx --format html -o 修改对照.html
    """
    from ..officials.diff import diff_documents, render_diff

    _refuse(output, force, [old, new])
    result = diff_documents(old, new, context=context_lines)
    _emit(render_diff(result, fmt), output, force, [old, new])
    return EXIT_FINDINGS if exit_code and result.changed else EXIT_OK
