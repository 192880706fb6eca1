"""Many filled self-check tables (one per mine) into one workbook for a city or the province.

Sheets: 汇总 (one row per mine: facts, converted total, each first-level indicator's score,
prerequisites, conclusion, number of problems, earliest rectification deadline; sorted by place,
then by score, highest first), 问题清单 (every problem written in any table, with its
rectification), 无法读取 (files that could not be used, with the reason). A broken file never
stops the summary: it is listed and reported as GM-W340.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ...errors import InputError
from ...findings import Location, Report, Severity, make
from ...scoring import Verdict
from ...xlsx.write import bordered_table, column_letter, new_workbook, save_workbook

SUMMARY_SHEET, PROBLEM_SHEET, BROKEN_SHEET = "汇总", "问题清单", "无法读取"


@dataclass
class MineRow:
    file: Path
    facts: dict[str, Any]
    total: float
    categories: dict[str, float]
    prerequisites: str
    verdict: str
    problems: list[dict[str, Any]]
    set_title: str

    @property
    def earliest_deadline(self) -> dt.date | None:
        dates = [p["deadline"] for p in self.problems if p.get("deadline")]
        return min(dates) if dates else None


@dataclass
class SummaryResult:
    report: Report
    rows: list[MineRow] = field(default_factory=list)
    broken: list[tuple[Path, str]] = field(default_factory=list)
    written: Path | None = None


def collect_files(sources: Iterable[str | Path], exclude: Path | None = None) -> list[Path]:
    """Files named, plus every ``.xlsx`` in folders named (not recursive); Excel's lock files
    (``~$…``) and our temporary files are skipped."""
    out: list[Path] = []
    skip = exclude.resolve() if exclude else None
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(x for x in p.glob("*.xlsx") if not x.name.startswith(("~$", ".~")))
        elif p.exists():
            found = [p]
        else:
            raise InputError(f"{p} 不存在。", hint="请指定自查记录表文件或其所在文件夹。")
        out += [f for f in found if skip is None or f.resolve() != skip]
    unique: dict[Path, Path] = {}
    for f in out:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def summarize(sources: Iterable[str | Path], output: str | Path, *, force: bool = False,
              set_ref: str | None = None) -> SummaryResult:
    from ...outputs import check_output, write_bytes_atomic
    from .reader import read_table

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError(f"汇总表 {output} 的扩展名应为 .xlsx。", hint="例如 -o 汇总.xlsx。")
    files = collect_files(sources, exclude=output)
    check_output(output, force=force, inputs=files)
    result = SummaryResult(report=Report(source=f"{len(files)} 份自查记录表"))
    for f in files:
        try:
            table = read_table(f, set_ref=set_ref)
        except InputError as e:
            _broken(result, f, e.message)
            continue
        errors = [x for x in table.report.findings if _spoils_total(x)]
        if not table.usable or errors:
            _broken(result, f, errors[0].message if errors else "无法读取自查内容。")
            continue
        result.rows.append(_row(f, table))
    if not files:
        raise InputError("没有找到任何 .xlsx 自查记录表。", hint="请指定文件或包含文件的文件夹。")
    result.rows.sort(key=lambda r: (str(r.facts.get("place") or ""), -r.total,
                                    str(r.facts.get("mine_name") or "")))
    write_bytes_atomic(output, workbook_bytes(result), force=force, inputs=files)
    result.written = output
    return result


def _spoils_total(finding: Any) -> bool:
    """An error that leaves the table without a total worth summarising: the table is not
    ours or its set is unknown, or a score or prerequisite cell (column F) cannot be read —
    ``inf`` or ``1,5`` typed as a score, say."""
    from .core import COL

    if finding.severity is not Severity.ERROR:
        return False
    if finding.code in ("GM-E330", "GM-E306", "GM-E300"):
        return True
    score_column = column_letter(COL["score"])
    cell = finding.location.cell or ""
    return finding.code == "GM-E331" and cell.rstrip("0123456789") == score_column


def _broken(result: SummaryResult, path: Path, reason: str) -> None:
    result.broken.append((path, reason))
    result.report.add(make("GM-W340", f"{path.name}：{reason}", location=Location(file=str(path))))


def _row(path: Path, table: Any) -> MineRow:
    res, sc = table.result, table.self_check
    problems = []
    for ref, e in sc.items.items():
        if (e.problem or "").strip():
            item = table.iset.items.get(ref)
            problems.append({"id": ref, "text": item.text if item else "",
                             "points": item.points if item else None, "score": e.score,
                             "problem": e.problem, "measure": e.measure, "deadline": e.deadline,
                             "responsible": e.responsible})
    failed = [p.prerequisite.id for p in res.prerequisites if p.met is False]
    unruled = [p.prerequisite.id for p in res.prerequisites if p.met is None]
    pre = ("不符合：" + "、".join(failed)) if failed else (
        ("未判定：" + "、".join(unruled)) if unruled else "全部符合")
    return MineRow(file=path, facts=table.facts, total=res.total,
                   categories={c.category.name: c.score for c in res.categories},
                   prerequisites=pre, verdict=res.verdict.value, problems=problems,
                   set_title=table.iset.display_title)


def workbook_bytes(result: SummaryResult) -> bytes:
    from openpyxl.styles import Border, Font, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font, body_font = Font(name="黑体", bold=True, size=10), Font(name="宋体", size=10)
    fill = PatternFill("solid", fgColor="D9E2F3")
    red = Font(name="宋体", size=10, color="C00000", bold=True)

    def sheet(ws: Any, title: str, header: list[str], rows: list[list[Any]],
              widths: list[float]) -> None:
        ws.cell(row=1, column=1, value=title).font = Font(name="黑体", size=14, bold=True)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        bordered_table(ws, header, rows, widths, top=2, head_font=head_font, body_font=body_font,
                       fill=fill, border=border, height=lambda lines: max(18, min(lines, 6) * 13 + 4))
        ws.row_dimensions[1].height = 24
        ws.row_dimensions[2].height = 30
        ws.freeze_panes = "C3"
        ws.print_title_rows = "2:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        if rows:
            ws.auto_filter.ref = f"A2:{column_letter(len(header))}{len(rows) + 2}"

    wb = new_workbook()
    cats: list[str] = []
    for r in result.rows:
        cats += [c for c in r.categories if c not in cats]
    counts = {v.value: sum(1 for r in result.rows if r.verdict == v.value) for v in Verdict}
    title = (f"绿色矿山自查情况汇总表（共 {len(result.rows)} 份：" +
             "、".join(f"{k} {n}" for k, n in counts.items()) +
             (f"；另有 {len(result.broken)} 份无法读取" if result.broken else "") + "）")
    header = ["序号", "矿山名称", "采矿权人", "统一社会信用代码", "所在地", "名录级别（年度）",
              "自查日期", "评价指标", "折算得分", *[f"{c}得分" for c in cats], "先决条件",
              "自查结论", "问题数", "最早整改时限", "文件"]
    rows = []
    for i, r in enumerate(result.rows, start=1):
        f = r.facts
        rows.append([i, f.get("mine_name"), f.get("holder"), f.get("uscc"), f.get("place"),
                     f.get("directory"), f.get("check_date"), r.set_title, round(r.total, 2),
                     *[r.categories.get(c) for c in cats], r.prerequisites, r.verdict,
                     len(r.problems), r.earliest_deadline, r.file.name])
    ws = wb.active
    ws.title = SUMMARY_SHEET
    sheet(ws, title, header, rows, [5, 26, 20, 20, 13, 12, 11, 20, 9, *[9] * len(cats), 14,
                                    8, 6, 11, 18])
    verdict_col = header.index("自查结论") + 1
    for number in range(3, len(rows) + 3):
        cell = ws.cell(row=number, column=verdict_col)
        if cell.value != Verdict.PASS.value:
            cell.font = red
    problem_rows = [[r.facts.get("mine_name"), p["id"], p["text"], p["points"], p["score"],
                     p["problem"], p["measure"], p["deadline"], p["responsible"], r.file.name]
                    for r in result.rows for p in r.problems]
    sheet(wb.create_sheet(PROBLEM_SHEET), f"自查发现问题清单（共 {len(problem_rows)} 项）",
          ["矿山名称", "指标编号", "评价内容", "分值", "自查得分", "存在问题", "整改措施",
           "整改时限", "责任人", "文件"], problem_rows, [28, 9, 40, 7, 9, 32, 32, 12, 10, 24])
    sheet(wb.create_sheet(BROKEN_SHEET), f"无法读取的文件（共 {len(result.broken)} 份）",
          ["文件", "原因"], [[str(p), reason] for p, reason in result.broken], [50, 80])
    return save_workbook(wb)
