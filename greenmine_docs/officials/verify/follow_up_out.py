"""What ``verify follow-up`` writes: the follow-up workbook (跟踪情况) and the next year's
directory with the mines told to rectify marked for priority; :func:`run_follow_up` reads the
ledger, renders and writes them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...xlsx.read import XlsxFile
from ...xlsx.write import edit_workbook, new_workbook, save_workbook, set_value
from ..mine_list import header_columns, norm_name
from .close_xlsx import write_table
from .follow_up import FollowUp, read_ledger

STATUS_HEADERS = ("台账行号", "矿山名称", "所在市", "评价内容", "问题描述", "整改期限", "完成日期",
                  "验收日期", "状态")
CANDIDATE_HEADERS = ("序号", "矿山名称", "所在市", "整改期限", "逾期未完成事项")
PRIORITY_NOTE = "实地核查限期整改"


def render_follow_up(fu: FollowUp) -> bytes:
    wb = new_workbook()
    ws = wb.active
    ws.title = "逾期事项"
    as_of = fu.as_of.isoformat()
    rows = [[r.row, r.mine, r.city, r.item, r.problem, r.deadline, r.done, r.accepted, r.status]
            for r in fu.rows]
    write_table(ws, f"整改逾期事项（截至{as_of}）", STATUS_HEADERS, (8, 36, 8, 9, 40, 12, 12, 12, 12),
           [r for r in rows if r[-1] == "逾期未完成"])
    write_table(wb.create_sheet("移出候选"), f"整改期限届满仍有问题未完成的矿山（截至{as_of}）",
           CANDIDATE_HEADERS, (6, 40, 9, 12, 14),
           [[n, m, c, d, k] for n, (m, c, k, d) in enumerate(fu.candidates(), start=1)])
    write_table(wb.create_sheet("全部事项"), f"整改事项跟踪情况（截至{as_of}）", STATUS_HEADERS,
           (8, 36, 8, 9, 40, 12, 12, 12, 12), rows)
    return save_workbook(wb)


def mark_directory(fu: FollowUp, directory: Path) -> tuple[bytes, int]:
    """The directory with 以往整改要求 set to 是 for every mine of the ledger (a column added
    when missing); returns the workbook and the number of rows marked. The directory is read
    with the one reader (bounded, names as their values) and edited as a whole: its own
    formulas stay formulas (:func:`~greenmine_docs.xlsx.write.edit_workbook`), the cells
    added are text."""
    from .record_read import open_workbook

    with open_workbook(directory) as book:
        sheet, head_row, cols = _list_sheet(book, directory)
        rows = book.values(sheet, what="名录").cells
        wb = edit_workbook(book)
    ws = wb[sheet]
    if "rectification" not in cols:
        cols["rectification"] = ws.max_column
        set_value(ws.cell(row=head_row, column=ws.max_column + 1), "以往整改要求")
    names = {norm_name(m) for m in fu.mines()}
    marked = 0
    for n in sorted(r for r in rows if r > head_row):
        if norm_name(str(rows[n].get(cols["name"] + 1) or "")) in names:
            set_value(ws.cell(row=n, column=cols["rectification"] + 1), "是")
            marked += 1
    print_as_list(ws, head_row, max(cols["rectification"] + 1, ws.max_column))
    return save_workbook(wb), marked


LIST_WIDTH_MOST = 40.0  # a column of the printed list is at most this wide; longer text wraps


def print_as_list(ws: Any, head_row: int, last_col: int) -> None:
    """Make the directory sheet ``ws`` (openpyxl; header in ``head_row``, columns 1 to
    ``last_col``) print as an official list where the directory does not say how it prints
    (no orientation, fit to page or print titles of its own): A4 landscape, one page wide, the
    header row on every page. Its cells without a border get a thin one, a header without a
    look of its own is bold and centred, the column added here takes the look of the one
    before it; a column without a width of its own gets one
    for its longest text (at most :data:`LIST_WIDTH_MOST`, its longer texts wrapped)."""
    from copy import copy

    from ...excel_input import styles as S
    from ...xlsx.cells import column_letter
    from ...xlsx.write import text_width

    setup = ws.page_setup
    fits = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    if setup.orientation is None and not fits and ws.print_title_rows is None:
        S.a4_landscape(ws, f"{head_row}:{head_row}")
    for col in range(1, last_col + 1):
        letter = column_letter(col)
        cells = [ws.cell(row=n, column=col) for n in range(head_row, ws.max_row + 1)]
        head = cells[0]
        if not head.has_style:  # a plain header: bold, centred
            head.font, head.alignment = S.FONT_BOLD, S.WRAP_CENTER
        for cell in cells:
            if col > 1 and not cell.has_style and cell.value is not None:
                cell._style = copy(ws.cell(row=cell.row, column=col - 1)._style)
            if not cell.border.left.style and not cell.border.right.style:
                cell.border = S.BORDER
        if letter in ws.column_dimensions and ws.column_dimensions[letter].customWidth:
            continue
        width = max((text_width(c.value, 11) for c in cells), default=0.0) + 2
        ws.column_dimensions[letter].width = min(LIST_WIDTH_MOST, max(6.0, width))
        if width > LIST_WIDTH_MOST:
            for cell in cells:
                cell.alignment = copy(cell.alignment) if cell.alignment.wrap_text else \
                    S.WRAP_TOP


def _list_sheet(book: XlsxFile, path: Path) -> tuple[str, int, dict[str, int]]:
    """The first sheet with a 矿山名称 header in its first ten rows: its name, the header's row
    and the columns found (0-based)."""
    for name in book.sheetnames:
        for n, r in enumerate(book.values(name, head=10).rows(max_row=10), start=1):
            cols = header_columns([str(v or "") for v in r])
            if "name" in cols:
                return name, n, cols
    raise InputError(f"{path.name} 中找不到“矿山名称”表头。")


def run_follow_up(ledger: str | Path, output: str | Path, *, as_of: dt.date,
                  directory: str | Path | None = None, next_directory: str | Path | None = None,
                  force: bool = False) -> tuple[FollowUp, list[Path], int]:
    """Read the ledger, render the follow-up workbook (and the next directory), write them.
    Returns the follow-up, the files written and the number of directory rows marked."""
    from .files import write_all

    if (directory is None) != (next_directory is None):
        raise InputError("--directory 与 --next-directory 须同时给出。",
                         hint="例如 --directory 名录.xlsx --next-directory 名录-下年度.xlsx。")
    fu = read_ledger(ledger, as_of=as_of)
    files = {Path(output): render_follow_up(fu)}
    marked = 0
    inputs = [Path(ledger)]
    if directory is not None and next_directory is not None:
        files[Path(next_directory)], marked = mark_directory(fu, Path(directory))
        inputs.append(Path(directory))
    return fu, write_all(files, force=force, inputs=inputs), marked
