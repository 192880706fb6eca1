"""Tables, their grids and their rows' heights are remembered by the rows' keys (most tables of
a mine are those of a mine before): what a remembered answer gives is what computing it anew
gives, whatever came before — equal values of other types, other options, values that cannot
be a key."""
from __future__ import annotations

import pytest
from lxml import etree

from greenmine_docs.docx import page_cursor, tables
from greenmine_docs.docx.page_cursor import TablePaging, least_row_pt
from greenmine_docs.docx.tables import (Cell, KeyedRows, add_table, keyed_row_heights,
                                        row_heights, row_key, table_grid)

HEADER = ["编号", "内容", "分值"]
ROWS = [["1", "矿区道路硬化", 1000], [Cell("合计", span=2, bold=True, align="right"), 10.5]]
# each differs from the one before in one thing a key must tell apart
VARIANTS = [
    (HEADER, ROWS, {}),
    (HEADER, [["1", "矿区道路硬化", 1000.0], ROWS[1]], {}),  # 1000 and 1000.0: equal keys
    (HEADER, [["1", "矿区道路硬化", 1], ROWS[1]], {}),
    (HEADER, [["1", "矿区道路硬化", True], ROWS[1]], {}),  # and True == 1
    (HEADER, [ROWS[0], [Cell("合计", span=2, align="right"), 10.5]], {}),
    (HEADER, [ROWS[0], [Cell(1000, span=2), 10.5]], {}),
    (HEADER, [ROWS[0], [Cell(1000.0, span=2), 10.5]], {}),
    (HEADER, [ROWS[0], [Cell(1000.0, span=2, bold=True), 10.5]], {}),
    (HEADER, ROWS, {"widths_mm": [10, 30, 10]}),
    (HEADER, ROWS, {"widths_mm": [10, 30, 12]}),
    (HEADER, ROWS, {"aligns": ["center", "left", "right"]}),
    (HEADER, ROWS, {"header_fill": None}),
    (HEADER, ROWS, {"font_size": 9}),
    (HEADER, ROWS, {"keep_with_next": range(1)}),
    (HEADER, [ROWS[0], ["", "", 1]], {"merges": [(0, 1, 0)]}),
    (HEADER, [ROWS[0], ["", "", 1]], {"merges": [(0, 1, 1)]}),
    (HEADER, ROWS, {"row_height_mm": 8}),
    (HEADER, ROWS, {"total_width_mm": 120}),
    ([HEADER, ["a", "b", "c"]], ROWS, {}),  # two header rows
    ([], ROWS, {}),
    (HEADER, [[["列表"], Cell(["值"]), 2.5]], {}),  # not a key: made as it is
]


def test_a_cells_key_is_its_fields_with_their_types() -> None:
    """row_key holds a Cell as its fields and their types, whichever way the Cell was made
    (dataclasses.replace, a copy, pickling); equality and repr stay the fields'."""
    import copy
    import dataclasses
    import pickle

    cell = Cell(1000, span=2, bold=True, align="right")
    made = [cell, dataclasses.replace(Cell("x"), text=1000, span=2, bold=True, align="right"),
            copy.copy(cell), copy.deepcopy(cell), pickle.loads(pickle.dumps(cell))]
    for other in made:
        assert row_key([other, 1]) == (((1000, int, 2, int, True, "right"), 1), (Cell, int))
        assert other == cell and repr(other) == repr(cell)
    assert row_key([Cell(1000.0, span=2, bold=True, align="right")]) != row_key([cell])
    assert dataclasses.replace(cell, bold=False)._key == (1000, int, 2, int, False, "right")


def _forget() -> None:
    for memo in (tables._TABLES, tables._ROWS, tables._SHAPES, tables._HEIGHTS, tables._GRIDS,
                 page_cursor._MEASURED, page_cursor._LEAST):
        memo.clear()
    tables._frame.cache_clear()


def _table_xml(make_doc: str, header, rows, options) -> bytes:
    from docx import Document

    from greenmine_docs.docx import islands
    from greenmine_docs.docx.document import new_document

    doc = new_document() if make_doc != "plain" else Document()
    if make_doc == "islands":
        islands.enable(doc.part)
    add_table(doc, header, rows, **options)
    if make_doc == "islands":
        islands.materialize(doc.part, doc.element.body)
    return etree.tostring(doc.element.body)


@pytest.mark.parametrize("make_doc", ["islands", "official", "plain"])
def test_a_remembered_table_is_the_table_made_anew(make_doc: str) -> None:
    _forget()
    fresh = []
    for header, rows, options in VARIANTS:
        _forget()
        fresh.append(_table_xml(make_doc, header, rows, options))
    for _ in range(2):  # each remembered after the others
        for (header, rows, options), expected in zip(VARIANTS, fresh):
            assert _table_xml(make_doc, header, rows, options) == expected, (rows, options)
    assert len(set(fresh)) == len(fresh)  # the variants are all different tables


def test_rows_of_a_shape_forgotten_are_never_those_of_another(monkeypatch) -> None:
    """A row's memo entry holds its table shape's number: a shape forgotten and met again gets
    a new one, never the number of another shape."""
    fresh = []
    for header, rows, options in VARIANTS:
        _forget()
        fresh.append(_table_xml("islands", header, rows, options))
    monkeypatch.setattr(tables, "SHAPES_KEPT", 2)
    _forget()
    for _ in range(2):
        for (header, rows, options), expected in zip(VARIANTS, fresh):
            tables._TABLES.clear()  # (the rows made from the rows' memo)
            assert _table_xml("islands", header, rows, options) == expected, (rows, options)
    assert len(tables._SHAPES) <= 2


