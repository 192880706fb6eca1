"""``greenmine build``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import EXIT_FINDINGS, EXIT_OK, TOC_PAGES_OPTION, collector_paused, force_option
from .validate import AS_OF_OPTION


@click.command("build")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), required=True,
              help="输出目录。")
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="有警告也不生成。")
@click.option("--only", multiple=True, metavar="DOC",
              help="只生成指定文档（plan、selfcheck、report、scoresheet），可重复。")
@click.option("--pdf", is_flag=True, help="每个 Word 文档同时用 LibreOffice 转换出同名 PDF。")
@TOC_PAGES_OPTION
@force_option
def build_cmd(input_path: Path, out_dir: Path, as_of: dt.date | None, strict: bool,
              only: tuple[str, ...], pdf: bool, toc_pages: bool, force: bool) -> int:
    """校验输入，然后生成输入支持的全部文档和清单 manifest.json。每种文档只在阻止它的问题
    （见 README“文档与生成条件”）都不存在时生成；输入有错误且没有可生成的文档时不写出任何文件。

    例：greenmine build examples/shanxi-limestone/mine.yaml -o out/ --pdf
    """
    if pdf or toc_pages:
        from ..docx.pdf import find_soffice, missing_soffice

        if find_soffice() is None:  # say so before spending time on the documents
            raise missing_soffice()
    with collector_paused():  # (from the imports on: most of a build's modules come here)
        from ..api import build
        from ..documents import get
        from ..report_format import render_text

        result = build(input_path, out_dir, as_of=as_of, strict=strict, force=force,
                       only=only or None, pdf=pdf, toc_pages=toc_pages)
    if result.report.findings:
        click.echo(render_text(result.report), err=not result.ok)
    for key, found in result.blocked.items():
        click.echo(f"未生成：{get(key).title}（被 {len(found)} 项问题阻止："
                   + "、".join(sorted({f.code for f in found})) + "）", err=True)
    if not result.ok and not result.written:
        click.echo("存在错误级问题，未生成任何文件。", err=True)
        return EXIT_FINDINGS
    for path in result.written:
        click.echo(f"已生成：{path}")
    for title in result.skipped:
        click.echo(f"跳过：{title}（输入中没有相应内容）")
    if result.manifest:
        click.echo(f"清单：{result.manifest}")
    for note in result.notes:
        click.echo(f"注意：{note}")
    return EXIT_OK if result.ok else EXIT_FINDINGS
