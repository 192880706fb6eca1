"""Reading a filled self-check table (written by :mod:`.xlsx`, filled in Excel) back into a
:class:`~greenmine_docs.model.self_check.SelfCheck`, with every finding at its cell.

Rows are found by the id in column A (序号), so a table whose rows were re-ordered still reads;
the hidden sheet (:mod:`greenmine_docs.xlsx.meta_sheet`) names the indicator set and where the
header block is.
Unreadable cells (a score that is not a number, a date that is not a date) are GM-E331
findings; everything else is checked by :func:`.checks.check_section`, exactly as for YAML.

Rule for rows left as generated: a row with nothing filled in F–K gives no entry; a row of an
item the indicator set itself rules not applicable, showing only 不适用 (and the generated
note), gives no entry either — the set already says so.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...findings import Location, Report, make
from ...indicators.model import IndicatorSet, MineProfile
from ...numtext import number_of
from ...scoring import ScoreResult
from ...xlsx.cells import cell_ref, cell_text, split_ref
from ...xlsx import meta_sheet
from ...xlsx.read import SheetValues, XlsxFile
from .core import (AUTO_NA_NOTE, COL, COLUMNS, FORMAT_TAG, HEADER_FIELDS, LEGACY_FORMAT_TAG, MET,
                   NOT_MET, SHEET_NAME)

_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_TEXT_KEYS = ("situation", "problem", "measure", "responsible")


@dataclass
class TableRead:
    """A table read back: the section, the facts of the header block, the set, the engine's
    result and all findings (``report``)."""

    source: Path
    report: Report
    iset: IndicatorSet | None = None
    self_check: Any = None  # SelfCheck | None
    facts: dict[str, Any] = field(default_factory=dict)
    mine: MineProfile | None = None
    result: ScoreResult | None = None

    @property
    def usable(self) -> bool:
        return self.self_check is not None and self.result is not None


def parse_date(value: Any) -> dt.date | None:
    """A cell value as a date; ``ValueError`` when it is something else. Empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    if isinstance(value, str):
        m = _DATE_RE.match(value)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(str(value))


_text = cell_text


def open_table(path: Path) -> XlsxFile:
    """Open the workbook or raise :class:`InputError` (not an xlsx, damaged, missing)."""
    path = Path(path)
    # missing, no regular file, size, zip bombs, DTDs, truncation: InputError
    return XlsxFile(path, kind="自查记录表（Excel 工作簿）")


def is_table(path: Path) -> bool:
    """True when ``path`` is a self-check table written by this tool (cheap check for
    dispatchers such as ``greenmine validate``). The sheet names come from the workbook part
    alone; the shared strings are read only for a workbook that has the table's hidden sheet."""
    try:
        wb = open_table(path)
    except InputError:
        return False
    try:
        meta = meta_sheet.read(wb)
        return meta is not None and _ours(meta)
    finally:
        wb.close()


def _ours(meta: meta_sheet.Meta) -> bool:
    return meta_sheet.is_tag(meta.get("format"), FORMAT_TAG, LEGACY_FORMAT_TAG)


def read_table(path: str | Path, *, set_ref: str | None = None) -> TableRead:
    """Read one filled table. Raises :class:`InputError` only when the file cannot be opened;
    a workbook that is not a self-check table gives a GM-E330 finding."""
    path = Path(path)
    with open_table(path) as wb:
        return _read_open(wb, path, set_ref)


