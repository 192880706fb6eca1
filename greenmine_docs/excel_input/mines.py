"""The mines table: one workbook, one mine per row (for batch runs and benchmarks).

Sheet 矿山名录 has a column per foundation field (campaign, enterprise, mine, reserves,
eligibility — every required section of the submission, flattened), grouped under their section
titles; lists inside a mine (行政处罚, …) are their own sheets whose 矿山编号 column names the
mine's 编号. Reading streams the rows (see :mod:`greenmine_docs.xlsx.read`) and gives every mine a
:class:`RawInput` whose positions (``矿山名录!F12``) are computed on demand; it goes in steps
(:class:`MinesReader`) so that worker processes can each read a part of the main sheet.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Collection, Iterable

from ..errors import InputError
from ..findings import Finding, Location, Severity, make
from ..rawinput import RawInput, dotted, mine_name
from ..collector import gc_paused
from ..xlsx.cells import column_index
from ..xlsx.read import (XlsxFile, after_rows, check_sheet_rows, raw_rows_of, row_boundaries,
                         rows_span)
from .grid import Grid, ReadContext, grid_loader
from .layout import (INSTRUCTIONS_SHEET, LISTS_SHEET, META_SHEET, Table, input_layout,
                     mines_layout)
from .mines_file import open_mines_file
from .positions import LazyPositions, SheetRef
from .tables import (Entry, OutRow, TableRead, _unknown_in, collect_rows, get_path,
                     group_by_parent, machine_key, open_table, place, read_table)

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
    # the writers (openpyxl) are imported here: reading a table does not need them
    from openpyxl.cell import WriteOnlyCell

    from ..xlsx.write import new_workbook, save_workbook
    from .sheetwrite import write_table_sheet
    from .workbook import MARKER_KEY, lists_sheet, plain_data

    root = mines_layout()
    wb = new_workbook(write_only=True)
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
    return save_workbook(wb, shared_strings=True), findings


def _instructions(ws: Any, root: Table, cell_type: Any) -> None:
    from .styles import FONT, FONT_BOLD, FONT_TITLE

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
    with MinesReader(path) as reader:
        return reader.read_all()


@dataclass
class Part:
    """The entries of a run of rows of the main sheet, and the findings about them that are
    not any one mine's (an unknown column). ``summary`` is what :meth:`MinesReader.settle`
    needs from them: small and picklable, for parts read in other processes."""

    entries: list[Entry]
    findings: list[Finding]

    @property
    def summary(self) -> "PartSummary":
        return PartSummary([(e.row, e.ident, mine_name(e.data)) for e in self.entries],
                           self.findings)


@dataclass
class PartSummary:
    rows: list[tuple[int, str | None, str]]  # (sheet row, 编号 as written, mine name)
    findings: list[Finding]


@dataclass
class Settled:
    """What only the whole main sheet says: the first row of each 编号 (by mine index),
    where each part's mines start, the workbook's findings (in the order of reading the main
    sheet first) and its errors, which every mine carries; and each list sheet's rows by the
    编号 they name (``children``: the table's key, where it is, the rows by 编号)."""

    first_of: dict[str, int]
    offsets: list[int]
    findings: list[Finding]
    serious: list[Finding]
    children: list[tuple[str, SheetRef, dict[str, list[Entry]]]] = field(default_factory=list)

    def only(self, idents: Collection[str]) -> "Settled":
        """The same, with only the list rows of the mines named ``idents`` (what a worker
        making those mines is sent)."""
        return replace(self, children=[
            (key, ref, {i: rows for i, rows in by.items() if i in idents})
            for key, ref, by in self.children])


class MinesReader:
    """Reading a mines table in steps, so that the rows of its main sheet (nearly all of
    the work) can be read in parts by several processes (:mod:`greenmine_docs.mines_validate`):

    1. opening it reads the sheet names and the main sheet's header;
    2. :meth:`read_part` reads a run of the main sheet's rows (:meth:`cuts` gives the runs);
       :meth:`lists` reads the 行政处罚 sheet (here, while workers read the runs);
    3. :meth:`settle` works out, from every part's summary, what needs the whole sheet —
       repeated 编号, 行政处罚 rows naming no mine, the errors of the whole workbook — and
       groups the 行政处罚 rows by mine (:meth:`Settled.only`: those of some mines);
    4. :meth:`mines` makes one part's mines, its 行政处罚 rows placed.

    One part through these steps is :func:`read_mines_table`; any cut of the rows into parts
    gives the same mines. ``xlsx``: the workbook at ``path``, opened already (by
    :func:`~.mines_file.open_mines_file`; the reader closes it). Raises
    :class:`~greenmine_docs.errors.InputError` when the workbook cannot be used at all."""

    def __init__(self, path: str | Path, xlsx: XlsxFile | None = None) -> None:
        self.path = Path(path)
        self.xlsx = open_mines_file(self.path) if xlsx is None else xlsx
        self._lists: list[tuple[Table, TableRead]] | None = None  # see lists
        try:
            with gc_paused():
                self._open()
        except BaseException:
            self.xlsx.close()
            raise

    def __enter__(self) -> "MinesReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.xlsx.close()

    def _open(self) -> None:
        xlsx, path = self.xlsx, self.path
        root = mines_layout()
        self.ctx = ctx = ReadContext(source=path, date1904=xlsx.date1904)
        tables = list(root.walk())
        grid = grid_loader(xlsx)
        where = _sheets(ctx, xlsx, grid, root, tables)
        self.pre = len(ctx.findings)
        self.root = root
        self._unread = (tables[1:], where, grid)  # the list sheets (see lists)
        self.list_findings: list[Finding] = []
        info = xlsx.sheet(where[root.sheet])
        assert info is not None
        self.data = data = xlsx.read_bytes(info)
        check_sheet_rows(data, f"{path}（{info.name}）", "矿山名录表")
        self.span = rows_span(data)
        sheet = xlsx.read(info, data, head=12, span=self.span)  # the header rows, every merge
        self.grid = Grid(sheet)
        cols = open_table(ctx, self.grid, root)
        if cols is None:
            raise InputError(f"{path} 的“{root.sheet}”表中找不到表头，无法读取。",
                             hint="从 greenmine 生成的矿山名录表复制前三行表头后再粘贴数据。",
                             location=str(path))
        self.cols = cols
        # rows read in parts need the fast path: cells the expression reads, no merged range
        # reaching into the data rows (those are resolved over the whole sheet)
        self.splittable = (self.span is not None and sheet.raw is not None
                           and not any(r2 >= cols.first for *_, r2 in sheet.merged)
                           and not any(child.children for child in root.children))

    def lists(self) -> list[tuple[Table, TableRead]]:
        """The list sheets (行政处罚) of the mines: each one's table and rows, read on first
        use — after the main sheet's header (their findings, :attr:`list_findings`, still come
        before its rows'), so that workers forked to read the main sheet are already at work."""
        if self._lists is None:
            tables, where, grid = self._unread
            ctx = ReadContext(source=self.path, date1904=self.xlsx.date1904)
            reads: dict[str, TableRead] = {}
            with gc_paused():
                for table in tables:
                    name = where.get(table.sheet)
                    if name is None:
                        code = "GM-I151" if table.optional else "GM-W151"
                        ctx.finding(code, f"没有工作表“{table.sheet}”（{table.title}），所有矿山按"
                                          "没有记录处理。", table.sheet)
                        continue
                    read = read_table(ctx, grid(name), table)
                    if read is not None:
                        reads[table.key] = read
            self.list_findings = ctx.findings
            self._lists = [(c, reads[c.key]) for c in self.root.children if c.key in reads]
            for child, read in self._lists:
                self.cols.ref.children[child.rel] = read.ref
        return self._lists

    def drop_lists(self) -> None:
        """Let the list sheets' rows go (read again if asked for): once :meth:`settle` has
        grouped them and the groups went to the workers, nothing here needs them, and 10,000
        行政处罚 rows are some 150,000 objects to free — better while the workers check than
        after them."""
        self._lists = None

    @property
    def sheet(self) -> str:
        """The name of the main sheet (as found in the workbook)."""
        return self.grid.name

    @property
    def size(self) -> int:
        """The main sheet's size (bytes of XML)."""
        return len(self.data)

    def read_all(self) -> MinesTable:
        """Every mine, the whole main sheet read here."""
        part = self.read_part()
        settled = self.settle([part.summary])
        return MinesTable(self.mines(part, settled), settled.findings)

    def first_mine(self) -> RawInput | None:
        """The first mine of the main sheet, read on its own (without its 行政处罚 rows or
        the workbook's findings): what it needs loaded, loaded before forking workers."""
        if self.span is None:
            return None
        cut = after_rows(self.data, self.span, self.cols.first + 2)  # a few rows past the header
        raw = raw_rows_of(self.data[self.span[0]:cut])
        if not raw:
            return None
        ctx = ReadContext(source=self.path, date1904=self.xlsx.date1904)
        entry = next(self.cols.entries(ctx, self.grid, [r for r in raw if r[0] >= self.cols.first]),
                     None)
        if entry is None:
            return None
        return RawInput(source=self.path, kind="xlsx", data=entry.data,
                        positions=LazyPositions(str(self.path), {(): (self.cols.ref, entry.row)}),
                        findings=[])

    def cuts(self, parts: int) -> list[tuple[int, int]] | None:
        """The main sheet's rows cut into ``parts`` runs of about the same size (byte
        offsets), or ``None`` when it can only be read whole."""
        if not self.splittable or self.span is None:
            return None
        bounds = row_boundaries(self.data, self.span, parts)
        return list(zip(bounds, bounds[1:]))

    def read_part(self, cut: tuple[int, int] | None = None) -> Part:
        """The entries of the rows in ``data[lo:hi]`` (a cut from :meth:`cuts`), or of the
        whole sheet. Raises :class:`Unsplittable` when the rows of a cut are written in a form
        only the whole-sheet reader handles."""
        ctx = ReadContext(source=self.path, date1904=self.xlsx.date1904)
        with gc_paused():
            if cut is None:  # the whole sheet, as any other list sheet is read
                grid = self.grid
                if grid.sheet.raw is not None:  # only its head was read so far
                    info = self.xlsx.sheet(grid.name)
                    assert info is not None
                    grid = Grid(self.xlsx.read(info, self.data))
                entries = list(self.cols.entries(ctx, grid))
            else:
                raw = raw_rows_of(self.data[cut[0]:cut[1]])
                if raw is None or not self.splittable:
                    raise Unsplittable
                first = self.cols.first
                entries = list(self.cols.entries(
                    ctx, self.grid, [row for row in raw if row[0] >= first]))
        return Part(entries, ctx.findings)

    def settle(self, parts: list[PartSummary]) -> Settled:
        """What needs the whole main sheet, from the summaries of all its parts (in order)."""
        ctx, ref = self.ctx, self.cols.ref
        first_of: dict[str, int] = {}
        offsets: list[int] = []
        main: list[Finding] = []
        seen_columns: set[str] = set()
        n = 0
        for part in parts:
            offsets.append(n)
            # an unknown column is reported at its first row: once, not once per part
            warned = {f.message for f in part.findings if f.code == "GM-W152"}
            main.extend(f for f in part.findings
                        if f.code != "GM-W152" or f.message not in seen_columns)
            seen_columns |= warned
            for _, ident, _ in part.rows:
                n += 1
                first_of.setdefault(ident or str(n), n)
        orphans = ReadContext(source=self.path)  # 行政处罚 rows naming no mine (GM-E152)
        children = [(child.key, read.ref, group_by_parent(orphans, read, first_of, ref))
                    for child, read in self.lists()]
        f = ctx.findings
        findings = f[:self.pre] + main + self.list_findings + f[self.pre:] + orphans.findings
        return Settled(first_of, offsets, findings,
                       [x for x in findings if x.severity is Severity.ERROR], children)

    def mines(self, part: Part, settled: Settled, index: int = 0) -> list[RawInput]:
        """The mines of ``part`` (the ``index``-th of the parts settled)."""
        ref, path, file = self.cols.ref, self.path, str(self.path)
        tables = {child.key: child for child in self.root.children}
        groups = [(tables[key], child_ref, by) for key, child_ref, by in settled.children]
        for child, child_ref, _ in groups:  # (a worker's copy of where the rows are)
            ref.children[child.rel] = child_ref
        mines: list[RawInput] = []
        n = settled.offsets[index]
        with gc_paused():
            for entry in part.entries:
                n += 1
                anchors: dict[tuple[Any, ...], Any] = {(): (ref, entry.row)}
                raw = RawInput(source=path, kind="xlsx", data=entry.data,
                               positions=LazyPositions(file, anchors),
                               findings=entry.findings)
                mines.append(raw)
                ident = entry.ident or str(n)
                if settled.first_of[ident] != n:
                    self.ctx.finding("GM-E151", f"编号“{ident}”重复；行政处罚等子表只能对应到第一行。",
                                     ref.sheet, entry.row, column_index(ref.anchor),
                                     into=raw.findings)
                else:
                    for child, child_ref, by_parent in groups:
                        own = by_parent.get(ident)
                        if own:
                            place(self.ctx, TableRead(child, child_ref, own), entry.data, (),
                                  anchors, raw.findings)
                raw.findings.extend(settled.serious)
        return mines


class Unsplittable(Exception):
    """A part of the main sheet that only the whole-sheet reader handles."""


def _sheets(ctx: ReadContext, xlsx: XlsxFile, grid: Callable[[str], Grid], root: Table,
            tables: list[Table]) -> dict[str, str]:
    """The sheet each table is read from (a renamed sheet found by its hidden keys)."""
    path = xlsx.path
    present = [info.name for info in xlsx.sheets]
    where: dict[str, str] = {t.sheet: t.sheet for t in tables if t.sheet in present}

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
    return where
