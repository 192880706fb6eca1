"""``greenmine verify``: the verification round, from on-site records to the documents that
close it."""
from __future__ import annotations

from pathlib import Path

import click

from ._common import force_option

ROUND_OPTION = click.option(
    "--round", "round_path", required=True, metavar="round.yaml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="核查轮次文件：省份、年度、核查单位、整改期限等规则（示例 examples/verification-round/round.yaml）。")


@click.group("verify")
def verify_grp() -> None:
    """实地核查：核查记录表、读取记录、核查结论、整改通知书、移出名单。

    \b
    示例：
      greenmine verify sheets 核查名单.xlsx --round round.yaml -o 记录表/
      greenmine verify read records/ --round round.yaml --sample 核查名单.xlsx
      greenmine verify close records/ --round round.yaml --sample 核查名单.xlsx -o 结果/
    """


@verify_grp.command("sheets")
@click.argument("sample", metavar="核查名单.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@ROUND_OPTION
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录：每座抽中矿山一份记录表（.xlsx 供现场填写，.docx 供打印）。")
@click.option("--no-docx", is_flag=True, help="只写 .xlsx 记录表。")
@force_option
def sheets_cmd(sample: Path, round_path: Path, output: Path, no_docx: bool, force: bool) -> int:
    """为核查名单中的每座矿山生成实地核查记录表。"""
    from ..officials.verify.sheets import run_sheets

    written = run_sheets(sample, output, round_path=round_path, docx=not no_docx, force=force)
    click.echo(f"已写出 {len(written)} 个文件到 {output}/")
    return 0


SAMPLE_OPTION = click.option(
    "--sample", "sample_path", required=True, metavar="核查名单.xlsx",
    type=click.Path(dir_okay=False, path_type=Path), help="greenmine sample 写出的核查名单。")


@verify_grp.command("read")
@click.argument("records", nargs=-1, required=True, metavar="记录表目录或文件...",
                type=click.Path(path_type=Path))
@ROUND_OPTION
@SAMPLE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="屏幕输出格式。")
def read_cmd(records: tuple[Path, ...], round_path: Path, sample_path: Path, fmt: str) -> int:
    """读取填好的记录表：检查完整性与问题描述，按规则给出每座矿山的核查结论。"""
    import json

    from ..officials.verify.round_read import read_round
    from ..officials.verify.summary import counts_text, outcome_rows
    from ..report_format import render_text
    from ._common import exit_code

    result = read_round(list(records), round_path=round_path, sample_path=sample_path)
    rows = outcome_rows(result)
    if fmt == "json":
        data = result.report.to_dict()
        data["mines"] = rows
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return exit_code(result.report)
    if result.report.findings:
        click.echo(render_text(result.report), err=bool(result.report.errors))
    for r in rows:
        click.echo(f"  {r['矿山名称']}：{r['核查结论']}（问题 {r['问题数']} 项）"
                   + (f"，{r['理由']}" if r["理由"] else ""))
    click.echo(counts_text(result))
    return exit_code(result.report)


@verify_grp.command("close")
@click.argument("records", nargs=-1, required=True, metavar="记录表目录或文件...",
                type=click.Path(path_type=Path))
@ROUND_OPTION
@SAMPLE_OPTION
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录：整改通知书、结果汇总表、拟移出名单、工作总结、整改台账。")
@click.option("--date", "issued", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="整改通知书印发日期（缺省取 round.yaml 的 notice_date，再缺省为今天）。")
@force_option
def close_cmd(records: tuple[Path, ...], round_path: Path, sample_path: Path, output: Path,
              issued, force: bool) -> int:
    """汇总核查结论，写出限期整改通知书、结果汇总表、拟移出名单和工作总结。"""
    from ..officials.verify.close import run_close
    from ..report_format import render_text
    from ._common import EXIT_FINDINGS

    done = run_close(list(records), output, round_path=round_path, sample_path=sample_path,
                     issued=issued.date() if issued else None, force=force)
    report = done.result.report
    if report.findings:
        click.echo(render_text(report), err=done.blocked)
    if done.blocked:
        click.echo("记录表有错误或尚未收齐，未写出任何文件。请改正后重新运行。", err=True)
        return EXIT_FINDINGS
    f = done.facts
    assert f is not None  # not blocked
    click.echo(f"核查 {len(f.rows)} 座：" + "，".join(f"{o} {len(f.with_outcome(o))} 座"
                                                   for o in ("合格", "限期整改", "不合格"))
               + f"；整改期限 {f.deadline.isoformat()}。已写出 {len(done.written)} 个文件到 {output}/")
    return 0


@verify_grp.command("follow-up")
@click.argument("ledger", metavar="整改台账.xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="跟踪情况工作簿（.xlsx）：逾期事项、移出候选、全部事项。")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="统计截止日期（缺省为今天）。")
@click.option("--directory", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="绿色矿山名录（.xlsx），与 --next-directory 同用。")
@click.option("--next-directory", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写出下一年度名录：台账中的矿山“以往整改要求”填“是”，供 sample --priority rectification 优先抽取。")
@force_option
def follow_up_cmd(ledger: Path, output: Path, as_of, directory: Path | None,
                  next_directory: Path | None, force: bool) -> int:
    """整改跟踪：逾期事项、整改期限届满仍未完成的矿山（移出候选），下一年度优先抽查。"""
    from ..clock import today
    from ..officials.verify.follow_up_out import run_follow_up
    from ..report_format import render_text

    fu, written, marked = run_follow_up(ledger, output, as_of=as_of.date() if as_of else today(),
                                        directory=directory, next_directory=next_directory,
                                        force=force)
    if fu.report.findings:
        click.echo(render_text(fu.report))
    cands = fu.candidates()
    click.echo(f"截至 {fu.as_of.isoformat()}：整改事项 {len(fu.rows)} 项，逾期未完成 {len(fu.overdue)} 项；"
               f"移出候选矿山 {len(cands)} 座" + ("：" + "、".join(c[0] for c in cands) if cands else "")
               + "。")
    if next_directory:
        click.echo(f"下一年度名录中 {marked} 座矿山已标记“以往整改要求”。")
    click.echo("已写出：" + "、".join(str(p) for p in written))
    return 0


@verify_grp.command("agencies")
@click.argument("records", nargs=-1, required=True, metavar="记录表目录或文件...",
                type=click.Path(path_type=Path))
@ROUND_OPTION
@SAMPLE_OPTION
@click.option("--assessments", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="第三方评估结果工作簿：工作表“评估结论”（矿山名称、评估机构、评估得分、评估结论）"
                   "和“评估得分”（矿山名称、指标编号、分值、评估得分）。")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="监督情况报告（.docx）或比对表（.xlsx）。")
@force_option
def agencies_cmd(records: tuple[Path, ...], round_path: Path, sample_path: Path,
                 assessments: Path, output: Path, force: bool) -> int:
    """评估机构监督：评估得分、结论与实地核查比对，列出达到通报阈值的机构。"""
    from ..officials.verify.agencies_out import run_agencies
    from ..report_format import render_text

    result, figures, written = run_agencies(list(records), output, round_path=round_path,
                                            sample_path=sample_path, assessments=assessments,
                                            force=force)
    if result.report.findings:
        click.echo(render_text(result.report), err=True)
    for f in figures:
        click.echo(f"  {f.agency}：核查 {len(f.mines)} 座" + ("，" + "；".join(f.crossed) if f.crossed else ""))
    click.echo("已写出：" + "、".join(str(p) for p in written))
    return 0