def _read_open(wb: XlsxFile, path: Path, set_ref: str | None) -> TableRead:
    report = Report(source=str(path))
    out = TableRead(source=path, report=report)
    here = Location(file=str(path))
    meta = meta_sheet.read(wb) if SHEET_NAME in wb.sheetnames else None
    if meta is None:
        report.add(make("GM-E330", f"{path.name} 不是本工具生成的自查记录表（缺少“{SHEET_NAME}”工作表"
                        "或隐藏的格式信息）。", location=here))
        return out
    if not _ours(meta):
        report.add(make("GM-E330", f"格式标记“{meta.get('format')}”不认识（应为 {FORMAT_TAG}）。",
                        location=_at(path, meta, "format")))
        return out
    layout = _layout(meta.get("layout"))
    if set_ref:
        iset = _resolve_set(set_ref, _at(path, meta, "indicator_set"), path, report)
    elif meta.get("indicator_set_data"):
        iset = _embedded_set(meta.values["indicator_set_data"], _at(path, meta, "indicator_set_data"),
                             path, report)
    else:
        iset = _resolve_set(meta.values.get("indicator_set", ""), _at(path, meta, "indicator_set"),
                            path, report)
    if iset is None:
        return out
    out.iset = iset
    made_for = meta.get("indicator_set_id")
    if made_for and made_for != iset.id:
        report.add(make("GM-W332", f"表格按指标体系“{made_for}”生成，现按“{iset.id}”读取。",
                        location=_at(path, meta, "indicator_set_id")))
    out.mine = MineProfile(industry_standard=meta.get("mine_standard") or None,
                           method=meta.get("mine_method") or None)
    _Reader(wb.values(SHEET_NAME), path, iset, layout, out).run()
    return out


_CELL_REF = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")


def _layout(text: str | None) -> dict[str, Any]:
    """Where the header block, the column header row and the opinion are, as the writer
    recorded them; whatever of it is not what the writer records (an edited or damaged
    hidden sheet) is left out, and the reader then reports the table as not ours (GM-E330)."""
    try:
        layout = json.loads(text or "{}")
    except (json.JSONDecodeError, RecursionError):
        return {}
    if not isinstance(layout, dict):
        return {}
    out: dict[str, Any] = {}
    row = layout.get("column_header_row")
    if isinstance(row, int) and not isinstance(row, bool) and 1 <= row <= 10_000:
        out["column_header_row"] = row
    cells = layout.get("header_cells")
    if isinstance(cells, dict):
        out["header_cells"] = {k: v for k, v in cells.items()
                               if isinstance(v, str) and _CELL_REF.fullmatch(v)}
    opinion = layout.get("opinion_cell")
    if isinstance(opinion, str) and _CELL_REF.fullmatch(opinion):
        out["opinion_cell"] = opinion
    return out


def _at(path: Path, meta: meta_sheet.Meta, key: str) -> Location:
    """Where ``key`` is in the hidden sheet."""
    return Location(file=str(path), sheet=meta.sheet, cell=meta.cell(key))


def _embedded_set(blob: str, where: Location, path: Path, report: Report) -> IndicatorSet | None:
    """The indicator set the table was generated with (a copy is kept in the table, so it
    reads back the same even when the set file is not at hand)."""
    from ...indicators.build import build_set

    try:
        data = json.loads(blob)
    except (json.JSONDecodeError, RecursionError):
        report.add(make("GM-E330", "表格中保存的指标体系已损坏。", location=where,
                        hint="用 --set 指定生成该表时所用的指标体系。"))
        return None
    iset, findings = build_set(data, lambda _p: where, source_path=f"{path}（内嵌）")
    report.extend(f for f in findings if f.severity.value == "error")
    return iset


def _resolve_set(ref: str, where: Location, path: Path, report: Report) -> IndicatorSet | None:
    from ...indicators import try_resolve

    # the reference is the table's own text: confined like any file an input names
    iset, findings = try_resolve(ref, path.parent, where=where, confined=True)
    if iset is None and not Path(ref).is_absolute():
        iset, more = try_resolve(ref, Path.cwd(), where=where, confined=True)
        if iset is not None:
            findings = more
    report.extend(findings)
    return iset


def _position(ref: Any) -> tuple[int, int] | None:
    """(row, column) of a cell the hidden sheet's layout names; ``None`` for none or nonsense."""
    try:
        return split_ref(ref) if isinstance(ref, str) else None
    except ValueError:
        return None


