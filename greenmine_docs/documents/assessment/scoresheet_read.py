"""Reading a filled score sheet back, every value located (``评分表!E12``).

The sheet must be one :mod:`.scoresheet` wrote (its hidden sheet says so); rows
are found by the id in column A and columns by their header text, so widened columns or
changed row heights do not matter. Problems become findings, never exceptions:

* GM-E550 the file cannot be used (missing, not a workbook, not our sheet, header changed);
* GM-E551 a cell cannot be understood (text in a score cell, a ruling that is not 符合/不符合,
  photo numbers that are not numbers);
* GM-W552 the sheet was made for another mine or indicator set;
* GM-W553 its rows no longer match the set (unknown ids, changed points, missing items);
* GM-E526 an id appears twice.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import InputError
from ...findings import Finding, Location, make
from ...numtext import number_of
from ...pipeline import Scores
from ...xlsx import meta_sheet
from ...xlsx.cells import cell_ref, cell_text
from ...xlsx.read import SheetValues, XlsxFile
from .scoresheet import (FORMAT_TAG, KIND_ITEM, LEGACY_FORMAT_TAG, OPTIONAL_COLUMNS, PRE_COLUMNS,
                         SCORE_COLUMNS, SHEET_PRE, SHEET_SCORES, header_row)

if TYPE_CHECKING:
    from ...indicators.model import IndicatorSet

MAX_ROWS = 5000
_NA = {"不适用", "不涉及", "n/a", "na", "—", "/"}
_MET = {"符合", "是", "√", "✓", "y", "yes", "true"}
_NOT_MET = {"不符合", "否", "×", "✗", "n", "no", "false"}


_text = cell_text


def _number(value: Any) -> tuple[bool, float | None, str]:
    """(understood, number, why not) for a score cell; ``不适用`` is handled by the caller.
    Text is read as everywhere (:func:`greenmine_docs.numtext.number_of`): ``1,5``, ``1_5``,
    ``inf`` are refused with the reason, a trailing 分 is allowed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True, None, ""
    if isinstance(value, str):
        value = value.strip().removesuffix("分")
    read = number_of(value)
    if read.value is None:
        return False, None, read.problem
    return True, float(read.value), ""


