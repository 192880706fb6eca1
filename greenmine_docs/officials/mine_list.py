"""Reading the directory of listed green mines (绿色矿山名录) that ``greenmine sample`` draws from.

The list is an Excel workbook (``.xlsx``/``.xlsm``) or a CSV file (UTF-8 or GBK), one mine a row,
with a header row whose titles are matched by name (several usual spellings are accepted, see
:data:`COLUMNS`), so column order and extra columns do not matter. Missing required columns make
the file unusable (:class:`InputError`, exit 2); problems in single rows (blank name, unknown
level, duplicates...) become located findings (``名录!C7``) and block the draw (exit 1).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .. import limits
from ..errors import InputError
from ..findings import Location, Report, make
from ..frozen import frozen
from ..xlsx.cells import column_letter
from ..xlsx.read import SheetValues, XlsxFile
from ..xlsx.write import new_workbook, save_workbook

LEVELS = ("国家级", "省级", "市级")


@frozen(quick_init=False)
class Column:
    key: str
    title: str  # the header written by the template
    aliases: tuple[str, ...]
    required: bool = False
    width: float = 14
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("name", "矿山名称", ("矿山名称", "名称", "矿山", "绿色矿山名称"), True, 40,
           "与采矿许可证一致的矿山名称，必填，不得重复"),
    Column("level", "名录级别", ("名录级别", "级别", "绿色矿山级别", "名录类别"), True, 10,
           "国家级 / 省级 / 市级，必填"),
    Column("city", "所在市", ("所在市", "市", "设区市", "所属市", "地市", "市（州）"), True, 10,
           "市级矿山必填（按市分组核查）"),
    Column("county", "所在县（市、区）", ("所在县（市、区）", "所在县", "县", "县（市、区）",
                                    "县区", "所属县"), False, 14, "可选"),
    Column("mineral", "开采矿种", ("开采矿种", "矿种", "主矿种"), False, 14, "可选"),
    Column("method", "开采方式", ("开采方式", "开采方法"), False, 16,
           "露天开采 / 地下开采 / 露天-地下联合开采；启用露天优先规则时必填"),
    Column("year", "入选年度", ("入选年度", "入选年份", "年度", "入选时间"), False, 10,
           "四位年份，可选"),
    Column("licence", "采矿许可证号", ("采矿许可证号", "许可证号", "采矿证号"), False, 26,
           "可选；填写后按证号查重"),
    Column("reported", "被举报/信访问题", ("被举报/信访问题", "被举报", "举报", "信访",
                                    "被举报或信访", "举报信访"), False, 14,
           "是 / 否（空白视为否；填写情况说明视为是）"),
    Column("rectification", "以往整改要求", ("以往整改要求", "整改要求", "以往整改",
                                       "曾被要求整改", "整改"), False, 14,
           "是 / 否（空白视为否；填写情况说明视为是）"),
    Column("checker", "核查单位", ("核查单位", "主管部门", "市级主管部门", "自然资源主管部门",
                               "核查部门"), False, 24,
           "可选；负责核查的自然资源主管部门全称，如 吕梁市规划和自然资源局"),
    Column("note", "备注", ("备注", "说明"), False, 20, "可选"),
)
_BY_KEY = {c.key: c for c in COLUMNS}
# values that mean "no" in a flag column; any other non-blank text means "yes"
_NEGATIVE = {"", "否", "无", "没有", "不", "n", "no", "0", "false", "×", "x", "-", "—", "/", "／",
             "未", "不涉及", "无此情况"}


@frozen(quick_init=False)
class ListedMine:
    """One row of the directory. ``row`` is the 1-based row in the sheet (or CSV line)."""

    name: str
    level: str
    city: str
    row: int
    county: str = ""
    mineral: str = ""
    method: str = ""
    year: int | None = None
    licence: str = ""
    reported: bool = False
    rectification: bool = False
    note: str = ""
    checker: str = ""  # the checking authority as the list names it ("" when not given)
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def open_pit(self) -> bool:
        """Open-pit or combined open-pit/underground (the open-pit part is checked on site)."""
        return "露天" in self.method

    @property
    def canonical(self) -> str:
        """Identity used for ordering and the draw: independent of row order and spacing."""
        return norm_name(self.name) + "|" + norm_name(self.licence)


@dataclass
class MineList:
    source: Path
    sheet: str
    mines: list[ListedMine]
    report: Report
    sha256: str
    columns: dict[str, str]  # key -> header text found


def norm_name(text: str) -> str:
    """NFKC, no whitespace at all: ``山西 青岚（矿）`` and ``山西青岚(矿)`` compare equal."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def city_key(city: str) -> str:
    """``吕梁`` and ``吕梁市`` are the same city."""
    c = norm_name(city)
    return c[:-1] if len(c) > 1 and c.endswith("市") else c


def parse_level(value: str) -> str | None:
    text = norm_name(value)
    text = re.sub(r"(绿色矿山|名录|矿山)$", "", text)
    for level in LEVELS:
        if text in (level, level[:-1]):
            return level
    return None


