"""List sheets: one row per entry, one column per field, a hidden first row of machine keys.

Reading finds the columns by those keys (so columns may be moved), falls back to the Chinese
header labels (so a deleted key row still works), skips empty rows, and links the rows of child
sheets to their parent row through the 序号/编号 columns. Writing lays out the same sheet with
header styles, dropdowns, formats and widths.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Collection, Iterator

from ..xlsx.cells import cell_text, column_index, column_letter
from ..findings import Finding
from .grid import Grid, ReadContext, norm_label
from .layout import Leaf, Table
from .positions import SheetRef
from .values import EMPTY, leaf_converter, to_cell
from ..xlsx.read import RawRow

MEMO_LIMIT = 5000  # distinct values remembered per column while reading
MEMO_TYPES = (str, dt.datetime)  # not numbers: 1, 1.0 and True are equal as dict keys
ID = "#id"
PARENT = "#parent"
KEY = "#key"
SUBKEY = "#subkey"


def special_labels(table: Table) -> dict[str, str]:
    """Header texts of the bookkeeping columns."""
    labels = {ID: "编号" if table.mode == "root" else "序号"}
    if table.mode == "dict":
        labels[KEY] = table.key_label
        labels[SUBKEY] = "子键（可空）"
    if table.parent is not None:
        labels[PARENT] = {"root": "矿山编号", "dict": "上级键"}.get(table.parent.mode, "上级序号")
    return labels


_SPECIAL_ALIASES = {
    ID: {"序号", "编号", "行号"},
    PARENT: {"矿山编号", "上级序号", "上级键", "所属编号", "所属序号"},
    KEY: {"键（编号）", "键", "编号"},
    SUBKEY: {"子键", "子键（可空）"},
}


def columns(table: Table) -> list[tuple[str, Leaf | None]]:
    """The sheet's columns in order: (special name or leaf key, leaf)."""
    cols: list[tuple[str, Leaf | None]] = []
    if table.mode == "dict":
        if table.parent is not None:
            cols.append((PARENT, None))
        cols.append((KEY, None))
        if table.subkey:
            cols.append((SUBKEY, None))
    else:
        cols.append((ID, None))
        if table.parent is not None:
            cols.append((PARENT, None))
    cols.extend((leaf.key, leaf) for leaf in table.leaves)
    return cols


def machine_key(table: Table, name: str) -> str:
    return {ID: table.id_key, PARENT: table.parent_key, KEY: table.dict_key,
            SUBKEY: table.subkey_key}.get(name, name)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
@dataclass
class Entry:
    row: int
    data: Any
    ident: str | None = None
    parent: str | None = None
    key: str | None = None
    subkey: str | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class TableRead:
    table: Table
    ref: SheetRef
    entries: list[Entry]


ident_text = cell_text  # 序号/编号 values compare as text: 1, 1.0, "1", " 1 "


