"""The agency supervision report (评估机构评估质量监督情况), as DOCX (official layout) or XLSX
(the same tables), and ``greenmine verify agencies`` (:func:`run_agencies`: read, compute,
render, write). Figures from :func:`agencies.supervise`; the method is stated in both."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ...cntext import cn_date
from ...errors import InputError
from .agencies import AgencyFigures, frequent_items, read_assessments, supervise
from .close_docx import doc_heading, doc_para, doc_signature, doc_title, official_doc
from .config import Round
from .round_read import RoundResult

HEADERS = ("评估机构", "核查矿山", "有复核得分", "平均分差", "最大分差（矿山）", "结论被推翻",
           "满分但有问题")
UNITS = "注：矿山数单位为座，分差单位为分，满分但有问题单位为项次。"
TOP = 5


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def rows(figures: list[AgencyFigures]) -> list[list[Any]]:
    out = []
    for f in figures:
        largest = f.largest_gap
        out.append([f.agency, len(f.mines), len(f.gaps), _fmt(f.mean_gap),
                    "—" if largest is None else f"{largest[1]:g}（{largest[0]}）",
                    len(f.contradicted), len(f.full_but_deficient)])
    return out


def method_text(rnd: Round) -> list[str]:
    t = rnd.rules.agency
    return [
        "对本轮实地核查中开展过第三方评估的矿山，将评估机构的评估得分、评估结论与实地核查情况逐一比对。",
        "分差为评估机构评估得分减去核查组按同一评价指标体系复核的得分，只统计两项得分均有的矿山；"
        "评估结论为“达标”而核查结论为“不合格”的，计为结论被推翻；评估机构给满分而核查发现问题的评价内容，"
        "计为“满分但有问题”。",
        f"通报阈值：平均分差不低于{t.mean_gap_at_least:g}分，或最大分差不低于{t.largest_gap_at_least:g}分，"
        f"或结论被推翻不少于{t.contradicted_at_least}座，或满分但有问题不少于"
        f"{t.full_but_deficient_at_least}项次，达到任一项的列入通报名单。本报告只列比对数字，"
        "不对评估机构的工作作定性结论。",
    ]


def render_docx(rnd: Round, figures: list[AgencyFigures], issued: dt.date) -> bytes:
    from ...docx.document import to_bytes
    from ...docx.tables import add_table
    doc = official_doc()
    doc_title(doc, f"{rnd.info.year}年第三方评估机构评估质量监督情况")
    doc_heading(doc, "一、比对方法")
    for text in method_text(rnd):
        doc_para(doc, text)
    doc_heading(doc, "二、各评估机构比对情况")
    doc_para(doc, f"本轮实地核查的矿山中，有{sum(len(f.mines) for f in figures)}座开展过第三方评估，"
               f"涉及评估机构{len(figures)}家。")
    add_table(doc, HEADERS, rows(figures), widths_mm=(40, 14, 16, 15, 36, 16, 19),
              aligns=("left",) + ("center",) * 6, font_size=9)
    doc_para(doc, UNITS, indent=False, style="Table Text")
    doc_heading(doc, "三、达到通报阈值的评估机构")
    flagged = [f for f in figures if f.crossed]
    if not flagged:
        doc_para(doc, "本轮比对中没有评估机构达到通报阈值。")
    for n, f in enumerate(flagged, start=1):
        doc_para(doc, f"{n}.{f.agency}：" + "；".join(f.crossed) + "。")
    doc_heading(doc, "四、评估满分而核查发现问题较多的评价内容")
    texts = {i.id: i.text for c in rnd.iset.categories for i in c.items}
    top = frequent_items(figures)[:TOP]
    if not top:
        doc_para(doc, "本轮比对中没有评估满分而核查发现问题的评价内容。")
    for n, (ident, count) in enumerate(top, start=1):
        doc_para(doc, f"{n}.评价内容{ident}“{texts.get(ident, '')}”（{count}项次）。")
    doc_signature(doc, rnd.info.issuer, cn_date(issued))
    return to_bytes(doc)


def render_xlsx(rnd: Round, figures: list[AgencyFigures]) -> bytes:
    from ...xlsx.write import new_workbook, save_workbook, set_value
    from .close_xlsx import write_table

    wb = new_workbook()
    ws = wb.active
    ws.title = "机构比对"
    write_table(ws, f"{rnd.info.year}年第三方评估机构评估质量监督情况", HEADERS,
           (36, 12, 14, 14, 40, 14, 16), rows(figures))
    write_table(wb.create_sheet("通报名单"), "达到通报阈值的评估机构", ("评估机构", "达到的阈值"),
           (36, 90), [[f.agency, "；".join(f.crossed)] for f in figures if f.crossed])
    write_table(wb.create_sheet("满分但有问题"), "评估满分而核查发现问题的评价内容",
           ("评估机构", "矿山名称", "评价内容"), (36, 44, 12),
           [[f.agency, m, i] for f in figures for m, i in f.full_but_deficient])
    method = wb.create_sheet("比对方法")
    method.column_dimensions["A"].width = 110
    for n, text in enumerate(method_text(rnd), start=1):
        set_value(method.cell(row=n, column=1), text)
    return save_workbook(wb)


def run_agencies(records: list[str | Path], output: str | Path, *, round_path: str | Path,
                 sample_path: str | Path, assessments: str | Path, issued: Any = None,
                 also: tuple[str | Path, ...] = (), force: bool = False
                 ) -> tuple[RoundResult, list[AgencyFigures], list[Path]]:
    """Read the round and the assessments, compute, render (DOCX or XLSX by the suffix of
    ``output``, and of each of ``also``: the same figures in several files), write."""
    from ...clock import today
    from .files import write_all
    from .round_read import read_round

    outputs = [Path(p) for p in (output, *also)]
    for path in outputs:
        if path.suffix.lower() not in (".docx", ".xlsx"):
            raise InputError(f"输出文件 {path.name} 应为 .docx 或 .xlsx。")
    result = read_round(records, round_path=round_path, sample_path=sample_path)
    figures = supervise(result, read_assessments(assessments))
    files = {path: render_docx(result.rnd, figures,
                               issued or result.rnd.info.notice_date or today())
             if path.suffix.lower() == ".docx" else render_xlsx(result.rnd, figures)
             for path in outputs}
    inputs = [Path(round_path), Path(sample_path), Path(assessments), *(Path(p) for p in records)]
    return result, figures, write_all(files, force=force, inputs=inputs)