class _Reader:
    def __init__(self, ws: SheetValues, path: Path, iset: IndicatorSet, layout: dict,
                 out: TableRead):
        self.ws, self.path, self.iset, self.layout, self.out = ws, path, iset, layout, out
        self.positions: dict[tuple, Location] = {}

    def loc(self, row: int, col: int) -> Location:
        return Location(file=str(self.path), sheet=SHEET_NAME, cell=cell_ref(row, col))

    def bad(self, row: int, col: int, message: str) -> None:
        self.out.report.add(make("GM-E331", message, location=self.loc(row, col)))

    def run(self) -> None:
        from pydantic import ValidationError

        from ...model.self_check import SelfCheck
        from .checks import check_section
        from .core import score_self_check

        if not self._header_row_ok():
            return
        data: dict[str, Any] = {}
        self._header(data)
        index = self._index()
        data["prerequisites"] = self._prerequisites(index)
        data["items"], given = self._items(index)
        try:
            sc = SelfCheck.model_validate(data)
        except ValidationError as e:  # cells were parsed above, so this is unexpected
            self.out.report.add(make("GM-E330", f"表格内容无法转换为自查记录：{e.errors()[0]['msg']}",
                                     location=Location(file=str(self.path), sheet=SHEET_NAME)))
            return
        self.out.self_check = sc
        self.out.result = score_self_check(sc, self.iset, self.out.mine)
        self.out.report.extend(check_section(sc, self.iset, self.out.mine, self.locate,
                                             items_given=given, result=self.out.result))

    def locate(self, *path: Any) -> Location:
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                loc = self.positions[probe]
                break
            probe = probe[:-1]
        else:
            loc = Location(file=str(self.path), sheet=SHEET_NAME)
        dotted = "self_check" + "".join(f".{p}" for p in path)
        return Location(file=loc.file, sheet=loc.sheet, cell=loc.cell, path=dotted)

    def _header_row_ok(self) -> bool:
        row = int(self.layout.get("column_header_row") or 0)
        found = [_text(self.ws.value(row, i + 1)) for i in range(len(COLUMNS))] \
            if row else []
        expected = [title for _, title, _ in COLUMNS]
        if found != expected:
            self.out.report.add(make(
                "GM-E330", "表头与本工具生成的自查记录表不一致（列被插入、删除或改名）。",
                location=self.loc(row or 1, 1)))
            return False
        return True

    def _header(self, data: dict[str, Any]) -> None:
        cells = self.layout.get("header_cells", {})
        for row_fields in HEADER_FIELDS:
            for key, label in row_fields:
                where = _position(cells.get(key))
                if where is None:
                    continue
                row, col = where
                value = self.ws.value(row, col)
                self.positions[(key,)] = self.loc(row, col)
                if key == "check_date":
                    try:
                        value = parse_date(value)
                    except ValueError:
                        self.bad(row, col, f"{label}“{value}”不是日期。")
                        value = None
                    if value is not None:
                        data[key] = value
                    self.out.facts[key] = value
                    continue
                text = _text(value)
                self.out.facts[key] = text
                if key in ("filled_by", "phone", "reviewer") and text:
                    data[key] = text
        opinion = _position(self.layout.get("opinion_cell"))
        if opinion is not None:
            text = _text(self.ws.value(*opinion))
            self.positions[("opinion",)] = self.loc(*opinion)
            if text:
                data["opinion"] = text

    def _index(self) -> dict[str, int]:
        """Column A id -> row, below the column header row."""
        start = int(self.layout.get("column_header_row") or 1) + 1
        out: dict[str, int] = {}
        for row in range(start, self.ws.max_row + 1):
            text = _text(self.ws.value(row, 1))
            if text and text not in out:
                out[text] = row
        return out

    def _prerequisites(self, index: dict[str, int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        F, G = COL["score"], COL["situation"]
        for pre in self.iset.prerequisites:
            row = index.get(pre.id)
            if row is None:
                self.out.report.add(make("GM-W332", f"表格中找不到先决条件 {pre.id} 所在行。",
                                         location=self.loc(1, 1)))
                continue
            self.positions[("prerequisites", pre.id)] = self.loc(row, F)
            raw = _text(self.ws.value(row, F))
            note = _text(self.ws.value(row, G))
            met: bool | None
            if raw is None:
                met = None
            elif raw in (MET, "√", "是"):
                met = True
            elif raw in (NOT_MET, "×", "否"):
                met = False
            else:
                self.bad(row, F, f"先决条件 {pre.id} 的自查结论“{raw}”无法识别，应填“符合”或“不符合”。")
                met = None
            if met is not None or note:
                out[pre.id] = {"met": met, "note": note}
        return out

    def _items(self, index: dict[str, int]) -> tuple[dict[str, Any], set[str]]:
        from .core import NOT_APPLICABLE
        from ...model.self_check import NOT_APPLICABLE_WORDS

        out: dict[str, Any] = {}
        given: set[str] = set()
        for item in self.iset.iter_items():
            row = index.get(item.id)
            if row is None:
                continue
            given.add(item.id)
            for key in ("score", *_TEXT_KEYS, "deadline"):
                self.positions[("items", item.id, key)] = self.loc(row, COL[key])
            self.positions[("items", item.id)] = self.loc(row, COL["id"])
            shown = _text(self.ws.value(row, COL["text"])) or ""
            if not shown.startswith(item.text[:12]):
                self.out.report.add(make(
                    "GM-W332", f"{item.id} 行的评价内容与指标体系不一致（表中为“{shown[:20]}…”）。",
                    location=self.loc(row, COL["text"])))
            entry: dict[str, Any] = {}
            raw = self.ws.value(row, COL["score"])
            if isinstance(raw, bool):
                raw = None
            if isinstance(raw, str) and raw.strip() and (
                    raw.strip().lower() in NOT_APPLICABLE_WORDS or raw.strip() == NOT_APPLICABLE):
                entry["not_applicable"] = True
            elif raw is not None and not (isinstance(raw, str) and not raw.strip()):
                read = number_of(raw)
                if read.value is not None:
                    entry["score"] = float(read.value)
                else:
                    self.bad(row, COL["score"], f"{item.id} 的自查得分" + (
                        f"{read.problem}。" if read.problem
                        else f"“{raw}”不是数字，也不是“{NOT_APPLICABLE}”。"))
            for key in _TEXT_KEYS:
                text = _text(self.ws.value(row, COL[key]))
                if text:
                    entry[key] = text
            raw_deadline = self.ws.value(row, COL["deadline"])
            try:
                deadline = parse_date(raw_deadline)
            except ValueError:
                self.bad(row, COL["deadline"], f"{item.id} 的整改时限“{raw_deadline}”不是日期。")
                deadline = None
            if deadline is not None:
                entry["deadline"] = deadline
            if self._implied(item, entry):
                continue
            if entry:
                out[item.id] = entry
        return out, given

    def _implied(self, item: Any, entry: dict[str, Any]) -> bool:
        """A row the set itself rules not applicable, left as generated."""
        if self.out.mine is None or item.applies(self.out.mine):
            return False
        rest = {k: v for k, v in entry.items() if k not in ("not_applicable", "situation")}
        return (not rest and entry.get("not_applicable", True) is True
                and entry.get("situation") in (None, AUTO_NA_NOTE))


def section_yaml(table: TableRead) -> str:
    """The ``self_check:`` section of a table read back, as YAML to paste into the input."""
    import io

    from ruamel.yaml import YAML

    sc = table.self_check
    data = sc.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    for entry in data.get("items", {}).values():
        if entry.get("score") is not None and float(entry["score"]).is_integer():
            entry["score"] = int(entry["score"])
    for ref, ruling in list(data.get("prerequisites", {}).items()):
        met = ruling.get("met")
        word = None if met is None else ("符合" if met else "不符合")
        data["prerequisites"][ref] = word if set(ruling) <= {"met"} else {**ruling, "met": word}
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    buf = io.StringIO()
    buf.write(f"# 由 {table.source.name} 读回的自查记录\n")
    yaml.dump({"self_check": data}, buf)
    return buf.getvalue()
