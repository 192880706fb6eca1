"""``greenmine batch``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ._common import FORMAT_OPTION, EXIT_FINDINGS, EXIT_OK, TOC_PAGES_OPTION, force_option
from .validate import AS_OF_OPTION


@click.command("batch")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), required=True,
              help="输出目录：每个矿山一个子目录，另有 批量处理汇总.xlsx。")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="并行进程数（默认：CPU 核数）。")
@AS_OF_OPTION
@click.option("--strict", is_flag=True, help="有警告的矿山也不生成文档。")
@click.option("--zip", "zip_bundles", is_flag=True, help="每个矿山另打一个 zip 包。")
@click.option("--validate-only", is_flag=True, help="只校验，不生成文档（审查前快速检查）。")
@click.option("--pdf", is_flag=True,
              help="每个 Word 文档同时转换出同名 PDF（每个进程一个常驻 LibreOffice）。")
@TOC_PAGES_OPTION
@FORMAT_OPTION
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="把全部问题另存为报告文件（格式由 --format 决定，如 问题.html）。")
@force_option
def batch_cmd(src: Path, out_dir: Path, jobs: int | None, as_of: dt.date | None, strict: bool,
              zip_bundles: bool, validate_only: bool, pdf: bool, toc_pages: bool, fmt: str,
              report_path: Path | None, force: bool) -> int:
    """批量校验并生成：SRC 是装有多个输入（YAML/Excel）的文件夹，或一个“每行一个矿山”的
    名录工作簿。有问题的输入会被记录并跳过，不影响其他矿山。再次运行时，未变化的输入直接沿用上次结果。

    例：greenmine batch 各矿山材料/ -o 批量结果/ --jobs 2
    """
    from ..batch import run_batch

    if pdf or toc_pages:
        from ..docx.pdf import find_soffice, missing_soffice

        if find_soffice() is None:  # said before the (long) run
            raise missing_soffice()
    if report_path:  # refused before the (long) run, not after it
        from ..outputs import check_output

        check_output(report_path, force=force, inputs=[src])
    bar: dict[str, Any] = {}

    def start(total: int) -> None:
        import sys

        bar["bar"] = click.progressbar(length=total, label="处理中", file=sys.stderr,
                                       show_pos=True, show_eta=True)
        bar["bar"].__enter__()

    def done(outcome: object) -> None:
        bar["bar"].update(1)

    try:
        result = run_batch(src, out_dir, jobs=jobs, as_of=as_of, strict=strict,
                           zip_bundles=zip_bundles, validate_only=validate_only, pdf=pdf,
                           toc_pages=toc_pages, on_start=start,
                           on_done=done, force=force)
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    for folder in result.skipped:  # on stderr: the JSON on stdout stays whole
        click.echo(f"提示：跳过 {folder}（实地核查轮次的文件夹，其中的工作簿不是矿山输入；"
                   "请用 greenmine verify 处理）。", err=True)
    counts = result.counts
    summary = "，".join(f"{k} {v} 个" for k, v in counts.items())
    reused = sum(o.reused for o in result.outcomes)
    if fmt == "text":
        for o in result.outcomes:
            if o.status not in ("已生成", "校验通过"):
                click.echo(f"  {o.status}：{o.key} {o.mine} —— 错误 {o.errors} 项"
                           + (f"（{o.message.splitlines()[0]}）" if o.message else ""))
        click.echo(f"共 {len(result.outcomes)} 个输入：{summary}"
                   + (f"；其中 {reused} 个未变化，沿用上次结果" if reused else "") + "。")
        click.echo(f"汇总表：{result.summary}")
    if fmt != "text" or report_path:
        from ..report_format import render_html, render_json

        reports = result.reports()
        if fmt == "html":
            text = render_html(reports, title="批量处理问题报告")
        elif fmt == "json":
            import json

            text = json.dumps({"valid": all(r.valid for r in reports), "counts": counts,
                               "summary": str(result.summary),
                               "inputs": [{"input": o.key, "status": o.status, "mine": o.mine,
                                           "report": json.loads(render_json(r))}
                                          for o, r in zip(result.outcomes, reports)]},
                              ensure_ascii=False, indent=2)
        else:
            from ..report_format import render_text

            text = "\n\n".join(render_text(r) for r in reports)
        if report_path:
            from ..outputs import write_text_atomic

            write_text_atomic(report_path, text, force=force, inputs=[src])
            click.echo(f"报告：{report_path}")
        else:
            click.echo(text)
    ok = all(o.status in ("已生成", "校验通过") for o in result.outcomes)
    return EXIT_OK if ok else EXIT_FINDINGS
