"""Compare two workbooks as openpyxl reads them: every cell's value, type and style, merged
ranges, data validations, row heights, columns, print setup and sheet properties. Used to show
that a fast writer's output equals the plain openpyxl one (``tests/test_xlsx_fill.py``)."""
from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook


def _style(cell: Any, cache: dict) -> tuple:
    """The cell's whole style as text (computed once per distinct style of a workbook)."""
    key = tuple(cell._style)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = (cell.number_format, repr(cell.font), repr(cell.fill),
                            repr(cell.border), repr(cell.alignment), repr(cell.protection))
    return hit


def _value(cell: Any) -> Any:
    v = cell.value
    return (type(v).__name__, str(v) if type(v).__name__ == "CellRichText" else v,
            [(repr(b.font), b.text) for b in v if hasattr(b, "font")]
            if type(v).__name__ == "CellRichText" else None)


def sheet_facts(ws: Any) -> dict[str, Any]:
    cells, styles = {}, {}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        for c in row:
            if c.value is None and not c.has_style:
                continue
            cells[c.coordinate] = (_value(c), c.data_type, _style(c, styles))
    dvs = sorted((str(d.sqref), d.type, d.formula1, d.formula2, d.allow_blank, d.showErrorMessage,
                  d.showInputMessage, d.errorTitle, d.error, d.promptTitle, d.prompt,
                  d.operator, d.showDropDown) for d in ws.data_validations.dataValidation)
    rows = {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items()
            if d.height is not None or d.hidden}
    cols = {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()}
    ps = ws.page_setup
    return {
        "title": ws.title, "state": ws.sheet_state, "dimensions": ws.dimensions,
        "cells": cells, "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "validations": dvs, "rows": rows, "cols": cols,
        "freeze": ws.freeze_panes, "print_titles": ws.print_title_rows,
        "print_area": ws.print_area,
        "page_setup": (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight),
        "fit": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr
        else None,
        "centered": ws.print_options.horizontalCentered,
        "margins": repr(ws.page_margins),
        "header_footer": [(p.text, p.font, p.size, p.color) for hf in (ws.oddHeader, ws.oddFooter)
                          for p in (hf.left, hf.center, hf.right)],
        "zoom": ws.sheet_view.zoomScale,
    }


def workbook_facts(data: bytes) -> dict[str, Any]:
    wb = load_workbook(io.BytesIO(data), rich_text=True)
    return {"sheets": [sheet_facts(ws) for ws in wb.worksheets], "active": wb.active.title,
            "names": sorted(wb.defined_names), "title": wb.properties.title,
            "creator": wb.properties.creator}


def assert_same_workbook(a: bytes, b: bytes) -> None:
    fa, fb = workbook_facts(a), workbook_facts(b)
    assert [s["title"] for s in fa["sheets"]] == [s["title"] for s in fb["sheets"]]
    for sa, sb in zip(fa["sheets"], fb["sheets"]):
        for key in sa:
            if key == "cells":
                assert sa["cells"].keys() == sb["cells"].keys(), sa["title"]
                for ref in sa["cells"]:
                    assert sa["cells"][ref] == sb["cells"][ref], (sa["title"], ref)
            else:
                assert sa[key] == sb[key], (sa["title"], key)
    for key in ("active", "names", "title", "creator"):
        assert fa[key] == fb[key], key
