"""The self-check record table as a Word document: A4 landscape, the same header block and the
same grouped table as the Excel version (header row repeated on every page, first- and
second-level indicators in vertically merged cells that do not cross a page: the first-level
label is merged over each second-level group; where a page cuts a group, its labels are
written again at the top of the next), the engine's subtotals, totals and conclusion as text,
and the sign-off blocks. Its type area is a whole number of the document grid's lines
(:data:`GRID_ROWS`), which LibreOffice needs to use all of it.

Built with the shared official-layout helpers in :mod:`greenmine_docs.docx` (styles, East
Asian fonts written to ``w:eastAsia``, tables with repeated header rows), its blocks appended as
text (:class:`~greenmine_docs.docx.textdoc.TextBody`) or, for a docxtpl subdocument and as the
reference, as python-docx elements (:class:`~greenmine_docs.docx.textdoc.ElementBody`).
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ...memo import remember
from ...scoring import Status, fmt_points, fmt_ratio, fmt_score
from .core import AUTO_NA_NOTE, COLUMNS, HEADER_FIELDS, NOT_APPLICABLE, TABLE_TITLE, TableData

if TYPE_CHECKING:
    from ...docx.textdoc import Body

TABLE_PT = 9.0  # 小五
MARGIN_MM = 20  # a record table, not body text: narrower margins than GB/T 9704 leave room
WIDTH_MM = 297 - 2 * MARGIN_MM
# LibreOffice sets a page under the document grid (:func:`~greenmine_docs.docx.page.set_doc_grid`)
# in whole grid lines, centred: of the 170 mm between 20 mm margins it used 16 lines (163 mm).
# Top and bottom margins of 18.2 mm make the type area exactly 17 lines, in every reader.
GRID_ROWS = 17
PAGE_HEIGHT_TWIPS = 11906  # A4's short side
SIGN_OFF_PT = 10.5  # 五号: the sign-off blocks are written by hand and stamped
SPACE_AFTER_PT = 8.0  # the gap paragraph between the tables (:func:`_space_after`)
WIDTHS_MM = [13, 17, 17, 52, 11, 14, 44, 27, 27, 21, 14]
HEADER_WIDTHS_MM = [32, 66, 32, 66, 30, 31]


def render_docx(data: TableData) -> bytes:
    """The table as a DOCX: its body written as one XML text into the package of
    :func:`base_document`, made once a process (:mod:`greenmine_docs.docx.textdoc`). The
    bytes are those of :func:`base_document`, :func:`write_body` and ``to_bytes``
    (``tests/test_selfcheck_docx_text.py`` holds the two equal), in about half the CPU time:
    no document copy, no elements inserted, no package serialised."""
    from ...docx.textdoc import TextBody

    skeleton = _skeleton()
    body = TextBody(skeleton.part)
    write_blocks(body, data)
    return skeleton.package(body)


@functools.lru_cache(maxsize=1)
def _skeleton() -> Any:
    """The :class:`~greenmine_docs.docx.textdoc.Skeleton` of :func:`base_document` (the same
    for every table)."""
    from ...docx.textdoc import Skeleton

    return Skeleton(base_document())


def base_document() -> Any:
    """The empty page the table is written on: official styles, A4 landscape, margins, page
    numbers."""
    from ...docx.document import new_document

    from docx.shared import Mm, Twips

    doc = new_document(landscape=True, page_numbers=True, odd_even=False,
                       shared_styles=True)  # (no style of it is ever changed)
    doc.core_properties.title = TABLE_TITLE
    section = doc.sections[0]
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    top, bottom = _top_bottom_twips()
    section.top_margin, section.bottom_margin = Twips(top), Twips(bottom)
    section.footer_distance = Mm(8)
    return doc


def write_body(container: Any, data: TableData) -> None:
    """:func:`write_blocks` as python-docx elements appended to ``container``: the
    :func:`base_document` itself (the reference :func:`render_docx` is held equal to), or a
    docxtpl subdocument of it (the benchmark's baseline)."""
    from ...docx.textdoc import ElementBody

    write_blocks(ElementBody(container), data)


def write_blocks(body: Body, data: TableData) -> None:
    """Title, header block, the table and the sign-off blocks, appended to ``body``."""
    _title(body, data)
    _header_table(body, data)
    _main_table(body, data)
    _sign_off(body, data)


_JC = {"left": "left", "center": "center", "right": "right"}


def _par(body: Body, text: str, *, style: str | None = None, size: float | None = None,
         align: str | None = "left", east_asia: str | None = None,
         line_pt: float | None = None, after_pt: float | None = None) -> None:
    """A paragraph of ``text`` as ``doc.add_paragraph(style=style)`` with its alignment and
    no first-line indent (none with ``align=None``), a run of ``text`` (``add_text``), its
    exact line spacing and space after would be written — as XML, in schema order."""
    from docx.shared import Pt

    from ...docx.text import NO_INDENT, rpr_xml, runs_xml, style_fonts, style_id_of

    part = body.part
    style_id = style_id_of(part, style) if style else None
    if style_id is False:
        raise KeyError(f"no style with name '{style}'")
    ppr = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    if line_pt is not None or after_pt is not None:
        ppr += ("<w:spacing" + (f' w:line="{Pt(line_pt).twips}" w:lineRule="exact"'
                                if line_pt is not None else "")
                + (f' w:after="{Pt(after_pt).twips}"' if after_pt is not None else "") + "/>")
    if align is not None:
        ppr += NO_INDENT + f'<w:jc w:val="{_JC[align]}"/>'
    content: list[str] = []
    if text:
        ea, latin = style_fonts(part, style_id)
        runs_xml(content, text, rpr_xml(east_asia or ea, latin, size))
    body.paragraph(ppr or None, "".join(content), style_id or None)


def _title(body: Body, data: TableData) -> None:
    _par(body, TABLE_TITLE, style="Title", align="center")
    sub = f"评价指标：{data.iset.display_title}"
    _par(body, sub, size=10.5, align="center", east_asia="宋体", line_pt=16)
    if data.iset.reference_notice:
        _par(body, data.iset.reference_notice, size=9, align="center", east_asia="宋体",
             line_pt=14)


def _header_table(body: Body, data: TableData) -> None:
    from ...docx.tables import Cell

    rows = []
    for fields in HEADER_FIELDS:
        row: list[Any] = []
        for key, label in fields:
            row += [Cell(label, bold=True, align="center"), Cell(data.facts.text(key))]
        rows.append(row)
    body.table([], rows, widths_mm=HEADER_WIDTHS_MM, total_width_mm=WIDTH_MM,
               font_size=TABLE_PT)
    _space_after(body)


def _space_after(body: Body) -> None:
    _par(body, "", align=None, line_pt=SPACE_AFTER_PT, after_pt=0)


def _top_bottom_twips() -> tuple[int, int]:
    """Top and bottom margins (twips) that leave a type area of :data:`GRID_ROWS` grid
    lines."""
    from ...docx.page import grid_pitches

    margins = PAGE_HEIGHT_TWIPS - GRID_ROWS * grid_pitches()[0]
    return margins // 2, margins - margins // 2


def page_pt() -> float:
    """Height (pt) of the type area: :data:`GRID_ROWS` grid lines."""
    from ...docx.page import grid_pitches

    return GRID_ROWS * grid_pitches()[0] / 20


def _above_table_pt(data: TableData) -> float:
    """Height of what precedes the main table on the first page: the title (22 pt on 36 pt
    plus 12 pt after), the subtitle lines (16 pt, the notice 14 pt), the header block (its
    rows at their lines' exact pitch) and the gap under it. A line wrapped early here or in
    the table's first part is left room for by the table
    (:func:`~greenmine_docs.docx.tables.paged_parts`)."""
    from ...docx.tables import at_exact_pitch, row_heights

    notice = 14 if data.iset.reference_notice else 0
    rows = [[v for key, label in fields for v in (label, data.facts.text(key))]
            for fields in HEADER_FIELDS]
    header = sum(at_exact_pitch(row_heights(rows, HEADER_WIDTHS_MM, TABLE_PT), TABLE_PT))
    return 48 + 16 + notice + header + SPACE_AFTER_PT


def _main_table(body: Body, data: TableData) -> None:
    from ...docx.tables import Cell

    n = len(COLUMNS)
    header = [title for _, title, _ in COLUMNS]
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int]] = []  # (first data row, last data row, column)
    sc, result = data.self_check, data.result
    if data.iset.prerequisites:
        rows.append([Cell("一、先决条件（任何一项“不符合”，自查结论即为不达标）", span=n, bold=True,
                          align="left")])
        for pre in data.iset.prerequisites:
            ruling = sc.prerequisites.get(pre.id) if sc else None
            met = "" if ruling is None or ruling.met is None else ("符合" if ruling.met else "不符合")
            rows.append([Cell(pre.id, align="center"), Cell(pre.text, span=3, align="left"),
                         Cell("否决", align="center"), Cell(met, align="center", bold=True),
                         Cell(data.prerequisite_situation(pre.id), span=5, align="left")])
    sec = "二、" if data.iset.prerequisites else "一、"
    fixed = _set_cells(data.iset)
    rows.append([Cell(f"{sec}评价指标自查评分（满分{fmt_points(data.iset.total_points)}分）",
                      span=n, bold=True, align="left")])
    for cat in data.iset.categories:
        c_res = next((c for c in result.categories if c.category.id == cat.id), None) \
            if result else None
        for grp in cat.groups:
            g_first = len(rows)
            g_res = next((g for g in c_res.groups if g.group.id == grp.id), None) \
                if c_res else None
            for item in grp.items:
                entry = sc.items.get(item.id) if sc else None
                r = result.items.get(item.id) if result else None
                na_by_set = data.mine is not None and not item.applies(data.mine)
                if na_by_set or (r is not None and r.status is Status.NOT_APPLICABLE):
                    shown = NOT_APPLICABLE
                elif entry is not None and entry.score is not None:
                    shown = fmt_points(entry.score)
                else:
                    shown = ""
                situation = (entry.situation if entry and entry.situation else
                             (AUTO_NA_NOTE if na_by_set else ""))
                rows.append([
                    *fixed[item.id], _centered(shown, True), situation,
                    (entry.problem or "") if entry else "", (entry.measure or "") if entry else "",
                    _centered(entry.deadline.isoformat() if entry and entry.deadline else ""),
                    _centered((entry.responsible or "") if entry else ""),
                ])
            merges.append((g_first, len(rows) - 1, 2))
            rows.append(["", "", Cell(f"“{grp.name}”小计", span=2, bold=True, align="right"),
                         _centered(fmt_points(grp.points), True),
                         _centered(fmt_score(g_res.score) if g_res else "", True),
                         Cell("", span=5)])
            # the first-level label is merged over each group (with its subtotal) and the group
            # stays on one page: every page shows the labels of its rows
            merges.append((g_first, len(rows) - 1, 1))
        ratio = ""
        if c_res is not None:
            ratio = ("本项评价内容均不适用，不考核得分率" if c_res.ratio is None else
                     f"得分率{fmt_ratio(c_res.ratio)}，"
                     f"{'达到' if c_res.passed else '未达到'}不低于{cat.min_ratio * 100:g}%的要求")
        rows.append([Cell(f"“{cat.name}”合计", span=4, bold=True, align="right"),
                     _centered(fmt_points(cat.points), True),
                     _centered(fmt_score(c_res.score) if c_res else "", True),
                     Cell(ratio, span=5, bold=True, align="left")])
    totals = _total_rows(data)
    rows += totals
    page = page_pt()
    # the totals and the conclusion go overleaf with the sign-off rather than leave it alone
    body.paged_table(header, rows, merges=merges, page_pt=page,
                     first_page_pt=page - _above_table_pt(data), tail_pt=_sign_off_pt(data),
                     tail_rows=len(totals), widths_mm=WIDTHS_MM,
                     font_size=TABLE_PT, total_width_mm=WIDTH_MM,
                     aligns=["center", "center", "center", "left", "center", "center",
                             "left", "left", "left", "center", "center"])