def _photos(value: Any) -> list[int] | None:
    """``3`` / ``"1、3"`` / ``"照片1,照片3"`` -> numbers; None when not understood."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        whole = 0 < value < 10**6 and float(value).is_integer()
        return [int(value)] if whole else None
    out = []
    for part in re.split(r"[、,，;；\s]+", str(value).strip()):
        if not part:
            continue
        m = re.fullmatch(r"(?:照片|photo|p)?(\d{1,6})", part, flags=re.IGNORECASE)
        if not m or int(m.group(1)) == 0:
            return None  # not a photo number (a report has dozens of photos, not a million)
        out.append(int(m.group(1)))
    return out


class _Reader:
    def __init__(self, path: Path, iset: "IndicatorSet") -> None:
        self.path = path
        self.iset = iset
        self.out = Scores(source=str(path), fallback=Location(file=str(path)))

    def loc(self, sheet: str, cell: str | None = None) -> Location:
        return Location(file=str(self.path), sheet=sheet, cell=cell)

    def add(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        self.out.findings.append(make(code, message, location=loc, hint=hint))

    # -- opening ------------------------------------------------------------------------
    def open(self) -> XlsxFile | None:
        p = self.path
        try:  # missing, no regular file, size, old binary formats, zip bombs, DTDs: refused
            return XlsxFile(p, kind="打分表（Excel 工作簿）")  # before any XML is parsed
        except InputError as e:
            self.add("GM-E550", e.message, Location(file=str(p)), hint=e.hint or None)
            return None

    def meta(self, wb: XlsxFile) -> bool:
        found = meta_sheet.read(wb, max_row=50)
        if found is None:
            self.add("GM-E550", "工作簿中没有打分表的标识信息（隐藏的格式信息工作表），"
                     "不是本工具生成的打分表。", Location(file=str(self.path)),
                     hint="用 greenmine scoresheet 重新生成打分表后填写。")
            return False
        meta = found.values
        self.out.meta = meta
        if not meta_sheet.is_tag(meta.get("format"), FORMAT_TAG, LEGACY_FORMAT_TAG):
            self.add("GM-E550", f"打分表格式标识为“{meta.get('format', '')}”，本工具只能读取 "
                     f"{FORMAT_TAG}。", self.loc(found.sheet, found.cell("format")))
            return False
        if meta.get("indicator_set") and meta["indicator_set"] != self.iset.id:
            self.add("GM-W552", f"打分表按指标体系“{meta['indicator_set']}”生成，本输入使用"
                     f"“{self.iset.id}”。", self.loc(found.sheet, found.cell("indicator_set")))
        needed = [SHEET_PRE] if meta.get("expert_sheets") else [SHEET_PRE, SHEET_SCORES]
        for sheet in needed:
            if sheet not in wb.sheetnames:
                self.add("GM-E550", f"打分表缺少工作表“{sheet}”。", Location(file=str(self.path)))
                return False
        return True

    def columns(self, ws: SheetValues, sheet: str, columns) -> dict[str, int] | None:
        """Column index by key, from the header row's texts."""
        hr = header_row()
        found = {}
        titles = {c.title: c.key for c in columns}
        for col, value in enumerate(ws.row(hr), 1):
            key = titles.get(_text(value) or "")
            if key:
                found[key] = col
        missing = [c.title for c in columns if c.key not in found
                   and c.key not in OPTIONAL_COLUMNS]
        if missing:
            self.add("GM-E550", f"第 {hr} 行表头缺少“{'”“'.join(missing)}”列，表格结构被改动。",
                     self.loc(sheet, f"A{hr}"))
            return None
        return found

    # -- sheets --------------------------------------------------------------------------
    def prerequisites(self, ws: SheetValues) -> None:
        from ...model.assessment import AssessedPrerequisite, Ruling
        cols = self.columns(ws, SHEET_PRE, PRE_COLUMNS)
        if cols is None:
            return
        known = {p.id: p for p in self.iset.prerequisites}
        seen: dict[str, int] = {}
        for row in range(header_row() + 1, min(ws.max_row, MAX_ROWS) + 1):
            ref = _text(ws.value(row, cols["id"]))
            if ref is None:
                continue
            cell = lambda key, row=row: cell_ref(row, cols[key])  # noqa: E731
            if ref not in known:
                self.add("GM-W553", f"先决条件编号“{ref}”不在指标体系“{self.iset.id}”中，已忽略。",
                         self.loc(SHEET_PRE, cell("id")))
                continue
            if ref in seen:
                self.add("GM-E526", f"先决条件 {ref} 在第 {seen[ref]} 行和第 {row} 行重复出现。",
                         self.loc(SHEET_PRE, cell("id")))
                continue
            seen[ref] = row
            raw = _text(ws.value(row, cols["ruling"]))
            ruling = None
            if raw is not None:
                key = raw.lower()
                if key in _MET:
                    ruling = Ruling.MET
                elif key in _NOT_MET:
                    ruling = Ruling.NOT_MET
                else:
                    self.add("GM-E551", f"先决条件 {ref} 的判定“{raw}”无法识别（应为“符合”或“不符合”）。",
                             self.loc(SHEET_PRE, cell("ruling")))
            evidence = _text(ws.value(row, cols["evidence"]))
            self.out.prerequisites[ref] = AssessedPrerequisite(ruling=ruling, evidence=evidence)
            self.out.cells[("pre", ref, "")] = self.loc(SHEET_PRE, cell("ruling"))
            for key, name in (("ruling", "ruling"), ("evidence", "evidence")):
                self.out.cells[("pre", ref, name)] = self.loc(SHEET_PRE, cell(key))
        for pre in self.iset.prerequisites:
            if pre.id not in seen:
                self.add("GM-W553", f"打分表中缺少先决条件 {pre.id}。", self.loc(SHEET_PRE))

    def items(self, ws: SheetValues, sheet: str = SHEET_SCORES) -> None:
        from ...model.assessment import AssessedItem, CheckMethod

        cols = self.columns(ws, sheet, SCORE_COLUMNS)
        if cols is None:
            return
        known = self.iset.items
        structural = {c.id for c in self.iset.categories} | set(self.iset.groups)
        seen: dict[str, int] = {}
        for row in range(header_row() + 1, min(ws.max_row, MAX_ROWS) + 1):
            ref = _text(ws.value(row, cols["id"]))
            if ref is None or ref in structural or ref == "合计":
                continue
            kind = _text(ws.value(row, cols["kind"])) if "kind" in cols else None
            cell = lambda key, row=row: cell_ref(row, cols[key])  # noqa: E731
            where = lambda key, cell=cell: self.loc(sheet, cell(key))  # noqa: E731
            if ref not in known:
                if kind not in (None, KIND_ITEM):
                    continue
                self.add("GM-W553", f"评价内容编号“{ref}”不在指标体系“{self.iset.id}”中，已忽略。",
                         where("id"))
                continue
            if ref in seen:
                self.add("GM-E526", f"评价内容 {ref} 在第 {seen[ref]} 行和第 {row} 行重复出现。",
                         where("id"))
                continue
            seen[ref] = row
            item = known[ref]
            pts = ws.value(row, cols["points"])
            ok, pts_value, _ = _number(pts)
            if not ok or pts_value is None or abs(pts_value - item.points) > 1e-9:
                self.add("GM-W553", f"评价内容 {ref} 的分值被改为“{_text(pts) or '空'}”，"
                         f"指标体系为 {item.points:g} 分；按指标体系计。", where("points"))
            raw = ws.value(row, cols["score"])
            na = isinstance(raw, str) and raw.strip().lower() in _NA
            score = None
            if not na:
                ok, score, why = _number(raw)
                if not ok:
                    self.add("GM-E551", f"评价内容 {ref} 的得分" + (
                        f"{why}。" if why else f"“{_text(raw)}”不是数字（不适用的项填“不适用”）。"),
                        where("score"))
                    score = None
            photos_raw = ws.value(row, cols["photos"])
            photos = _photos(photos_raw)
            if photos is None:
                self.add("GM-E551", f"评价内容 {ref} 的照片编号“{_text(photos_raw)}”无法识别"
                         "（填 1、3 这样的序号）。", where("photos"))
                photos = []
            texts = {key: _text(ws.value(row, cols[key])) if key in cols
                     else None for key in ("check_method", "observation", "suggestion")}
            method = None
            if texts["check_method"] is not None:
                try:
                    method = CheckMethod(texts["check_method"])
                except ValueError:
                    self.add("GM-E551", f"评价内容 {ref} 的核查方式“{texts['check_method']}”"
                             "无法识别（应为“资料”“现场”或“问询”）。", where("check_method"))
            entry = AssessedItem(
                score=score, not_applicable=na, check_method=method,
                observation=texts["observation"], suggestion=texts["suggestion"],
                deduction_reason=_text(ws.value(row, cols["reason"])),
                evidence=_text(ws.value(row, cols["evidence"])),
                photos=photos, remark=_text(ws.value(row, cols["remark"])))
            self.out.items[ref] = entry
            self.out.cells[("item", ref, "")] = where("score")
            for key, name in (("score", "score"), ("score", "not_applicable"),
                              ("reason", "deduction_reason"), ("evidence", "evidence"),
                              ("photos", "photos"), ("remark", "remark"),
                              ("check_method", "check_method"), ("observation", "observation"),
                              ("suggestion", "suggestion")):
                if key in cols:
                    self.out.cells[("item", ref, name)] = where(key)
        missing = [i for i in known if i not in seen]
        if missing:
            shown = "、".join(missing[:10]) + (" 等" if len(missing) > 10 else "")
            self.add("GM-W553", f"打分表中缺少 {len(missing)} 项评价内容（{shown}），按未评分处理。",
                     self.loc(sheet))