def test_a_table_in_a_cell_is_the_table_made_anew() -> None:
    from greenmine_docs.docx.document import new_document

    def made() -> bytes:
        doc = new_document()
        cell = doc.add_table(rows=1, cols=1).cell(0, 0)
        add_table(cell, HEADER, ROWS, widths_mm=[10, 30, 10])
        return etree.tostring(cell._tc)

    _forget()
    first = made()
    assert made() == first and b"<w:tblHeader" in first


def _plain_paging(header, rows, widths_mm, total, size, page) -> TablePaging:
    header_rows, _, widths = table_grid(header, rows, widths_mm, total)
    return TablePaging(header_rows, rows, widths, size, page)


def test_remembered_paging_is_the_paging_measured_anew() -> None:
    long = [[str(i), "甲" * (i * 7 % 90), Cell(i % 3 == 0, align="center")] for i in range(60)]
    _forget()
    for _ in range(2):
        for header, rows, options in [*VARIANTS, (HEADER, long, {})]:
            if options:
                continue
            for widths, size, page in [(None, 10.5, 500.0), ([10, 60, 10], 9, 300.0)]:
                fast = TablePaging.of(header, rows, widths, 150.0, size, page)
                plain = _plain_paging(header, rows, widths, 150.0, size, page)
                assert (fast.header_rows, fast.widths) == (plain.header_rows, plain.widths)
                assert list(fast.heights) == row_heights(rows, plain.widths, size)
                assert fast.head == plain.head
                for first in (None, 100.0):
                    assert fast.parts(first) == plain.parts(first)
                for part, _ in fast.parts(80.0):
                    assert part.row_keys == tuple(map(row_key, part))  # type: ignore[attr-defined]
                    assert fast.least_pt(part) == sum(
                        least_row_pt(r, plain.widths, size) for r in [*plain.header_rows, *part])


def test_heights_tell_equal_values_of_other_types_apart() -> None:
    _forget()
    narrow = [12.0, 12.0]
    for rows in ([[True, 1]], [[1, 1]], [[1.0, True]]):
        fast = TablePaging.of(["a", "b"], rows, narrow, 24.0, 10.5, 500.0)
        assert list(fast.heights) == row_heights(rows, fast.widths, 10.5)
        assert fast.least_pt(rows) == sum(least_row_pt(r, fast.widths, 10.5)
                                          for r in [["a", "b"], *rows])


@pytest.mark.parametrize("grids_kept", [256, 1])
def test_remembered_row_heights_are_the_heights_measured_anew(monkeypatch, grids_kept) -> None:
    """Rows' heights remembered by their keys (keyed_row_heights) are those measured anew, for
    rows that differ only in a value's type, other widths, another size, a row that cannot be a
    key; a grid forgotten and met again is never taken for another."""
    monkeypatch.setattr(tables, "GRIDS_KEPT", grids_kept)
    rows = [row for _, variant, _ in VARIANTS for row in variant]
    _forget()
    for _ in range(2):  # measured, then remembered
        for widths, size in [([12.0, 12.0, 60.0], 10.5), ([12.0, 12.0, 60.0], 9.0),
                             ([30.0, 6.0, 12.0], 10.5)]:
            keys = [row_key(r) for r in rows]
            assert keyed_row_heights(rows, keys, widths, size) == row_heights(rows, widths, size)


def test_paged_parts_carry_their_rows_keys() -> None:
    """paged_parts hands out its parts with their rows' keys (the first row of a part after the
    first repeats the labels of the merges it continues: its own key), and the parts are those
    of the rows measured anew."""
    rows = [[str(i), Cell("组" if i % 9 == 0 else "", align="center"), "甲" * (i * 7 % 90)]
            for i in range(60)]
    merges = [(i, min(i + 8, 59), 1) for i in range(0, 60, 9)]
    options = {"merges": merges, "page_pt": 300.0, "first_page_pt": 200.0,
               "widths_mm": [10, 20, 60]}
    _forget()
    fresh = tables.paged_parts(HEADER, rows, **options)
    assert len(fresh) > 2
    for parts in (fresh, tables.paged_parts(HEADER, rows, **options)):
        assert parts == fresh
        for part, _ in parts:
            assert part.row_keys == tuple(map(row_key, part))


@pytest.mark.parametrize("make_doc", ["islands", "plain"])
def test_rows_with_their_keys_make_the_table_rows_without_them_make(make_doc: str) -> None:
    """The parts of a table the Writer gets from its paging carry their rows' keys
    (KeyedRows): add_table takes them, and writes what it writes for the plain rows."""
    for header, rows, options in VARIANTS:
        _forget()
        plain = _table_xml(make_doc, header, rows, options)
        _forget()
        keyed = KeyedRows(rows, [row_key(r) for r in rows])
        assert _table_xml(make_doc, header, keyed, options) == plain
        assert _table_xml(make_doc, header, rows, options) == plain  # remembered either way


def test_every_option_of_add_table_is_among_the_variants_a_key_must_tell_apart() -> None:
    """A new keyword of :func:`add_table` that the memo's key (``tables._Options``) misses would
    give back a table remembered for other options: a new keyword must get a variant above, so
    that the tests before check the memo tells it apart."""
    import inspect

    keywords = {name for name, p in inspect.signature(add_table).parameters.items()
                if p.kind is p.KEYWORD_ONLY}
    assert keywords == {name for _, _, options in VARIANTS for name in options}
