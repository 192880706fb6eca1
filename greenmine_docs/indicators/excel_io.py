"""Indicator sets as Excel tables (provinces publish theirs in Excel or Word).

Workbook layout (what :func:`set_workbook_bytes` writes and :func:`read_set_workbook` reads):

* sheet **指标体系**: label in column A, value in column B — 编号, 名称, 版本, 来源,
  是否官方发布 (是/否), 说明, 总分, 达标线, 一级指标最低得分率;
* sheet **先决条件**: header row 编号 | 先决条件 | 佐证材料 | 对应事实;
* sheet **评价指标**: header row 一级编号 | 一级指标 | 一级分值 | 一级最低得分率 | 二级编号 |
  二级指标 | 二级分值 | 编号 | 评价内容与要求 | 分值 | 评分方法 | 佐证材料 | 适用行业标准 |
  适用开采方式. One row per item; first- and second-level columns may be left empty (or merged)
  below their first row — they carry down. Columns are found by their header text, so their
  order does not matter; the id columns may be missing (ids are then numbered 1, 1.1, 1.1.1).

Reading produces the same plain data as YAML plus a locate function that points at
``sheet!cell``, and goes through the same checks (:func:`.build.build_set`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from ..findings import Location
from ..rawinput import FieldPath
from ..xlsx.read import SheetValues, XlsxFile
from ..xlsx.write import bordered_table, cell_ref, new_workbook, save_workbook, set_value
from .model import IndicatorSet

INFO_SHEET, PRE_SHEET, ITEM_SHEET = "指标体系", "先决条件", "评价指标"
INFO_ROWS = [("id", "编号"), ("title", "名称"), ("document_number", "发布文号"),
             ("edition", "版本"), ("source", "来源"), ("official", "是否官方发布"), ("note", "说明"),
             ("total_points", "总分"), ("pass_line", "达标线"), ("min_ratio", "一级指标最低得分率"),
             ("score_decimals", "得分小数位数"), ("counts.categories", "一级指标数"),
             ("counts.groups", "二级指标数"), ("counts.items", "评价内容数")]
_OPTIONAL_INFO = {"score_decimals", "counts.categories", "counts.groups", "counts.items"}
PRE_COLS = [("id", "编号"), ("text", "先决条件"), ("evidence", "佐证材料"), ("fact", "对应事实")]
ITEM_COLS = [("cat_id", "一级编号"), ("cat_name", "一级指标"), ("cat_points", "一级分值"),
             ("cat_ratio", "一级最低得分率"), ("grp_id", "二级编号"), ("grp_name", "二级指标"),
             ("grp_points", "二级分值"), ("id", "编号"), ("text", "评价内容与要求"),
             ("points", "分值"), ("method", "评分方法"), ("evidence", "佐证材料"),
             ("standards", "适用行业标准"), ("methods", "适用开采方式")]
_ALIASES = {"评价内容": "text", "三级指标": "text", "标准分值": "points", "分数": "points",
            "评分标准": "method", "评分细则": "method", "佐证资料": "evidence"}
_REQUIRED = ("cat_name", "cat_points", "grp_name", "grp_points", "text", "points")
_SPLIT = re.compile(r"[、，,；;\n]+")
_YES = {"是", "true", "yes", "y", "1", "官方"}
_NO = {"否", "false", "no", "n", "0", "参考"}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        try:
            return float(value) if re.fullmatch(r"-?\d+(\.\d+)?", value) else value
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_NUMERIC = {"cat_points", "cat_ratio", "grp_points", "points", "total_points", "pass_line",
            "min_ratio", "score_decimals", "counts.categories", "counts.groups", "counts.items"}


def _cell(value: Any, key: str) -> Any:
    """A cell's value for ``key``: numbers for points and ratios (``"10"`` -> 10), text (ids
    kept exactly as written, ``"1.10"`` stays ``"1.10"``) for everything else."""
    if key in _NUMERIC:
        return _clean(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _ident(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value).strip() or None


def read_set_workbook(path: Path) -> tuple[dict[str, Any], Callable[[FieldPath], Location]]:
    """Plain set data from an Excel table, and where each value came from."""
    with XlsxFile(path, kind="指标体系表（Excel 工作簿）") as wb:
        return _read_set(wb, path)


def _read_set(wb: XlsxFile, path: Path) -> tuple[dict[str, Any], Callable[[FieldPath], Location]]:
    positions: dict[FieldPath, Location] = {}
    file = str(path)

    def at(sheet: str, row: int, col: int) -> Location:
        return Location(file=file, sheet=sheet, cell=cell_ref(row, col))

    missing = [s for s in (INFO_SHEET, ITEM_SHEET) if s not in wb.sheetnames]
    if missing:
        raise InputError(f"指标体系表 {path} 缺少工作表：" + "、".join(missing) + "。",
                         hint="可用 greenmine indicators export 导出一份作为模板。")
    data: dict[str, Any] = {}
    ws = wb.values(INFO_SHEET)
    labels = {label: key for key, label in INFO_ROWS}
    for row in range(1, ws.max_row + 1):
        label = _ident(ws.value(row, 1))
        if label in labels:
            key = labels[label]
            value = _cell(ws.value(row, 2), key)
            if key == "official" and isinstance(value, (str, int, float)):
                text = str(value).strip().lower()
                value = True if text in _YES else False if text in _NO else value
            if key.startswith("counts."):  # one row per level -> the counts mapping
                sub = key.split(".", 1)[1]
                if value is not None:
                    data.setdefault("counts", {})[sub] = value
                positions[("counts", sub)] = at(INFO_SHEET, row, 2)
                continue
            if value is not None:
                data[key] = value
            positions[(key,)] = at(INFO_SHEET, row, 2)
    positions[()] = Location(file=file, sheet=INFO_SHEET, cell="A1")
    if PRE_SHEET in wb.sheetnames:
        data["prerequisites"] = _read_prerequisites(wb.values(PRE_SHEET), positions, at)
    data["categories"] = _read_items(wb.values(ITEM_SHEET), positions, at, file)

    def locate(path_: FieldPath) -> Location:
        probe = tuple(path_)
        while probe:
            if probe in positions:
                return positions[probe]
            probe = probe[:-1]
        return positions[()]

    return data, locate


def _header(ws: SheetValues, wanted: list[tuple[str, str]]) -> tuple[int, dict[str, int]]:
    """Find the header row (within the first 6 rows) and map keys to columns."""
    names = {label: key for key, label in wanted}
    names.update({k: v for k, v in _ALIASES.items() if v in dict(wanted)})
    best: tuple[int, dict[str, int]] = (0, {})
    for row in range(1, min(ws.max_row, 6) + 1):
        cols: dict[str, int] = {}
        for col in range(1, ws.max_column + 1):
            label = _ident(ws.value(row, col))
            if label and label.replace(" ", "") in names:
                cols.setdefault(names[label.replace(" ", "")], col)
        if len(cols) > len(best[1]):
            best = (row, cols)
    return best


def _read_prerequisites(ws: SheetValues, positions: dict, at: Callable) -> list[dict[str, Any]]:
    head, cols = _header(ws, PRE_COLS)
    out: list[dict[str, Any]] = []
    if not head:
        return out
    for row in range(head + 1, ws.max_row + 1):
        values = {k: _cell(ws.value(row, c), k) for k, c in cols.items()}
        if all(v is None for v in values.values()):
            continue
        i = len(out)
        entry = {k: v for k, v in values.items() if v is not None}
        if "id" not in entry:
            entry["id"] = f"P{i + 1}"
        out.append(entry)
        positions[("prerequisites", i)] = at(PRE_SHEET, row, 1)
        for k, c in cols.items():
            positions[("prerequisites", i, k)] = at(PRE_SHEET, row, c)
    return out


def _read_items(ws: SheetValues, positions: dict, at: Callable, file: str) -> list[dict[str, Any]]:
    head, cols = _header(ws, ITEM_COLS)
    lacking = [label for key, label in ITEM_COLS if key in _REQUIRED and key not in cols]
    if lacking:
        raise InputError(f"“{ITEM_SHEET}”工作表缺少列：" + "、".join(lacking) + "。",
                         hint="表头应包含：" + "、".join(label for _, label in ITEM_COLS) + "。",
                         location=f"{file} {ITEM_SHEET}!A{head or 1}")
    cats: list[dict[str, Any]] = []
    new_cat = False
    for row in range(head + 1, ws.max_row + 1):
        v = {k: _cell(ws.value(row, c), k) for k, c in cols.items()}
        if all(x is None for x in v.values()):
            continue
        name, cid = v.get("cat_name"), v.get("cat_id")
        new_cat = (name is not None or cid is not None) and (
            not cats or (name is not None and name != cats[-1]["name"])
            or (cid is not None and cid != cats[-1]["id"]))
        if new_cat:
            ci = len(cats)
            cat: dict[str, Any] = {"id": cid or str(ci + 1), "name": name, "groups": []}
            if v.get("cat_points") is not None:
                cat["points"] = v["cat_points"]
            if v.get("cat_ratio") is not None:
                cat["min_ratio"] = v["cat_ratio"]
            cats.append(cat)
            base: FieldPath = ("categories", ci)
            positions[base] = at(ITEM_SHEET, row, cols.get("cat_name", 1))
            for key, field in (("cat_id", "id"), ("cat_name", "name"), ("cat_points", "points"),
                               ("cat_ratio", "min_ratio")):
                if key in cols:
                    positions[base + (field,)] = at(ITEM_SHEET, row, cols[key])
        if not cats:
            raise InputError(f"“{ITEM_SHEET}”第 {row} 行之前没有一级指标。",
                             hint="第一行评价内容须写明一级指标名称和分值。",
                             location=f"{file} {ITEM_SHEET}!A{row}")
        cat = cats[-1]
        ci = len(cats) - 1
        gname, gid = v.get("grp_name"), v.get("grp_id")
        last = cat["groups"][-1] if cat["groups"] else None
        if new_cat or last is None or (gname is not None and gname != last["name"]) \
                or (gid is not None and gid != last["id"]):
            gi = len(cat["groups"])
            grp: dict[str, Any] = {"id": gid or f"{cat['id']}.{gi + 1}",
                                   "name": v.get("grp_name"), "items": []}
            if v.get("grp_points") is not None:
                grp["points"] = v["grp_points"]
            cat["groups"].append(grp)
            base = ("categories", ci, "groups", gi)
            positions[base] = at(ITEM_SHEET, row, cols.get("grp_name", 1))
            for key, field in (("grp_id", "id"), ("grp_name", "name"), ("grp_points", "points")):
                if key in cols:
                    positions[base + (field,)] = at(ITEM_SHEET, row, cols[key])
        grp = cat["groups"][-1]
        gi = len(cat["groups"]) - 1
        ii = len(grp["items"])
        item: dict[str, Any] = {"id": v.get("id") or f"{grp['id']}.{ii + 1}"}
        for key in ("text", "points", "method", "evidence"):
            if v.get(key) is not None:
                item[key] = str(v[key]) if key != "points" else v[key]
        applies: dict[str, list[str]] = {}
        for key in ("standards", "methods"):
            if v.get(key) is not None:
                applies[key] = [x.strip() for x in _SPLIT.split(str(v[key])) if x.strip()]
        if applies:
            item["applies_to"] = applies
        grp["items"].append(item)
        base = ("categories", ci, "groups", gi, "items", ii)
        positions[base] = at(ITEM_SHEET, row, cols.get("text", 1))
        for key in ("id", "text", "points", "method", "evidence"):
            if key in cols:
                positions[base + (key,)] = at(ITEM_SHEET, row, cols[key])
        for key in ("standards", "methods"):
            if key in cols:
                positions[base + ("applies_to", key)] = at(ITEM_SHEET, row, cols[key])
                for n in range(len(applies.get(key, []))):
                    positions[base + ("applies_to", key, n)] = at(ITEM_SHEET, row, cols[key])
    return cats


def print_wide(ws: Any) -> None:
    """A table sheet as the indicator workbooks print: header row frozen and repeated, A4
    landscape, fit to the page width."""
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def set_workbook_bytes(iset: IndicatorSet) -> bytes:
    """The set as an Excel table in the layout described above (readable by
    :func:`read_set_workbook`)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(name="黑体", bold=True)
    body_font = Font(name="宋体", size=10)
    fill = PatternFill("solid", fgColor="D9E2F3")
    wrap = Alignment(wrap_text=True, vertical="center")

    wb = new_workbook()
    ws = wb.active
    ws.title = INFO_SHEET
    values = {"id": iset.id, "title": iset.title, "document_number": iset.document_number,
              "edition": iset.edition, "source": iset.source,
              "official": "是" if iset.official else "否", "note": iset.note,
              "total_points": iset.total_points, "pass_line": iset.pass_line,
              "min_ratio": iset.min_ratio, "score_decimals": iset.score_decimals}
    if iset.declared_counts is not None:
        values.update(zip(("counts.categories", "counts.groups", "counts.items"),
                          iset.declared_counts))
    rows_ = [(k, label) for k, label in INFO_ROWS  # optional rows only when the set has them
             if k not in _OPTIONAL_INFO or values.get(k) is not None]
    for row, (key, label) in enumerate(rows_, start=1):
        ws.cell(row=row, column=1, value=label).font = head_font
        cell = ws.cell(row=row, column=2)
        set_value(cell, values[key] if values[key] != "" else None)
        cell.font = body_font
        cell.alignment = wrap
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 90
    if not iset.official:
        ws.cell(row=len(rows_) + 2, column=1, value="注意").font = head_font
        set_value(ws.cell(row=len(rows_) + 2, column=2), iset.reference_notice)
        ws.cell(row=len(rows_) + 2, column=2).font = body_font

    def table(title: str, cols: list[tuple[str, str]], rows: list[list[Any]],
              widths: list[float]) -> Any:
        sh = wb.create_sheet(title)
        bordered_table(sh, [label for _, label in cols], rows, widths, top=1,
                       head_font=head_font, body_font=body_font, fill=fill, border=border,
                       height=lambda lines: max(16, lines * 13 + 3))
        print_wide(sh)
        return sh

    pre_rows = [[p.id, p.text, p.evidence or None, p.fact] for p in iset.prerequisites]
    table(PRE_SHEET, PRE_COLS, pre_rows, [8, 60, 40, 20])
    rows: list[list[Any]] = []
    for c in iset.categories:
        for gi, g in enumerate(c.groups):
            for ii, i in enumerate(g.items):
                first_cat = gi == 0 and ii == 0
                rows.append([
                    c.id if first_cat else None, c.name if first_cat else None,
                    c.points if first_cat else None,
                    (c.min_ratio if c.min_ratio != iset.min_ratio else None) if first_cat else None,
                    g.id if ii == 0 else None, g.name if ii == 0 else None,
                    g.points if ii == 0 else None, i.id, i.text, i.points, i.method or None,
                    i.evidence or None, "、".join(i.applies_to.standards) or None,
                    "、".join(i.applies_to.methods) or None])
    table(ITEM_SHEET, ITEM_COLS, rows, [8, 12, 8, 10, 8, 14, 8, 8, 50, 6, 36, 30, 18, 18])
    return save_workbook(wb)
