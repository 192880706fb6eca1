"""Writing the verification sample: an audit workbook (核查名单 / 抽取记录 / 全部名录) and an
official-layout DOCX table like attachment 3 of the notice (``2023年绿色矿山实地核查名单``).

Both return bytes, so the caller renders everything before writing anything.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..xlsx.write import (Formula, append_row, column_letter, line_count, new_workbook,
                          save_workbook, set_value, set_widths, text_width)
from .sampling import ALGORITHM, SampleResult

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SAMPLE_HEADERS = ("序号", "核查组别", "核查单位", "矿山名称", "名录级别", "所在市", "所在县（市、区）",
                  "开采矿种", "开采方式", "入选年度", "抽取方式", "名录行号")
SAMPLE_WIDTHS = (6, 12, 12, 20, 9, 8, 10, 10, 10, 9, 10, 9)


def percent(ratio) -> str:
    """``Decimal('0.2')`` -> ``20%``; ``Decimal('0.125')`` -> ``12.5%``."""
    value = (ratio * 100).normalize()
    return f"{value:f}%"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("greenmine-docs")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "dev"


def _named_styles(wb) -> None:
    """Two named styles (header cell, body cell), registered once per workbook: assigning a
    style by name is cheap, building Font/Border objects per cell is not (2,000 mines)."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    if "gm_head" in wb.named_styles:
        return
    thin = Side(style="thin", color="808080")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    wb.add_named_style(NamedStyle(
        "gm_head", font=Font(name="宋体", size=10.5, bold=True), border=border,
        fill=PatternFill("solid", fgColor="E2EFDA"),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)))
    wb.add_named_style(NamedStyle("gm_cell", font=Font(name="宋体", size=10.5), border=border,
                                  alignment=Alignment(vertical="center")))


def _style_table(ws: "Worksheet", header_row: int, ncols: int, widths: tuple[float, ...]) -> None:
    """Borders, fonts, a green header row; column widths fit the content (at least
    ``widths``, at most 48), so data rows need no wrapping and print on one line."""
    _named_styles(ws.parent)
    fit = list(widths)
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=ncols):
        for c in row:
            if c.row == header_row:
                c.style = "gm_head"
            else:
                c.style = "gm_cell"
                fit[c.column - 1] = max(fit[c.column - 1], min(48, text_width(c.value, 10.5) + 2))
    set_widths(ws, fit)
    ws.row_dimensions[header_row].height = 30


def _print_setup(ws: "Worksheet", title_rows: str) -> None:
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def render_xlsx(result: SampleResult, *, title: str) -> bytes:
    from openpyxl.styles import Alignment, Font

    wb = new_workbook()
    ws = wb.active
    ws.title = "核查名单"
    append_row(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SAMPLE_HEADERS))
    ws["A1"].font = Font(name="黑体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 30
    ws.append(list(SAMPLE_HEADERS))
    n = 0
    for g, d in result.drawn:
        n += 1
        m = d.mine
        append_row(ws, [n, g.label, g.checker, m.name, m.level, m.city, m.county, m.mineral,
                        m.method, m.year, d.reason, m.row])
    _style_table(ws, 2, len(SAMPLE_HEADERS), SAMPLE_WIDTHS)
    ws.freeze_panes = "E3"
    ws.auto_filter.ref = f"A2:L{max(2, ws.max_row)}"
    _print_setup(ws, "2:2")

    _audit_sheet(wb.create_sheet("抽取记录"), result)

    full = wb.create_sheet("全部名录")
    headers = ("核查组别", "矿山名称", "名录级别", "所在市", "开采方式", "被举报/信访", "以往整改",
               "符合优先规则", "抽签值", "是否抽中", "抽取方式", "名录行号")
    full.append(list(headers))
    for g in result.groups:
        for d in sorted(g.draws, key=lambda d: d.ticket):
            m = d.mine
            append_row(full, [g.label, m.name, m.level, m.city, m.method,
                              "是" if m.reported else "否", "是" if m.rectification else "否",
                              "是" if d.priority else "否", d.ticket[:16],
                              "是" if d.drawn else "否", d.reason, m.row])
    _style_table(full, 1, len(headers), (12, 20, 9, 8, 10, 8, 8, 8, 18, 8, 10, 8))
    full.freeze_panes = "C2"
    full.auto_filter.ref = f"A1:L{max(1, full.max_row)}"
    _print_setup(full, "1:1")

    return save_workbook(wb)


def _audit_sheet(ws: "Worksheet", result: SampleResult) -> None:
    """Everything needed to repeat and verify the draw."""
    from openpyxl.styles import Alignment, Font

    rows = [
        ("抽取比例", f"{result.ratio}（{percent(result.ratio)}），每组按比例向上取整"),
        ("随机种子", result.seed),
        ("优先规则", result.rules_text()),
        ("抽取日期", result.date.isoformat()),
        ("名录文件", result.source),
        ("名录工作表", result.sheet),
        ("名录文件 SHA-256", result.source_sha256),
        ("抽取方法", f"{ALGORITHM}：每座矿山抽签值 = SHA-256(\"{ALGORITHM}|种子|组别|名称|许可证号\")，"
                 "各组先从符合优先规则的矿山、再从其余矿山按抽签值由小到大抽取。"
                 "同一名录与种子在任何计算机上结果相同，与行的顺序无关。"),
        ("程序", f"greenmine-docs {_version()}"),
    ]
    ws.append(["抽取记录"])
    ws["A1"].font = Font(name="黑体", size=14)
    for k, v in rows:
        append_row(ws, [k, v])
    for r in ws.iter_rows(min_row=2, max_row=ws.max_row):
        r[0].font = Font(name="宋体", bold=True)
        r[1].alignment = Alignment(wrap_text=True, vertical="top")
        r[1].number_format = "@"
    for r in range(2, ws.max_row + 1):  # LibreOffice/Excel do not grow rows for wrapped text
        text = str(ws.cell(row=r, column=2).value or "")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
        lines = line_count(text, 106, 11)
        ws.row_dimensions[r].height = 15 * lines + 3
    ws.append([None])
    ws.append(["核查组别", "核查单位", "名录矿山数", "应抽数量", "实抽数量", "其中优先", "其中随机",
               "符合优先规则矿山数"])
    header_row = ws.max_row
    for g in result.groups:
        pri = g.n_drawn_priority
        append_row(ws, [g.label, g.checker, g.listed, g.required, len(g.drawn), pri,
                        len(g.drawn) - pri, g.n_priority])
    first, last = header_row + 1, ws.max_row
    ws.append(["合计", ""])
    for col in range(3, 9):
        letter = column_letter(col)
        set_value(ws.cell(row=ws.max_row, column=col),
                  Formula(f"=SUM({letter}{first}:{letter}{last})"))
    from openpyxl.styles import Border, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=8):
        for c in row:
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if c.row in (header_row, ws.max_row):
                c.font = Font(name="宋体", bold=True)
            if c.row == header_row:
                c.fill = PatternFill("solid", fgColor="E2EFDA")
                c.alignment = Alignment(horizontal="center", wrap_text=True)
    for letter, w in zip("ABCDEFGH", (26, 54, 11, 10, 10, 10, 10, 12)):
        ws.column_dimensions[letter].width = w
    _print_setup(ws, f"{header_row}:{header_row}")


