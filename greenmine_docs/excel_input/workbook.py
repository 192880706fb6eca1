"""The one-mine input workbook: write it (blank template or filled from data) and read it back
into a :class:`~greenmine_docs.rawinput.RawInput` with a cell for every field."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..findings import Finding, Location, make
from ..rawinput import RawInput, dotted
from ..xlsx.cells import column_letter
from ..collector import gc_paused
from ..xlsx.read import XlsxFile
from ..xlsx.write import new_workbook, save_workbook
from .forms import form_keys, read_form, write_form
from .grid import Grid, ReadContext, grid_loader
from .instructions import write_instructions
from .layout import (INSTRUCTIONS_SHEET, LISTS_SHEET, META_SHEET, MINES_SHEET, Form, Layout,
                     Leaf, Table, input_layout)
from .positions import LazyPositions
from .sheetwrite import write_table_sheet
from .styles import needs_list_sheet
from .tables import (TableRead, _unknown_in, collect_rows, get_path, machine_key,
                     place, place_children, read_table)

WORKBOOK_KIND = "greenmine-input-workbook"
MARKER_KEY = "greenmine.workbook"
LAYOUT_VERSION = 1
MARKER = Leaf(path=(MARKER_KEY,), key=MARKER_KEY, label="工作簿类型", kind="str")


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------
def plain_data(data: Any) -> Any:
    """Accept a validated ``Submission`` as well as YAML-shaped plain data."""
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="python", exclude_none=True)
    return data


def render_workbook(data: Any = None, *, layout: Layout | None = None
                    ) -> tuple[bytes, list[Finding]]:
    """The input workbook as bytes (blank when ``data`` is None) and warnings about data that
    has no place in it. ``layout`` defaults to the one of ``Submission``."""
    layout = layout or input_layout()
    data = plain_data(data)
    findings: list[Finding] = []
    if data is not None and not isinstance(data, dict):
        raise InputError("要写入工作簿的数据不是“字段: 值”的映射。",
                         hint="输入文件的最外层应为 campaign、enterprise 等字段。")
    wb = new_workbook()
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    schema_version = (data or {}).get("schema_version") or _default_schema_version()
    write_instructions(ws, layout, schema_version if isinstance(schema_version, int) else 1)
    list_refs = lists_sheet(wb, [leaf for s in layout.sheets() for leaf in s.leaves])
    warnings: list[tuple[tuple[Any, ...], str]] = []
    unknown: list[tuple[Any, ...]] = []
    rows_by_table: dict[str, list[Any]] = {}
    for table in layout.tables:
        collect_rows(table, get_path(data, table.rel) if data else None, None, rows_by_table,
                     unknown, table.rel)
    for item in layout.order:
        if isinstance(item, Form):
            write_form(wb.create_sheet(item.sheet), item, data, list_refs, warnings)
        else:
            for table in item.walk():
                write_table_sheet(wb.create_sheet(table.sheet), table,
                                  rows_by_table.get(table.key, []), list_refs,
                                  warnings=warnings)
    meta = wb.create_sheet(META_SHEET)
    meta_form = Form(sheet=META_SHEET, path=(), title="程序用信息（勿改）", description="",
                     leaves=[MARKER, *layout.meta])
    write_form(meta, meta_form, {MARKER_KEY: WORKBOOK_KIND, **(data or {})}, list_refs, warnings)
    meta.sheet_state = "hidden"
    if data:
        known = {leaf.path for form in layout.forms for leaf in form.leaves}
        known |= {leaf.path for leaf in layout.meta} | {t.rel for t in layout.tables}
        _unknown_in(data, (), known, (), unknown)
    for path in unknown:
        findings.append(make("GM-W153", f"“{dotted(path)}”在工作簿中没有对应的单元格，转换时略过。",
                             location=Location(path=dotted(path))))
    for path, text in warnings:
        findings.append(make("GM-W154", f"列表项“{text}”中含有“；”，读回时会被拆成多项。",
                             location=Location(path=".".join(str(p) for p in path))))
    wb.active = 0
    return save_workbook(wb, shared_strings=True), findings


def _default_schema_version() -> int:
    from ..model import SCHEMA_VERSION

    return SCHEMA_VERSION


def lists_sheet(wb: Any, leaves: list[Leaf]) -> dict[tuple[str, ...], str]:
    """Long or comma-containing dropdown lists live in a hidden sheet, referenced by range
    (written row by row, so it also works in write-only workbooks)."""
    lists: list[tuple[str, ...]] = []
    for leaf in leaves:
        if leaf.dropdown and needs_list_sheet(leaf.dropdown) and leaf.dropdown not in lists:
            lists.append(leaf.dropdown)
    if not lists:
        return {}
    ws = wb.create_sheet(LISTS_SHEET)
    for r in range(max(len(values) for values in lists)):
        ws.append([values[r] if r < len(values) else None for values in lists])
    ws.sheet_state = "hidden"
    return {values: f"{LISTS_SHEET}!${column_letter(i)}$1:${column_letter(i)}${len(values)}"
            for i, values in enumerate(lists, start=1)}


def write_workbook(data: Any, path: str | Path, *, force: bool = False,
                   inputs: tuple[Path, ...] = ()) -> list[Finding]:
    """Write ``data`` (YAML-shaped dict or ``Submission``) as a filled-in input workbook."""
    from ..outputs import write_bytes_atomic

    content, findings = render_workbook(data)
    write_bytes_atomic(Path(path), content, force=force, inputs=inputs)
    return findings


def write_template(path: str | Path, *, force: bool = False) -> Path:
    """Write the blank input workbook."""
    from ..outputs import write_bytes_atomic

    content, _ = render_workbook(None)
    return write_bytes_atomic(Path(path), content, force=force)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def read_workbook(path: str | Path, *, layout: Layout | None = None) -> RawInput:
    """Read a filled-in input workbook. Raises :class:`InputError` when the file is not an
    .xlsx workbook or not an input workbook at all; everything else becomes findings."""
    path = Path(path)
    with XlsxFile(path) as xlsx, gc_paused():
        return _read(xlsx, path, layout or input_layout())


def _read(xlsx: XlsxFile, path: Path, layout: Layout) -> RawInput:
    ctx = ReadContext(source=path, date1904=xlsx.date1904)
    sheets: list[Form | Table] = layout.sheets()
    names = {s.sheet for s in sheets}
    present = {info.name for info in xlsx.sheets}
    grid = grid_loader(xlsx)

    extra = [info.name for info in xlsx.sheets
             if info.name not in names and info.name not in (INSTRUCTIONS_SHEET, META_SHEET,
                                                             LISTS_SHEET)]
    where: dict[str, str] = {}  # expected sheet name -> sheet actually read
    for s in sheets:
        if s.sheet in present:
            where[s.sheet] = s.sheet
    if MINES_SHEET in present and not any(f.sheet in present for f in layout.forms):
        _not_an_input_workbook(path, present)  # a mines table (its columns carry form keys)
    missing = [s for s in sheets if s.sheet not in where]
    if missing and extra:
        _find_renamed(ctx, missing, extra, grid, where)
    if not where:
        _not_an_input_workbook(path, present)
    for sheet_name in extra:
        if sheet_name not in where.values():
            ctx.finding("GM-I150", f"工作表“{sheet_name}”不属于输入模板，已忽略。", sheet_name)
    data: dict[str, Any] = {}
    positions: dict[tuple[Any, ...], Location] = {}
    if META_SHEET in present:
        read_form(ctx, grid(META_SHEET), [MARKER, *layout.meta], data, positions)
        data.pop(MARKER_KEY, None)
        positions.pop((MARKER_KEY,), None)
    for s in sheets:
        if s.sheet not in where:
            _missing(ctx, s)
    for form in layout.forms:
        name = where.get(form.sheet)
        if name is None:
            continue
        positions.setdefault(form.path, Location(file=ctx.file, sheet=name))
        read_form(ctx, grid(name), form.leaves, data, positions)
    reads: dict[str, TableRead] = {}
    for table in layout.all_tables():
        name = where.get(table.sheet)
        if name is not None:
            read = read_table(ctx, grid(name), table)
            if read is not None:
                reads[table.key] = read
    anchors: dict[tuple[Any, ...], Any] = {}
    for table in layout.tables:
        read = reads.get(table.key)
        if read is None:
            continue
        ids = place(ctx, read, data, (), anchors, ctx.findings)
        place_children(ctx, reads, table, ids, read.ref)
    lazy = LazyPositions(ctx.file, anchors)
    for key, loc in lazy.items():
        positions.setdefault(key, loc)
    return RawInput(source=path, kind="xlsx", data=data, positions=positions,
                    findings=ctx.findings)


def _find_renamed(ctx: ReadContext, missing: list[Form | Table], extra: list[str], grid: Any,
                  where: dict[str, str]) -> None:
    """A template sheet that was renamed still carries its hidden keys: find it by them."""
    for name in extra:
        g = grid(name)
        keys = _keys_in(g)
        for s in missing:
            if s.sheet in where:
                continue
            wanted = ({leaf.key for leaf in s.leaves} if isinstance(s, Form)
                      else {machine_key(s, n) for n in ("#id", "#key")}
                      | {leaf.key for leaf in s.leaves})
            if keys & wanted:
                where[s.sheet] = name
                ctx.finding("GM-W150", f"没有找到工作表“{s.sheet}”，但工作表“{name}”带有它的隐藏键，"
                                       f"已按“{s.sheet}”读取。", name,
                            hint=f"请把工作表“{name}”改回“{s.sheet}”。")
                break


def _keys_in(g: Grid) -> set[str]:
    keys = form_keys(g)
    for _, cells in g.header_rows(3):
        keys |= {v.strip() for v in cells.values() if isinstance(v, str)}
    return keys


def _missing(ctx: ReadContext, s: Form | Table) -> None:
    if isinstance(s, Form):
        if s.required:
            ctx.finding("GM-E150", f"缺少工作表“{s.sheet}”（{s.title}），其中的必填项都无法读取。",
                        s.sheet, hint=f"从 greenmine excel-template 生成的新模板中复制“{s.sheet}”表"
                                      f"并填写；如果是改了名，请改回“{s.sheet}”。")
        else:
            ctx.finding("GM-I151", f"没有工作表“{s.sheet}”（{s.title}），按未填写处理。", s.sheet)
    elif s.optional:
        ctx.finding("GM-I151", f"没有工作表“{s.sheet}”（{s.title}），按没有记录处理。", s.sheet)
    else:
        ctx.finding("GM-W151", f"没有工作表“{s.sheet}”（{s.title}），按“没有记录”处理。", s.sheet,
                    hint=f"如确有{s.title}，请从新模板中复制“{s.sheet}”表逐行填写；"
                         f"确实没有也请保留该表并留空。")


def _not_an_input_workbook(path: Path, present: set[str]) -> None:
    if MINES_SHEET in present:
        raise InputError(f"{path} 是矿山名录表（每行一个矿山），不是单个矿山的输入工作簿。",
                         hint="批量处理请用 greenmine batch 该文件 -o 输出目录。",
                         location=str(path))
    shown = "、".join(sorted(present)[:6]) or "（无）"
    raise InputError(f"{path} 中没有输入模板的任何工作表（现有：{shown}），"
                     "它不是 greenmine 的输入工作簿。",
                     hint="用 greenmine excel-template -o 输入.xlsx 生成模板，把数据填进去后再试。",
                     location=str(path))


__all__ = ["read_workbook", "render_workbook", "write_template", "write_workbook"]
