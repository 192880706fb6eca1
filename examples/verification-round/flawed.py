"""Flawed records for the example round (flawed/): each file carries the mistakes named in its
name, which ``greenmine verify read`` must report as located findings (tests/test_verify_read.py
lists the findings expected)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path


def _save(wb, path: Path) -> None:
    from greenmine_docs.xlsx_fill import save_workbook

    path.write_bytes(save_workbook(wb))


def _rows(ws, ident: str) -> int:
    return next(r[0].row for r in ws.iter_rows(min_row=1, max_row=ws.max_row)
                if str(r[0].value or "") == ident)


def write_flawed(here: Path, holders: dict[str, str]) -> None:
    from openpyxl import load_workbook

    records = sorted((here / "records").glob("*.xlsx"))
    out = here / "flawed"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()

    def copy(src: Path, name: str):
        dst = out / name
        shutil.copy(src, dst)
        return dst, load_workbook(dst)

    # 1. vague and incomplete answers
    dst, wb = copy(records[0], "01-问题描述笼统与漏填.xlsx")
    ws = wb["记录表"]
    r = _rows(ws, "1.1.4")
    ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"] = "是", "标识标牌偏少", "补齐"
    r = _rows(ws, "1.2.1")
    ws[f"E{r}"], ws[f"F{r}"] = "是", None
    r = _rows(ws, "2.3.3")
    ws[f"E{r}"] = None
    ws["B6"] = None
    _save(wb, dst)
    # 2. the sheet renamed
    dst, wb = copy(records[1], "02-工作表改名.xlsx")
    wb["记录表"].title = "Sheet1"
    _save(wb, dst)
    # 3. merged cells in the item table
    dst, wb = copy(records[2], "03-合并单元格.xlsx")
    ws = wb["记录表"]
    r = _rows(ws, "2.1.1")
    ws.merge_cells(f"F{r}:G{r}")
    _save(wb, dst)
    # 4. a mine that was not drawn
    dst, wb = copy(records[3], "04-不在核查名单.xlsx")
    wb["记录表"]["B3"] = "吕梁青岚建材交城县未抽中石灰岩矿"
    _save(wb, dst)
    # 5. a second record for the mine of records[4]
    shutil.copy(records[4], out / "05a-同一矿山第一份.xlsx")
    shutil.copy(records[4], out / "05b-同一矿山第二份.xlsx")
    # 6. dates out of order
    dst, wb = copy(records[5], "06-日期顺序错误.xlsx")
    ws = wb["记录表"]
    ws["B7"], ws["D7"], ws["F7"] = dt.date(2023, 10, 20), dt.date(2023, 10, 18), dt.date(2023, 10, 17)
    _save(wb, dst)
    # 7. not a workbook at all
    (out / "07-损坏的文件.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