def parse_flag(value: str) -> bool:
    return norm_name(value).lower() not in _NEGATIVE


def cell_text(value: Any) -> str:
    """A cell's value as trimmed text: whole floats without ``.0``, dates as ISO dates."""
    return _cell_text(value)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_rows(path: Path, sheet: str | None, data: bytes) -> tuple[str, list[list[str]]]:
    """The rows of the list as text (``data``: the file's bytes, already read for a CSV)."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".wps"):
        raise InputError(f"{path.name} 是旧版 Excel（.xls）或 WPS 格式，无法直接读取。",
                         hint="请在 Excel 或 WPS 中“另存为” .xlsx 工作簿后再运行。")
    if suffix == ".csv":
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes almost anything
            raise InputError(f"{path.name} 的编码无法识别。", hint="请另存为 UTF-8 编码的 CSV。")
        return "CSV", _capped(([c.strip() for c in r] for r in csv.reader(io.StringIO(text))),
                              path.name)
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"不支持的名录文件类型：{path.name}",
                         hint="名录请使用 .xlsx 工作簿或 .csv 文件；可用 greenmine sample --template 生成模板。")
    with XlsxFile(path) as wb:  # size, zip bombs, truncation, broken parts: InputError
        if sheet:
            if sheet not in wb.sheetnames:
                raise InputError(f"工作簿中没有名为“{sheet}”的工作表。",
                                 hint="现有工作表：" + "、".join(wb.sheetnames))
            ws = wb.values(sheet, what="名录")
        else:
            ws = _guess_sheet(wb)
        return ws.title, [[_cell_text(v) for v in r] for r in ws.rows()]


def _capped(rows: Iterable[list[str]], where: str) -> list[list[str]]:
    """The rows, refused (:func:`~greenmine_docs.limits.check_rows`) as soon as there are more
    than the limit: a million-row CSV is not read to its end."""
    out: list[list[str]] = []
    for row in rows:
        out.append(row)
        if len(out) > limits.MAX_ROWS:
            limits.check_rows(len(out), what="名录", where=where, exact=False)
    return out


def _guess_sheet(wb: XlsxFile) -> SheetValues:
    """The first sheet whose first rows contain a 矿山名称 header; else the first sheet."""
    if not wb.sheetnames:
        raise InputError(f"{wb.path.name} 中没有工作表。",
                         hint="请用 greenmine sample --template 生成模板后填写。")
    for name in wb.sheetnames:
        for r in wb.values(name, head=10).rows(max_row=10):
            if _header_map([_cell_text(v) for v in r]).get("name") is not None:
                return wb.values(name, what="名录")
    return wb.values(wb.sheetnames[0], what="名录")


def header_columns(row: list[str]) -> dict[str, int]:
    """Column key (:data:`COLUMNS`) -> index in a header row, by the accepted spellings."""
    return _header_map(row)


def _header_map(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for idx, text in enumerate(row):
        t = norm_name(text).replace("*", "").replace("＊", "")
        if not t:
            continue
        for col in COLUMNS:
            if col.key not in found and t in {norm_name(a) for a in col.aliases}:
                found[col.key] = idx
                break
    return found


def read_list(path: str | Path, *, sheet: str | None = None) -> MineList:
    """Read and check the directory; raise :class:`InputError` when it cannot be used at all."""
    path = Path(path)
    from ..safety.inputs import read_regular

    csv_file = path.suffix.lower() == ".csv"
    data = read_regular(path, what="名录文件", limit=limits.MAX_TEXT_BYTES if csv_file
                        else limits.MAX_INPUT_BYTES,
                        limit_env="GREENMINE_MAX_TEXT_MB" if csv_file else "GREENMINE_MAX_INPUT_MB")
    if not data:
        raise InputError(f"名录文件 {path.name} 是空文件。", hint="请用 greenmine sample --template 生成模板后填写。")
    sheet_name, rows = _read_rows(path, sheet, data)
    header_idx, cols = None, {}
    for i, row in enumerate(rows[:15]):
        cols = _header_map(row)
        if "name" in cols:
            header_idx = i
            break
    if header_idx is None:
        raise InputError(f"{path.name}（{sheet_name}）前 15 行中找不到“矿山名称”表头。",
                         hint="第一行应为表头：矿山名称、名录级别、所在市……；"
                              "可用 greenmine sample --template 生成模板。")
    missing = [c.title for c in COLUMNS if c.required and c.key not in cols]
    if missing:
        raise InputError(
            f"{path.name}（{sheet_name}）第 {header_idx + 1} 行表头缺少必需的列：" + "、".join(missing),
            hint="必需列：矿山名称、名录级别、所在市；列名也可写作“名称”“级别”“市”。")
    report = Report(source=str(path))
    mines = _rows_to_mines(path, sheet_name, rows, header_idx, cols, report)
    return MineList(source=path, sheet=sheet_name, mines=mines, report=report,
                    sha256=hashlib.sha256(data).hexdigest(),
                    columns={k: rows[header_idx][v] for k, v in cols.items()})


def _rows_to_mines(path: Path, sheet: str, rows: list[list[str]], header_idx: int,
                   cols: dict[str, int], report: Report) -> list[ListedMine]:
    mines: list[ListedMine] = []
    seen_name: dict[str, int] = {}
    seen_licence: dict[str, int] = {}

    def loc(row_no: int, key: str) -> Location:
        cell = f"{column_letter(cols[key] + 1)}{row_no}" if key in cols else None
        return Location(file=str(path), sheet=sheet, cell=cell) if cell else \
            Location(file=str(path), sheet=sheet, cell=f"A{row_no}")

    for i in range(header_idx + 1, len(rows)):
        raw = rows[i]
        values = {k: (raw[idx] if idx < len(raw) else "") for k, idx in cols.items()}
        if not any(values.values()):
            continue  # blank row
        row_no = i + 1
        ok = True
        name = values.get("name", "")
        if not name:
            report.add(make("GM-E601", f"第 {row_no} 行矿山名称为空。", location=loc(row_no, "name")))
            ok = False
        level = parse_level(values.get("level", ""))
        if level is None:
            shown = values.get("level", "") or "（空白）"
            report.add(make("GM-E602", f"“{name or f'第 {row_no} 行'}”的名录级别“{shown}”无法识别。",
                            location=loc(row_no, "level")))
            ok = False
        city = values.get("city", "")
        if level == "市级" and not city:
            report.add(make("GM-E604", f"市级矿山“{name}”未填写所在市。", location=loc(row_no, "city")))
            ok = False
        year: int | None = None
        ytext = values.get("year", "")
        if ytext:
            m = re.fullmatch(r"(\d{4})(?:年|[-./]\d{1,2}.*)?", norm_name(ytext))
            if m and 1990 <= int(m.group(1)) <= 2100:
                year = int(m.group(1))
            else:
                report.add(make("GM-W605", f"“{name}”的入选年度“{ytext}”不是有效年份，已忽略。",
                                location=loc(row_no, "year")))
        if name:
            key = norm_name(name)
            if key in seen_name:
                report.add(make("GM-E603", f"“{name}”与第 {seen_name[key]} 行重复。",
                                location=loc(row_no, "name")))
                ok = False
            else:
                seen_name[key] = row_no
        licence = values.get("licence", "")
        if licence:
            lkey = norm_name(licence).upper()
            if lkey in seen_licence:
                report.add(make("GM-E603", f"采矿许可证号 {licence} 与第 {seen_licence[lkey]} 行重复。",
                                location=loc(row_no, "licence")))
                ok = False
            else:
                seen_licence[lkey] = row_no
        if not ok:
            continue
        mines.append(ListedMine(
            name=name, level=level or "", city=city, row=row_no,
            county=values.get("county", ""), mineral=values.get("mineral", ""),
            method=values.get("method", ""), year=year, licence=licence,
            reported=parse_flag(values.get("reported", "")),
            rectification=parse_flag(values.get("rectification", "")),
            note=values.get("note", ""), checker=values.get("checker", ""),
            cells={k: f"{column_letter(v + 1)}{row_no}" for k, v in cols.items()}))
    return mines


def template_bytes() -> bytes:
    """An empty directory workbook: headers, dropdowns, print setup and a 填写说明 sheet."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..excel_input.styles import REQUIRED_MARK

    wb = new_workbook()
    ws = wb.active
    ws.title = "名录"
    thin = Side(style="thin", color="808080")
    for idx, col in enumerate(COLUMNS, start=1):
        # required columns marked as in the input workbook: "＊" before the name (either mark,
        # before or after, is read: _header_map)
        c = ws.cell(row=1, column=idx, value=(REQUIRED_MARK if col.required else "") + col.title)
        c.font = Font(name="宋体", bold=True)
        c.fill = PatternFill("solid", fgColor="E2EFDA")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[column_letter(idx)].width = col.width
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    def dropdown(key: str, values: Iterable[str]) -> None:
        letter = column_letter([c.key for c in COLUMNS].index(key) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}2000")
        ws.add_data_validation(dv)

    dropdown("level", LEVELS)
    dropdown("method", ("露天开采", "地下开采", "露天-地下联合开采"))
    dv_flags = ("是", "否")
    dropdown("reported", dv_flags)
    dropdown("rectification", dv_flags)

    info = wb.create_sheet("填写说明")
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 70
    info.append(["列名", "填写要求"])
    for c in info[1]:
        c.font = Font(name="宋体", bold=True)
    for col in COLUMNS:
        info.append([(REQUIRED_MARK if col.required else "") + col.title
                     + ("（必填）" if col.required else ""), col.note])
    info.append([])
    info.append(["说明", f"每行一座已入选名录的矿山；列名前带“{REQUIRED_MARK}”的为必填项；列的顺序可以调整，"
                 "表头文字须保留。"])
    info.append(["", "国家级、省级矿山由省自然资源厅抽查；市级矿山由所在市自然资源局抽查。"])
    info.append(["", "抽取：greenmine sample 名录.xlsx -o 核查名单.xlsx --ratio 0.2 --seed 20231001"])
    for row in info.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    return save_workbook(wb)