def read_scoresheet(path: str | Path, iset: "IndicatorSet", *,
                    where: Location | None = None) -> Scores:
    """Rulings and scores from a filled sheet, with findings about it. ``where`` is the input
    field naming the sheet (used when the file itself is missing). A sheet made for several
    experts gives each one's scores (``experts``) and their means (``items``)."""
    reader = _Reader(Path(path), iset)
    wb = reader.open()
    if wb is None:
        if where is not None:
            reader.out.findings = [Finding(f.code, f.severity, f.message, f.hint,
                                           where if f.location.sheet is None else f.location)
                                   for f in reader.out.findings]
        return reader.out
    with wb:
        if reader.meta(wb):
            reader.prerequisites(wb.values(SHEET_PRE))
            sheets = [n for n in reader.out.meta.get("expert_sheets", "").split("|") if n]
            if sheets:
                return _experts_in_one_book(reader, wb, sheets)
            reader.items(wb.values(SHEET_SCORES))
    reader.out.fallback = reader.loc(SHEET_SCORES)
    return reader.out


def _experts_in_one_book(reader: _Reader, wb: Any, sheets: list[str]) -> Scores:
    """Each expert's sheet of a ``--experts`` workbook read like a one-expert 评分表."""
    from .experts import combine

    names = [n for n in reader.out.meta.get("experts", "").split("|") if n]
    if len(names) != len(sheets):
        names = sheets
    experts: dict[str, Scores] = {}
    for name, sheet in zip(names, sheets):
        if sheet not in wb.sheetnames:
            reader.add("GM-E550", f"打分表缺少专家“{name}”的工作表“{sheet}”。",
                       Location(file=str(reader.path)))
            continue
        one = _Reader(reader.path, reader.iset)
        one.out.meta = reader.out.meta
        one.out.prerequisites = reader.out.prerequisites
        one.out.cells = {k: v for k, v in reader.out.cells.items() if k[0] == "pre"}
        one.items(wb.values(sheet), sheet)
        one.out.fallback = one.loc(sheet)
        experts[name] = one.out
    team = combine(experts, reader.iset, source=str(reader.path))
    team.findings[:0] = reader.out.findings
    return team


def read_scoresheets(paths: list[Path], iset: "IndicatorSet") -> Scores:
    """Several one-expert sheets (one file each; the expert is named by the file's stem) or
    one ``--experts`` workbook: each expert's scores and the team's means."""
    from .experts import combine

    if len(paths) == 1:
        return read_scoresheet(paths[0], iset)
    experts: dict[str, Scores] = {}
    for path in paths:
        one = read_scoresheet(path, iset)
        if one.experts:  # a team's workbook among single sheets: take its experts
            experts.update(one.experts)
            continue
        name = Path(path).stem
        if name in experts:
            name = f"{name}（{len(experts) + 1}）"
        experts[name] = one
    return combine(experts, iset, source="、".join(str(p) for p in paths))