DOCX_HEADERS = ("序号", "矿山名称", "级别", "所在市", "所在县（市、区）", "开采矿种", "开采方式", "抽取方式")
DOCX_WIDTHS_MM = (12, 67, 17, 18, 26, 24, 28, 38)  # proportions; scaled to the type width


def render_docx(result: SampleResult, *, title: str, attachment: str = "附件3") -> bytes:
    """The sample as an official-layout table on A4 landscape (shared layer
    :mod:`greenmine_docs.docx`): 附件 label (黑体 三号), title (小标宋 二号), one table whose
    header row repeats on every page, a row per checking authority that stays with its first
    mine, ``— N —`` page numbers, and a closing note recording ratio, rules, seed and date."""
    from docx.shared import Pt

    from ..docx import fonts as F
    from ..docx.cn import cn_date
    from ..docx.document import new_document, to_bytes
    from ..docx.page import LANDSCAPE_TYPE_WIDTH_MM
    from ..docx.tables import Cell, add_table
    from ..docx.text import add_text, no_indent

    doc = new_document(landscape=True, page_numbers=True)
    if attachment:
        p = doc.add_paragraph(style="Table Text")
        add_text(p, attachment, east_asia=F.DEFAULT_FONTS.heiti, size=F.SIZES["三号"])
        p.paragraph_format.space_after = Pt(6)
    title_p = doc.add_paragraph(style="Title")
    add_text(title_p, title)
    no_indent(title_p)

    rows: list[list] = []
    group_rows: list[int] = []
    n = 0
    for g in result.groups:
        if not g.drawn:
            continue
        group_rows.append(len(rows))
        rows.append([Cell(f"{g.label}　核查单位：{g.checker}　名录{g.listed}座，抽取{len(g.drawn)}座",
                          span=len(DOCX_HEADERS), bold=True, align="left")])
        for d in g.drawn:
            n += 1
            m = d.mine
            rows.append([n, m.name, m.level, m.city, m.county, m.mineral, m.method, d.reason])
    add_table(doc, DOCX_HEADERS, rows, widths_mm=DOCX_WIDTHS_MM,
              aligns=("center", "left", "center", "center", "center", "center", "center", "left"),
              total_width_mm=LANDSCAPE_TYPE_WIDTH_MM,
              # a group row never ends a page alone; the last row stays with the note under it
              keep_with_next=[*group_rows, len(rows) - 1])
    note = (f"说明：按不低于{percent(result.ratio)}的比例分组随机抽取（每组向上取整）；"
            f"优先规则：{result.rules_text()}；随机种子{result.seed}；抽取日期"
            f"{cn_date(result.date)}；共抽取{n}座。")
    p = doc.add_paragraph(style="Table Text")
    add_text(p, note)
    p.paragraph_format.space_before = Pt(6)
    return to_bytes(doc)
