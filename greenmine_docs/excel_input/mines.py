"""The mines table: one workbook, one mine per row (for batch runs and benchmarks).

Sheet 矿山名录 has a column per foundation field (campaign, enterprise, mine, reserves,
eligibility — every required section of the submission, flattened), grouped under their section
titles; lists inside a mine (行政处罚, …) are their own sheets whose 矿山编号 column names the
mine's 编号. Reading streams the rows (see :mod:`.xlsxread`) and gives every mine a
:class:`RawInput` whose positions (``矿山名录!F12``) are computed on demand.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..findings import Finding, Location, Severity, make
from ..load.raw import RawInput, dotted
from .compact import share_strings
from .grid import ReadContext, grid_loader
from .layout import (INSTRUCTIONS_SHEET, LISTS_SHEET, META_SHEET, Table, input_layout,
                     mines_layout)
from .positions import LazyPositions
from .sheetwrite import write_table_sheet
from .styles import FONT, FONT_BOLD, FONT_TITLE
from .tables import (OutRow, Parent, TableRead, _unknown_in, collect_rows, get_path,
                     machine_key, place_children, read_table)
from .workbook import MARKER_KEY, lists_sheet, plain_data
from .xlsxread import XlsxFile, col_index, gc_paused

MINES_KIND = "greenmine-mines-table"


class MinesTable(list):
    """The mines of a table (``list[RawInput]``) plus ``findings`` about the workbook as a
    whole (renamed or missing sheets, rows pointing at unknown mines). Error findings among
    them are also added to every mine, so none of them validates clean."""

    def __init__(self, items: Iterable[RawInput] = (), findings: list[Finding] | None = None):
        super().__init__(items)
        self.findings = findings if findings is not None else []


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def render_mines_table(items: Iterable[Any]) -> tuple[bytes, list[Finding]]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    root = mines_layout()
    wb = Workbook(write_only=True)
    mines = [plain_data(item) for item in items]
    findings: list[Finding] = []
    rows: dict[str, list[OutRow]] = {root.key: []}
    unknown: list[tuple[Any, ...]] = []
    known = {leaf.path for leaf in root.leaves} | {c.rel for c in root.children}
    for i, data in enumerate(mines, start=1):
        if not isinstance(data, dict):
            raise InputError(f"第 {i} 个矿山的数据不是“字段: 值”的映射。",
                             hint="每个矿山应为一份与 YAML 输入相同结构的数据。")
        rows[root.key].append(OutRow(ident=i, data=data))
        for child in root.children:
            collect_rows(child, get_path(data, child.rel), i, rows, unknown,
                         (i - 1, *child.rel))
        mine_unknown: list[tuple[Any, ...]] = []
        _unknown_in({k: v for k, v in data.items() if k != "schema_version"}, (), known, (),
                    mine_unknown)
        unknown.extend((i - 1, *p) for p in mine_unknown)
    info = wb.create_sheet(INSTRUCTIONS_SHEET)
    _instructions(info, root, WriteOnlyCell)
    warnings: list[tuple[tuple[Any, ...], str]] = []
    list_refs = lists_sheet(wb, [leaf for t in root.walk() for leaf in t.leaves])
    for table in root.walk():
        write_table_sheet(wb.create_sheet(table.sheet), table, rows.get(table.key, []), list_refs,
                          styled=table is not root, groups=table is root,
                          spare_rows=1000 if table is root else 300, warnings=warnings)
    meta = wb.create_sheet(META_SHEET)
    meta.append([MARKER_KEY, MINES_KIND])
    meta.sheet_state = "hidden"
    for path in unknown[:200]:
        findings.append(make("GM-W153", f"第 {path[0] + 1} 个矿山的“{dotted(path[1:])}”在矿山名录中"
                                        "没有对应的列，已略过。",
                             location=Location(path=dotted(path[1:]))))
    for path, item in warnings[:200]:
        findings.append(make("GM-W154", f"列表项“{item}”中含有“；”，读回时会被拆成多项。",
                             location=Location(path=".".join(str(p) for p in path))))
    buf = io.BytesIO()
    wb.save(buf)
    return share_strings(buf.getvalue()), findings


def _instructions(ws: Any, root: Table, cell_type: Any) -> None:
    ws.column_dimensions["A"].width = 110
    title = cell_type(ws, "矿山名录表 填表说明（每行一个矿山）")
    title.font = FONT_TITLE
    ws.append([title])
    lines = [
        f"1. 在“{root.sheet}”表中每行填写一个矿山；“编号”可用 1、2、3……，每行不同。",
        "2. 列名前带“＊”、底色浅黄的为必填项；有下拉箭头的单元格从列表中选择。",
        "3. 日期写成 2023-09-20；数字不带单位，单位填在相邻的“单位”列；多项内容用“；”分隔。",
    ]
    for child in root.children:
        lines.append(f"{len(lines) + 1}. “{child.sheet}”表每行一条{child.title}记录，"
                     "用“矿山编号”列对应到矿山名录中的编号；没有记录留空。")
    lines.append(f"{len(lines) + 1}. 请勿修改工作表名称，勿删除隐藏的第 1 行（程序用它识别各列）；"
                 "可以调整列的顺序。空行会被忽略。")
    lines.append(f"{len(lines) + 1}. 批量检查与生成：greenmine batch 本文件.xlsx -o 输出目录。")
    for line in lines:
        cell = cell_type(ws, line)
        cell.font = FONT
        ws.append([cell])
    note = cell_type(ws, "本表由 greenmine-docs 生成，仅供填报整理使用，不是官方表格。")
    note.font = FONT_BOLD
    ws.append([])
    ws.append([note])


def write_mines_table(items: Iterable[Any], path: str | Path, *, force: bool = False
                      ) -> list[Finding]:
    """Write many mines (YAML-shaped dicts or ``Submission`` objects) as one table."""
    from ..outputs import write_bytes_atomic

    content, findings = render_mines_table(items)
    write_bytes_atomic(Path(path), content, force=force)
    return findings


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def read_mines_table(path: str | Path) -> MinesTable:
    """Every mine of a mines table as a :class:`RawInput` (positions like ``矿山名录!F12``)."""
    path = Path(path)
    with XlsxFile(path) as xlsx, gc_paused():
        return _read(xlsx, path)


def _read(xlsx: XlsxFile, path: Path) -> MinesTable:
    root = mines_layout()
    ctx = ReadContext(source=path, date1904=xlsx.date1904)
    tables = list(root.walk())
    present = [info.name for info in xlsx.sheets]
    where: dict[str, str] = {t.sheet: t.sheet for t in tables if t.sheet in present}
    grid = grid_loader(xlsx)

    forms = {f.sheet for f in input_layout().forms}
    if root.sheet not in present and forms & set(present):  # its rows carry the same keys
        raise InputError(f"{path} 是单个矿山的输入工作簿，不是矿山名录表。",
                         hint="单个矿山请用 greenmine validate 该文件；批量请用"
                              " greenmine batch 一个文件夹，或矿山名录表。",
                         location=str(path))
    extra = [n for n in present if n not in where.values()
             and n not in (INSTRUCTIONS_SHEET, META_SHEET, LISTS_SHEET)]
    for table in tables:
        if table.sheet in where:
            continue
        for name in extra:
            if name in where.values():
                continue
            keys = {v.strip() for _, cells in grid(name).header_rows(3)
                    for v in cells.values() if isinstance(v, str)}
            wanted = {leaf.key for leaf in table.leaves} | {machine_key(table, "#id")}
            if keys & wanted:
                where[table.sheet] = name
                ctx.finding("GM-W150", f"没有找到工作表“{table.sheet}”，但工作表“{name}”带有它的"
                                       f"隐藏键，已按“{table.sheet}”读取。", name,
                            hint=f"请把工作表“{name}”改回“{table.sheet}”。")
                break
    if root.sheet not in where:
        raise InputError(f"{path} 中没有“{root.sheet}”工作表，不是矿山名录表。",
                         hint="用 greenmine 生成的矿山名录表填写（每行一个矿山），或检查工作表名称。",
                         location=str(path))
    for name in extra:
        if name not in where.values():
            ctx.finding("GM-I150", f"工作表“{name}”不属于矿山名录表，已忽略。", name)
    reads: dict[str, TableRead] = {}
    for table in tables:
        name = where.get(table.sheet)
        if name is None:
            code = "GM-I151" if table.optional else "GM-W151"
            ctx.finding(code, f"没有工作表“{table.sheet}”（{table.title}），所有矿山按没有记录处理。",
                        table.sheet)
            continue
        read = read_table(ctx, grid(name), table)
        if read is not None:
            reads[table.key] = read
    main = reads.get(root.key)
    mines = MinesTable(findings=ctx.findings)
    if main is None:
        raise InputError(f"{path} 的“{root.sheet}”表中找不到表头，无法读取。",
                         hint="从 greenmine 生成的矿山名录表复制前三行表头后再粘贴数据。",
                         location=str(path))
    parents: dict[str, Parent] = {}
    for n, entry in enumerate(main.entries, start=1):
        anchors: dict[tuple[Any, ...], Any] = {(): (main.ref, entry.row)}
        raw = RawInput(source=path, kind="xlsx", data=entry.data,
                       positions=LazyPositions(ctx.file, anchors),  # type: ignore[arg-type]
                       findings=entry.findings)
        mines.append(raw)
        ident = entry.ident or str(n)
        if ident in parents:
            ctx.finding("GM-E151", f"编号“{ident}”重复；行政处罚等子表只能对应到第一行。",
                        main.ref.sheet, entry.row, col_index(main.ref.anchor),
                        into=raw.findings)
            continue
        parents[ident] = Parent(entry.data, (), anchors, raw.findings)
    place_children(ctx, reads, root, parents, main.ref)
    serious = [f for f in ctx.findings if f.severity is Severity.ERROR]
    if serious:
        for raw in mines:
            raw.findings.extend(serious)
    return mines