@functools.lru_cache(maxsize=1024)
def _centered(text: str, bold: bool = False) -> Any:
    """``Cell(text, align="center", bold=bold)``: one for each text (a Cell is never changed),
    shared by the rows and mines that show it (scores, deadlines, those responsible)."""
    from ...docx.tables import Cell

    return Cell(text, align="center", bold=bold)


# an indicator set (by identity, held in the entry) -> its items' cells that depend on it alone
_SET_CELLS: dict[int, tuple[Any, dict[str, tuple[Any, ...]]]] = {}
SETS_KEPT = 8


def _set_cells(iset: Any) -> dict[str, tuple[Any, ...]]:
    """Item id -> the first five cells of its row, which depend on the indicator set alone
    (number; the first- and second-level labels, on a group's first row; the wording with its
    scope; the points): made once for every set a process meets, not for every mine."""
    from ...docx.tables import Cell

    kept = _SET_CELLS.get(id(iset))
    if kept is not None and kept[0] is iset:
        return kept[1]
    cells: dict[str, tuple[Any, ...]] = {}
    for cat in iset.categories:
        for grp in cat.groups:
            for i, item in enumerate(grp.items):
                text = item.text
                if item.applies_to.restricted:
                    text += f"（{item.applies_to.describe()}）"
                cells[item.id] = (Cell(item.id, align="center"),
                                  Cell(cat.name if i == 0 else "", align="center", bold=True),
                                  Cell(grp.name if i == 0 else "", align="center"),
                                  text, Cell(fmt_points(item.points), align="center"))
    return remember(_SET_CELLS, id(iset), (iset, cells), SETS_KEPT)[1]


