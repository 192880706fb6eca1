"""The speed-ups of issue 8 change how things are computed, never what comes out: each fast
path is compared here with the straightforward way it replaced."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]


# -- DOCX tables: rows written as XML == rows built cell by cell with python-docx ------------
def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _cant_split(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert(0, el)


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _fill(cell, value, *, style: str, align, bold: bool, size, keep_next: bool = False) -> None:
    """Fill a python-docx cell paragraph by paragraph, the plain way."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from docx.shared import Twips

    from greenmine_docs.docx.styles import TABLE_SIZE
    from greenmine_docs.docx.tables import LINE_PITCH_EM, cell_text
    from greenmine_docs.docx.text import add_text, set_style

    def para(par, text):
        set_style(par, style)
        if keep_next:
            par.paragraph_format.keep_with_next = True
        # exactly (lineRule "exact" for a length)
        par.paragraph_format.line_spacing = Twips(round((size or TABLE_SIZE) * LINE_PITCH_EM * 20))
        if align:
            par.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
        add_text(par, text, bold=bold or None, size=size)

    lines = cell_text(value).split("\n")
    para(cell.paragraphs[0], lines[0])
    for line in lines[1:]:
        para(cell.add_paragraph(), line)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _reference_table(container, header, rows, *, widths_mm=None, aligns=None,
                     total_width_mm=None, font_size=None, header_fill="F2F2F2",
                     keep_with_next=()):
    """The former add_table: python-docx calls for every row, merge and cell property."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    from greenmine_docs.docx import tables as t

    header_rows = [list(header)] if header and not isinstance(header[0], (list, tuple)) \
        else [list(r) for r in header]
    ncols = max(sum(c.span if isinstance(c, t.Cell) else 1 for c in r)
                for r in [*header_rows, *rows])
    widths = t.fit_widths(widths_mm, ncols, total_width_mm or t.TYPE_WIDTH_MM)
    table = container.add_table(rows=0, cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    t._set_borders(table)
    t._table_width(table, sum(widths))
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for head, group in ((True, header_rows), (False, rows)):
        for index, values in enumerate(group):
            keep = not head and index in keep_with_next
            row = table.add_row()
            _cant_split(row)
            if head:
                _repeat_header(row)
            col, cells = 0, row.cells
            for value in values:
                opts = value if isinstance(value, t.Cell) else t.Cell(value)
                span = max(1, min(opts.span, ncols - col))
                cell = cells[col]
                if span > 1:
                    cell = cell.merge(cells[col + span - 1])
                    cells = row.cells
                for i in range(col, col + span):
                    cells[i].width = Mm(widths[i])
                cell.width = Mm(sum(widths[col:col + span]))
                if head:
                    if header_fill:
                        _shade(cell, header_fill)
                    _fill(cell, opts.text, style="Table Heading", align=opts.align or "center",
                            bold=opts.bold, size=font_size)
                else:
                    default = (aligns[col] if aligns and col < len(aligns) else
                               ("right" if isinstance(opts.text, (int, float)) else "left"))
                    _fill(cell, opts.text, style="Table Text", align=opts.align or default,
                          bold=opts.bold, size=font_size, keep_next=keep)
                col += span
            for i in range(col, ncols):
                _fill(cells[i], "", style="Table Text", align=None, bold=False, size=font_size)
                cells[i].width = Mm(widths[i])
    return table


TABLE_CASES = [
    (["序号", "名称", "金额"],
     [[1, "道路<&>\"'", 12.5], ["合计", 3.0], ["a\nb"], [None, True, 1234567.891],
      ["\t x\ry ", "\u3000全角", " "]],
     dict(widths_mm=[10, 50, 20], font_size=9)),
    ([["多", "行表头", ""], ["a", "b", "c"]], [["1", "2", "3"]],
     dict(aligns=["center", "left", "right"], font_size=10.5, header_fill=None)),
    ([], [["x", "y", "z"]], dict(total_width_mm=100)),
]


@pytest.mark.parametrize("make_doc", ["official", "plain"])
@pytest.mark.parametrize("case", range(len(TABLE_CASES) + 1))
def test_fast_table_rows_equal_python_docx_rows(make_doc: str, case: int) -> None:
    from docx import Document

    from greenmine_docs.docx.document import new_document
    from greenmine_docs.docx.tables import Cell, add_table

    if case < len(TABLE_CASES):
        header, rows, kw = TABLE_CASES[case]
    else:  # spans, bold, alignment
        header, rows, kw = (["a", Cell("bc", span=2)],
                            [[Cell("合计", span=2, bold=True, align="right"), 3],
                             [Cell("整行", span=3, bold=True)], ["短行"]],
                            dict(font_size=9, keep_with_next=(1,)))
    make = new_document if make_doc == "official" else Document
    d1, d2 = make(), make()
    _reference_table(d1, header, rows, **kw)
    add_table(d2, header, rows, **kw)
    assert etree.tostring(d1.element.body) == etree.tostring(d2.element.body)


def test_remembered_rows_tell_equal_values_of_other_types_apart() -> None:
    """Rows are remembered by their values (the same rows come back in every mine); ``1000``,
    ``1000.0`` and ``True == 1`` are equal keys but different cells, and a value that cannot
    be a key is written all the same."""
    from greenmine_docs.docx.document import new_document
    from greenmine_docs.docx.tables import Cell, add_table

    for rows in ([[1000, 1, Cell(1000, bold=True)]], [[1000.0, True, Cell(1000.0, bold=True)]],
                 [[1000, 1, Cell(1000, bold=True)]], [[["列表"], Cell(["值"]), 2.5]]):
        d1, d2 = new_document(), new_document()
        _reference_table(d1, ["a", "b", "c"], rows, font_size=9)
        add_table(d2, ["a", "b", "c"], rows, font_size=9)
        assert etree.tostring(d1.element.body) == etree.tostring(d2.element.body), rows


def test_cell_is_made_as_the_frozen_dataclass_would_make_it() -> None:
    """``Cell`` sets its fields itself (faster than the dataclass's ``__init__``): the same
    fields, defaults, equality, hash, repr, and still frozen."""
    import dataclasses
    from typing import Any

    from greenmine_docs.docx.tables import Cell

    @dataclasses.dataclass(frozen=True)
    class Plain:
        text: Any = ""
        span: int = 1
        bold: bool = False
        align: str | None = None

    for args, kw in [((), {}), (("合计",), {}), (("a", 2), {"align": "right"}),
                     ((3.5, 1, True, "center"), {}), ((), {"bold": True, "text": None})]:
        cell, plain = Cell(*args, **kw), Plain(*args, **kw)
        assert dataclasses.astuple(cell) == dataclasses.astuple(plain)
        assert repr(cell).partition("(")[2] == repr(plain).partition("(")[2]
        assert cell == Cell(*args, **kw) and hash(cell) == hash(Cell(*args, **kw))
        assert dataclasses.replace(cell, span=4).span == 4
        with pytest.raises(dataclasses.FrozenInstanceError):
            cell.text = "x"  # type: ignore[misc]
    assert Cell("a") != Cell("b") and Cell("a", bold=True) != Cell("a")
    with pytest.raises(TypeError):
        Cell("a", 1, False, None, "extra")  # type: ignore[call-arg]


def test_fast_table_refuses_control_characters_like_python_docx() -> None:
    from greenmine_docs.docx.document import new_document
    from greenmine_docs.docx.tables import add_table

    with pytest.raises(ValueError, match="XML compatible"):
        add_table(new_document(), ["a"], [["x\x01y"]])


# -- openpyxl styles set by index == styles set by assignment ------------------------------
def test_style_cell_writes_the_same_workbook_as_plain_assignments() -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from greenmine_docs.xlsx.write import style_cell

    thin = Side(style="thin", color="000000")
    styles = [dict(font=Font(name="宋体", size=10), border=Border(left=thin, right=thin)),
              dict(font=Font(name="黑体", size=10, bold=True), alignment=Alignment(wrap_text=True),
                   fill=PatternFill("solid", fgColor="D9E2F3")),
              dict(fill=PatternFill("solid", fgColor="EDEDED"))]
    equal_font = Font(name="宋体", size=10)  # equal value, other object: same index
    out = []
    for fast in (False, True):
        wb = Workbook()
        ws = wb.active
        for r in range(1, 30):
            for c in range(1, 6):
                cell = ws.cell(row=r, column=c, value=f"{r}-{c}")
                st = dict(styles[(r * c) % 3])
                if r % 7 == 0:
                    st["font"] = equal_font
                if fast:
                    style_cell(cell, **st)
                else:
                    for k in ("border", "fill", "alignment", "font"):
                        if k in st:
                            setattr(cell, k, st[k])
                if r % 5 == 0:
                    cell.number_format = "0.00"
        buf = io.BytesIO()
        wb.save(buf)
        import zipfile

        z = zipfile.ZipFile(buf)
        out.append({n: z.read(n) for n in z.namelist() if "docProps" not in n})
    assert out[0] == out[1]


# -- a blank official document: built once, opened many times --------------------------------
def test_new_document_copies_are_independent_and_equal_to_a_fresh_build() -> None:
    from greenmine_docs.docx import document as d

    a = d.new_document(landscape=True, odd_even=False)
    b = d.new_document(landscape=True, odd_even=False)
    fresh = d._build(fonts=d.DEFAULT_FONTS, page_numbers=True, cover=False, landscape=True,
                     odd_even=False)
    a.add_paragraph("只在 a 中")
    assert "只在 a 中" not in etree.tostring(b.element.body, encoding="unicode")
    assert etree.tostring(b.element) == etree.tostring(fresh.element)
    assert etree.tostring(b.styles.element) == etree.tostring(fresh.styles.element)


# -- plan outline: parsed once per file version -------------------------------------------
def test_outline_cache_follows_the_file(tmp_path: Path) -> None:
    from greenmine_docs.documents.plan.outline import default_outline_path, load_outline

    assert load_outline() is load_outline()
    own = tmp_path / "outline.yaml"
    own.write_bytes(default_outline_path().read_bytes())
    first = load_outline(own)
    assert load_outline(own) is first
    text = own.read_text(encoding="utf-8")
    own.write_text(text.replace(f"title: {first.title}", f"title: {first.title}（修订）", 1),
                   encoding="utf-8")
    later = time.time() + 5
    os.utime(own, (later, later))
    second = load_outline(own)
    assert second is not first and second.title == first.title + "（修订）"


# -- raw-data walks --------------------------------------------------------------------------
def _reference_strings(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _reference_strings(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _reference_strings(v, (*path, i))
    elif isinstance(data, str):
        yield path, data


def test_string_walk_keeps_document_order() -> None:
    from greenmine_docs.load.raw_rules import _strings
    from greenmine_docs.load.yaml_input import read_yaml

    raw = read_yaml(ROOT / "examples" / "shanxi-limestone" / "mine.yaml")
    assert list(_strings(raw.data)) == list(_reference_strings(raw.data))
    odd = {"a": [], "b": {}, "c": [["x", {"d": "y"}], 1, None, "z"], "e": "w"}
    assert list(_strings(odd)) == list(_reference_strings(odd))
    assert list(_strings("text", ("p",))) == [(("p",), "text")]


def test_placeholder_and_control_character_checks_still_fire(tmp_path: Path) -> None:
    from greenmine_docs.api import load

    text = (ROOT / "examples" / "shanxi-limestone" / "mine.yaml").read_text(encoding="utf-8")
    text = text.replace("legal_representative: 韩志远", "legal_representative: 某某", 1)
    text = text.replace("economic_type: 有限责任公司", 'economic_type: "有限\\x07责任公司"', 1)
    f = tmp_path / "mine.yaml"
    f.write_text(text, encoding="utf-8")
    loaded = load(f)
    codes = {x.code for x in loaded.report.findings}
    assert {"GM-E120", "GM-W701"} <= codes
    assert loaded.raw.data["enterprise"]["economic_type"] == "有限责任公司"


# -- the benchmark's context functions render what the documents render ---------------------
def _body_text(data: bytes) -> list[str]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs]


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_context_functions_are_what_render_uses(kind: str) -> None:
    from docxtpl import DocxTemplate
    from docxtpl.subdoc import Subdoc
    from markupsafe import Markup

    from greenmine_docs.api import check, load
    from greenmine_docs.documents.assessment.document import render_report, report_context
    from greenmine_docs.documents.plan.document import default_template, plan_context, render_plan
    from greenmine_docs.render.jinja_env import make_env
    from greenmine_docs.resources import template_path

    ctx = check(load(ROOT / "examples" / "shanxi-limestone" / "mine.yaml"))
    if kind == "plan":
        ours, path, build = render_plan(ctx), default_template(), plan_context
    else:
        ours = render_report(ctx)
        path, build = template_path("third_party_report", "report.docx"), report_context
    tpl = DocxTemplate(str(path))
    # stock docxtpl inserts a subdocument as its XML text (our sandbox takes no objects)
    context = {k: Markup(v.__html__()) if isinstance(v, Subdoc) else v
               for k, v in build(ctx, tpl).items()}
    tpl.render(context, jinja_env=make_env())
    buf = io.BytesIO()
    tpl.save(buf)
    assert _body_text(buf.getvalue()) == _body_text(ours)