def resolve_columns(grid: Grid, table: Table
                    ) -> tuple[dict[int, str | Leaf], int | None, dict[int, str]]:
    """Map sheet columns to fields: by hidden key first, else by header label.
    Returns (column -> leaf or special, first data row or None, unknown column -> header)."""
    by_key: dict[str, str | Leaf] = {leaf.key: leaf for leaf in table.leaves}
    for name, _ in columns(table):
        if not isinstance(_, Leaf):
            by_key[machine_key(table, name)] = name
    by_label: dict[str, str | Leaf] = {}
    for leaf in table.leaves:
        by_label.setdefault(norm_label(leaf.label), leaf)
    specials = {name for name, leaf in columns(table) if leaf is None}
    own = special_labels(table)
    for name in specials:
        for alias in (own[name], *sorted(_SPECIAL_ALIASES[name])):
            by_label.setdefault(norm_label(alias), name)
    key_row: int | None = None
    label_row: int | None = None
    mapping: dict[int, str | Leaf] = {}
    label_cells: dict[int, str] = {}
    threshold = max(1, len(table.leaves) // 3)
    for number, cells in grid.header_rows():
        texts = {c: v.strip() for c, v in cells.items() if isinstance(v, str)}
        if key_row is None and any(t in by_key for t in texts.values()):
            key_row = number
            for c, t in texts.items():
                target = by_key.get(t)
                if target is not None and target not in mapping.values():
                    mapping[c] = target
            continue
        if label_row is None:
            hits = sum(1 for t in texts.values() if by_label.get(norm_label(t)) is not None)
            if hits >= threshold:
                label_row = number
                label_cells = texts
    for c, t in label_cells.items():
        target = by_label.get(norm_label(t))
        if c not in mapping and target is not None and target not in mapping.values():
            mapping[c] = target
    heads = [r for r in (key_row, label_row) if r is not None]
    if not heads:
        return {}, None, {}
    unknown = {c: t for c, t in label_cells.items() if c not in mapping and t}
    return mapping, max(heads) + 1, unknown


def read_table(ctx: ReadContext, grid: Grid, table: Table,
               ) -> TableRead | None:
    """Entries of one list sheet; ``None`` when no header row can be found."""
    cols = open_table(ctx, grid, table)
    if cols is None:
        return None
    return TableRead(table=table, ref=cols.ref, entries=list(cols.entries(ctx, grid)))


@dataclass
class Columns:
    """What the header of a list sheet says: where each field is (``ref``), the first data
    row, and how each column is read (converters with their per-column memos)."""

    table: Table
    ref: SheetRef
    first: int
    plan: list[tuple[Any, ...]]
    special_cols: dict[str, int]
    unknown: dict[int, str]

    def entries(self, ctx: ReadContext, grid: Grid,
                raw_rows: list[RawRow] | None = None) -> Iterator[Entry]:
        """The entries of the sheet's data rows (or of ``raw_rows``, some of them, read
        elsewhere: a part of a big sheet); findings about a row are added to ``ctx``."""
        scalar = self.table.scalar_value
        if raw_rows is None:
            raw_rows = grid.raw_data_rows(self.first)
        rows = (_fast_rows(grid, raw_rows, self.plan, self.special_cols, self.unknown, scalar)
                if raw_rows is not None
                else _decoded_rows(grid, self.first, self.plan, self.special_cols, self.unknown,
                                   scalar))
        return _entries(ctx, grid, self.table, rows, self.plan, self.special_cols, self.unknown)


def open_table(ctx: ReadContext, grid: Grid, table: Table) -> Columns | None:
    """The columns of a list sheet from its header rows; ``None`` (and GM-E153) when no
    header row can be found."""
    mapping, first, unknown = resolve_columns(grid, table)
    if first is None:
        ctx.finding("GM-E153", f"工作表“{grid.name}”中找不到表头行（第 1 行隐藏键或中文列名），"
                               "整张表未读取。", grid.name,
                    hint="从新模板中复制该表的表头（前两行）后再粘贴数据。")
        return None
    ref = SheetRef(sheet=grid.name)
    leaf_cols: list[tuple[int, Leaf, Any]] = []
    special_cols: dict[str, int] = {}
    for c, target in sorted(mapping.items()):
        if isinstance(target, Leaf):
            leaf_cols.append((c, target, leaf_converter(target, ctx.date1904)))
            ref.columns[target.path] = column_letter(c)
        else:
            special_cols[target] = c
    if PARENT in special_cols:
        ref.parent = column_letter(special_cols[PARENT])
    if table.scalar_value and leaf_cols:
        ref.value = column_letter(leaf_cols[0][0])
    anchor = special_cols.get(KEY, special_cols.get(ID))
    if anchor is None:
        anchor = leaf_cols[0][0] if leaf_cols else 1
    ref.anchor = column_letter(anchor)
    plan: list[tuple[Any, ...]] = [(c, leaf, convert, leaf.path[:-1], leaf.path[-1] if leaf.path else None, {}, {})
            for c, leaf, convert in leaf_cols]
    return Columns(table, ref, first, plan, special_cols, unknown)


def _entries(ctx: ReadContext, grid: Grid, table: Table, rows: Iterator["RowValues"],
             plan: list[tuple[Any, ...]], special_cols: dict[str, int], unknown: dict[int, str]
             ) -> Iterator[Entry]:
    scalar = table.scalar_value
    warned: set[int] = set()
    merged = grid.merged_source
    for number, entry_data, filled, pending, specials, unknown_hits in rows:
        notes: list[Finding] = []
        for (code, text), c, leaf in pending:
            ctx.finding(code, f"{leaf.label}：{text}", grid.name, number, c, into=notes)
        if merged and filled:
            for c, leaf, *_ in plan:
                if (number, c) in merged:
                    ctx.merged_use(grid, number, c, leaf.label, None, into=notes)
        for c in unknown_hits:
            if c not in warned and filled:
                warned.add(c)
                ctx.finding("GM-W152", f"列“{unknown[c]}”不属于模板，其内容未读取。",
                            grid.name, number, c)
        if not filled and table.mode == "dict" and not scalar and specials.get(KEY) is not None:
            filled = True  # a key with nothing filled in yet is still an entry ("P1: {}")
        if not filled:
            if notes:
                ctx.findings.extend(notes)
            continue
        entry = Entry(row=number, data=entry_data, findings=notes,
                      ident=ident_text(specials.get(ID)), parent=ident_text(specials.get(PARENT)))
        if table.mode == "dict":
            entry.key = ident_text(specials.get(KEY))
            entry.subkey = ident_text(specials.get(SUBKEY))
            if entry.key is None:
                ctx.finding("GM-E153", f"该行“{table.key_label}”为空，整行未读取。", grid.name,
                            number, special_cols.get(KEY, 1),
                            hint="填写该行的键（如章节或指标编号）。", into=notes)
                ctx.findings.extend(notes)
                continue
        yield entry


RowValues = tuple[int, Any, bool, list[tuple[Any, int, Leaf]], dict[str, Any], list[int]]


def _decoded_rows(grid: Grid, first: int, plan: list[tuple[Any, ...]],
                  special_cols: dict[str, int], unknown: dict[int, str], scalar: bool
                  ) -> Iterator[RowValues]:
    """(row, entry data, anything filled, notes, bookkeeping cells, unknown columns used)
    from decoded rows."""
    for number, cells in grid.rows:
        if number < first:
            continue
        data: Any = EMPTY if scalar else {}
        holders: dict[tuple[str, ...], Any] = {(): data}
        pending: list[tuple[Any, int, Leaf]] = []
        filled = False
        for p in plan:
            raw = cells.get(p[0])
            if raw is None:
                continue
            if type(raw) in MEMO_TYPES:  # values repeat down a column (units, 是/否, dates)
                memo = p[5]
                hit = memo.get(raw)
                if hit is None:
                    hit = p[2](raw)
                    if len(memo) < MEMO_LIMIT:
                        memo[raw] = hit
            else:
                hit = p[2](raw)
            value, note = hit
            if note is not None:
                pending.append((note, p[0], p[1]))
            if value is EMPTY:
                continue
            filled = True
            if scalar:
                data = value
                continue
            holder = holders.get(p[3])
            if holder is None:
                holder = holders[p[3]] = _holder(data, p[3])
            holder[p[4]] = value
        specials = {name: cells.get(c) for name, c in special_cols.items()}
        yield number, data, filled, pending, specials, [c for c in unknown if c in cells]


def _fast_rows(grid: Grid, raw_rows: list[RawRow], plan: list[tuple[Any, ...]],
               special_cols: dict[str, int], unknown: dict[int, str], scalar: bool
               ) -> Iterator[RowValues]:
    """The same from raw cells: each cell is decoded and converted once per distinct raw
    value and column (a 10,000-row sheet repeats most of its values). Everything that does
    not depend on the row (column letters, which nested dict a field goes into) is worked out
    once; the nested dicts of a row are found by slot number, not by path."""
    decode = grid.sheet.decode
    assert decode is not None
    slots: dict[tuple[str, ...], int] = {}
    for column in plan:
        slots.setdefault(column[3], len(slots))
    holder_paths = list(slots)
    n_slots = len(holder_paths)
    by_letter = {column_letter(p[0]).encode(): (p[0], p[1], p[2], slots[p[3]], p[4], p[5], p[6])
                 for p in plan}
    special_letters = {column_letter(c).encode(): name for name, c in special_cols.items()}
    unknown_letters = {column_letter(c).encode(): c for c in unknown}
    for number, cells in raw_rows:
        data: Any = EMPTY if scalar else {}
        holders: list[Any] = [None] * n_slots
        pending: list[tuple[Any, int, Leaf]] = []
        specials: dict[str, Any] = {}
        unknown_hits: list[int] = []
        filled = False
        for cell in cells:
            p = by_letter.get(cell[0])
            if p is None:
                name = special_letters.get(cell[0])
                if name is not None:
                    specials[name] = decode(cell)
                elif cell[0] in unknown_letters and decode(cell) is not None:
                    unknown_hits.append(unknown_letters[cell[0]])
                continue
            c, leaf, convert, slot, field_key, by_index, by_raw = p
            key: Any  # a shared string's index, or the raw cell's type and text
            if cell[3] == b"s":  # shared text: its index alone says what it is
                memo, key = by_index, cell[4]
            else:
                memo, key = by_raw, cell[2:]
            hit = memo.get(key)
            if hit is None:
                raw = decode(cell)
                hit = convert(raw) if raw is not None else _NOTHING
                if len(memo) < MEMO_LIMIT:
                    memo[key] = hit
            value, note = hit
            if note is not None:
                pending.append((note, c, leaf))
            if value is EMPTY:
                continue
            filled = True
            if scalar:
                data = value
                continue
            holder = holders[slot]
            if holder is None:
                holder = holders[slot] = _holder(data, holder_paths[slot])
            holder[field_key] = value
        yield number, data, filled, pending, specials, unknown_hits


_NOTHING = (EMPTY, None)


def _holder(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for part in path:
        nxt = data.get(part)
        if nxt is None:
            nxt = data[part] = {}
        data = nxt
    return data


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        nxt = data.get(part)
        if nxt is None:
            nxt = data[part] = {}
        data = nxt
    data[path[-1]] = value


def set_path(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    _set(data, tuple(path), value)


# ---------------------------------------------------------------------------------------------
# linking entries into the data
# ---------------------------------------------------------------------------------------------
Anchors = dict[tuple[Any, ...], tuple[SheetRef, "int | None"]]


@dataclass
class Parent:
    """A row that child rows can point at."""

    data: dict[str, Any]
    path: tuple[Any, ...]  # concrete path of the entry from the record root
    anchors: Anchors  # the record's anchors
    findings: list[Finding]  # the record's findings


def place(ctx: ReadContext, read: TableRead, holder: dict[str, Any], base: tuple[Any, ...],
          anchors: Anchors, into: list[Finding]) -> dict[str, Parent]:
    """Put the entries of a table into ``holder`` at ``read.table.rel`` (one record's entries)
    and return their ids for child tables."""
    table = read.table
    path = (*base, *table.rel)
    anchors.setdefault(path, (read.ref, None))
    ids: dict[str, Parent] = {}
    if table.mode == "dict":
        out: dict[str, Any] = {}
        for entry in read.entries:
            into.extend(entry.findings)
            key = entry.key
            assert key is not None  # dict mode: a row without its key was not read (GM-E153)
            if entry.subkey is not None:
                current = out.setdefault(key, {})
                if not isinstance(current, dict) or entry.subkey in current:
                    _duplicate(ctx, read, entry, f"{key} / {entry.subkey}", into)
                    continue
                current[entry.subkey] = entry.data
                anchors.setdefault(path + (key,), (read.ref, entry.row))
                anchors[path + (key, entry.subkey)] = (read.ref, entry.row)
                continue
            if key in out:
                _duplicate(ctx, read, entry, key, into)
                continue
            out[key] = entry.data
            anchors[path + (key,)] = (read.ref, entry.row)
            if isinstance(entry.data, dict):
                ids[key] = Parent(entry.data, path + (key,), anchors, into)
        if out:
            set_path(holder, table.rel, out)
        return ids
    items: list[Any] = []
    for entry in read.entries:
        into.extend(entry.findings)
        ident = entry.ident or str(len(items) + 1)
        if ident in ids:
            ctx.finding("GM-E151", f"序号“{ident}”重复；子表按该序号只能对应第一行。",
                        read.ref.sheet, entry.row, column_index(read.ref.anchor), into=into)
        else:
            ids[ident] = Parent(entry.data, (*path, len(items)), anchors, into)
        anchors[path + (len(items),)] = (read.ref, entry.row)
        items.append(entry.data)
    if items:
        set_path(holder, table.rel, items)
    return ids


def _duplicate(ctx: ReadContext, read: TableRead, entry: Entry, key: str,
               into: list[Finding]) -> None:
    ctx.finding("GM-E151", f"键“{key}”重复（或与同键的其他行冲突），只读取了第一次出现的行。",
                read.ref.sheet, entry.row, column_index(read.ref.anchor), into=into)


def place_children(ctx: ReadContext, reads: dict[str, TableRead], table: Table,
                   parents: dict[str, Parent], parent_ref: SheetRef) -> None:
    """Attach each child table's rows to the parent row their 上级序号/矿山编号 names."""
    for child in table.children:
        read = reads.get(child.key)
        if read is None:
            continue
        parent_ref.children[child.rel] = read.ref
        groups = group_by_parent(ctx, read, parents, parent_ref)
        child_ids: dict[str, Parent] = {}
        for target, entries in groups.items():
            parent = parents[target]
            sub = TableRead(child, read.ref, entries)
            ids = place(ctx, sub, parent.data, parent.path, parent.anchors, parent.findings)
            for k, v in ids.items():
                child_ids.setdefault(k, v)
        if child.children:
            place_children(ctx, reads, child, child_ids, read.ref)


def group_by_parent(ctx: ReadContext, read: TableRead, parents: Collection[str],
                    parent_ref: SheetRef) -> dict[str, list[Entry]]:
    """The child rows of ``read`` by the parent row they name (上级序号/矿山编号; an empty one
    names the only parent, when there is one); a row naming no known parent is reported
    (GM-E152) and left out."""
    groups: dict[str, list[Entry]] = {}
    for entry in read.entries:
        target = entry.parent
        if target is None and len(parents) == 1:
            target = next(iter(parents))
        if target is None or target not in parents:
            label = special_labels(read.table)[PARENT]
            what = f"“{target}”" if target else "为空"
            ctx.finding("GM-E152", f"{label}{what}，在工作表“{parent_ref.sheet}”中没有对应的行；"
                                   "该行未读取。", read.ref.sheet, entry.row,
                        column_index(read.ref.parent or read.ref.anchor))
            continue
        groups.setdefault(target, []).append(entry)
    return groups


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
@dataclass
class OutRow:
    """One row to write: bookkeeping values and the entry's data."""

    ident: Any = None
    parent: Any = None
    key: Any = None
    subkey: Any = None
    data: Any = None


def row_values(table: Table, row: OutRow) -> list[Any]:
    out: list[Any] = []
    for name, leaf in columns(table):
        if leaf is None:
            out.append({ID: row.ident, PARENT: row.parent, KEY: row.key,
                        SUBKEY: row.subkey}[name])
        elif table.scalar_value:
            out.append(to_cell(leaf, row.data))
        else:
            out.append(to_cell(leaf, get_path(row.data, leaf.path)))
    return out


def get_path(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
        if data is None:
            return None
    return data


def collect_rows(table: Table, data: Any, base_ident: Any = None,
                 out: dict[str, list[OutRow]] | None = None,
                 unknown: list[tuple[Any, ...]] | None = None,
                 base_path: tuple[Any, ...] = ()) -> dict[str, list[OutRow]]:
    """Rows of ``table`` and its children for one container value (list or dict), keyed by
    table key; ``unknown`` collects data paths the layout has no cell for."""
    out = {} if out is None else out
    rows = out.setdefault(table.key, [])
    if isinstance(data, dict) and table.mode == "dict":
        items = list(data.items())
    elif isinstance(data, list) and table.mode == "list":
        items = list(enumerate(data))
    else:
        if data not in (None, [], {}) and unknown is not None:
            unknown.append(base_path)
        return out
    for k, entry in items:
        if table.model is not None and entry is not None and not isinstance(entry, dict):
            entry = _normalise(table, entry)
            if entry is None:
                if unknown is not None:
                    unknown.append((*base_path, k))
                continue
        if table.subkey and isinstance(entry, dict):
            for sub, value in entry.items():
                rows.append(OutRow(ident=len(rows) + 1, parent=base_ident, key=str(k),
                                   subkey=str(sub), data=value))
            continue
        ident = len(rows) + 1
        row = OutRow(ident=ident, parent=base_ident, data=entry)
        if table.mode == "dict":
            row.key = str(k)
            ident = row.key
        rows.append(row)
        if unknown is not None and not table.scalar_value:
            extra_paths(table, entry, (*base_path, k), unknown)
        for child in table.children:
            collect_rows(child, get_path(entry, child.rel), ident, out, unknown,
                         (*base_path, k, *child.rel))
    return out


def _normalise(table: Table, entry: Any) -> dict[str, Any] | None:
    """An entry written in a short form (``P1: 符合`` for ``P1: {met: 符合}``) as the full
    mapping its model makes of it; ``None`` when the model does not accept it."""
    from pydantic import ValidationError

    assert table.model is not None
    try:
        return table.model.model_validate(entry).model_dump(mode="python", exclude_none=True)
    except ValidationError:
        return None


def extra_paths(table: Table, entry: Any, base: tuple[Any, ...],
                unknown: list[tuple[Any, ...]]) -> None:
    """Data inside ``entry`` that no column or child table takes."""
    known = {leaf.path for leaf in table.leaves} | {child.rel for child in table.children}
    _unknown_in(entry, (), known, base, unknown)


def _unknown_in(data: Any, rel: tuple[str, ...], known: set[tuple[str, ...]],
                base: tuple[Any, ...], unknown: list[tuple[Any, ...]]) -> None:
    if rel in known:
        return
    if isinstance(data, dict) and any(k[: len(rel)] == rel and len(k) > len(rel) for k in known):
        for k, v in data.items():
            _unknown_in(v, (*rel, str(k)), known, base, unknown)
        return
    if data not in (None, [], {}, ""):
        unknown.append((*base, *rel))