def _total_rows(data: TableData) -> list[list[Any]]:
    from ...docx.tables import Cell

    iset, result = data.iset, data.result
    n = len(COLUMNS)
    full = fmt_points(iset.total_points)

    def val(x: float | None, fmt: Any = fmt_points) -> Cell:
        return Cell("" if x is None else fmt(x), align="center", bold=True)

    return [
        [Cell("总计（实际得分）", span=4, bold=True, align="right"), val(iset.total_points),
         val(result.raw_total if result else None, fmt_score),
         Cell(f"适用分值{fmt_points(result.applicable_points)}分（不适用的评价内容不计入）"
              if result else "", span=5)],
        [Cell(f"折算得分（实际得分÷适用分值×{full}）", span=4, bold=True, align="right"),
         val(iset.total_points), val(result.total if result else None, fmt_score),
         Cell("无不适用项时，折算得分等于实际得分。", span=5)],
        [Cell("达标线", span=4, bold=True, align="right"), "", val(iset.pass_line),
         Cell("折算得分不低于达标线，各一级指标得分率达到要求，且先决条件全部符合，自查结论为达标。",
              span=5)],
        [Cell("自查结论", span=4, bold=True, align="right"),
         Cell(result.verdict.value if result else "□达标　□不达标", span=2, bold=True,
              align="center"),
         Cell("".join(result.reasons) if result else "", span=5)],
        [Cell("企业自查意见", span=3, bold=True, align="center"),
         # a blank table leaves room to write by hand
         Cell((data.self_check.opinion or "") if data.self_check else "\n\n\n", span=n - 3)],
    ]


def _sign_off_cells(data: TableData) -> list[Any]:
    from ...docx.tables import Cell

    reviewer = data.facts.text("reviewer")
    enterprise = ("企业意见：以上自查情况属实。\n\n企业负责人（签字）："
                  + (f"{reviewer}" if reviewer else "") + "\n\n（企业盖章）\n\n年　　月　　日")
    county = "县级自然资源主管部门审核意见：\n\n\n\n（盖章）\n\n年　　月　　日"
    city = "市级自然资源主管部门复核意见：\n\n\n\n（盖章）\n\n年　　月　　日"
    return [Cell(enterprise), Cell(county), Cell(city)]


def _sign_off_pt(data: TableData) -> float:
    """Estimated height of the gap and the sign-off blocks under the main table."""
    from ...docx.tables import fit_widths, row_height_pt

    widths = fit_widths(None, 3, WIDTH_MM)
    return SPACE_AFTER_PT + row_height_pt(_sign_off_cells(data), widths, SIGN_OFF_PT)


def _sign_off(body: Body, data: TableData) -> None:
    _space_after(body)
    body.table([], [_sign_off_cells(data)], total_width_mm=WIDTH_MM, font_size=SIGN_OFF_PT)
