"""The report's photo table, written as XML text and parsed once, and the signature page's
paragraphs written as XML are byte for byte what the python-docx calls wrote before (kept below
as the reference): ``word/document.xml`` and every other part of the package, for the example,
variants of it (odd counts, a repeated photo, a PNG, a tall photo, captions with XML characters
and line breaks, other teams) and documents built directly.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm, Pt
from lxml import etree

from conftest import EXAMPLE, EXAMPLE_DIR
from greenmine_docs.documents.assessment import compose
from greenmine_docs.docx import Writer, new_document, to_bytes
from greenmine_docs.docx.figures import add_figure, add_picture, next_shape_id
from greenmine_docs.docx.text import add_text, no_indent, set_style

EXAMPLE_PHOTOS = EXAMPLE_DIR / "photos"


# -- the reference: the photo chapter and add_picture as they were ---------------------------
def _old_add_picture(run, data: bytes, width) -> None:
    from docx.oxml.shape import CT_Inline

    part = run.part
    r_id, image = part.get_or_add_image(io.BytesIO(data))
    cx, cy = image.scaled_dimensions(width, None)
    run._r.add_drawing(CT_Inline.new_pic_inline(next_shape_id(part), r_id, image.filename,
                                                cx, cy))


def _old_cant_split(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.insert(0, el)


def _old_photos(w, d) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    w.heading(1, "现场照片")
    if not d.photos:
        w.paragraph("本次评估未附现场照片。")
        return
    w.paragraph(f"评估组现场拍摄照片{len(d.photos)}张，照片编号与评分表中“见照片”一致。")
    per_row = 2
    rows = [d.photos[i:i + per_row] for i in range(0, len(d.photos), per_row)]
    table = w.body.add_table(rows=len(rows), cols=per_row)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    col_w = Mm(w.type_width_mm / per_row)
    for column in table.columns:
        column.width = col_w
    for r_i, row in enumerate(rows):
        tr = table.rows[r_i]
        _old_cant_split(tr)
        for c_i in range(per_row):
            cell = tr.cells[c_i]
            cell.width = col_w
            par = cell.paragraphs[0]
            no_indent(par)
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            par.paragraph_format.line_spacing = 1.0
            par.paragraph_format.space_before = Pt(6)
            if c_i >= len(row):
                continue
            ph = row[c_i]
            box_w, box_h = compose.PHOTO_BOX_MM
            width = min(box_w, box_h / ph.ratio) if ph.ratio > 0 else box_w
            _old_add_picture(par.add_run(), ph.data, Mm(width))
            cap = cell.add_paragraph()
            set_style(cap, "Caption")
            no_indent(cap)
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_text(cap, f"照片{ph.number}  {ph.caption}")
    gap = w.body.add_paragraph()
    no_indent(gap)


def _old_centered_title(w, text: str):
    par = w.paragraph("", style="Title")
    no_indent(par)
    add_text(par, text)
    return par


def _old_right(w, text: str, *, before: float = 0):
    par = w.paragraph("", align="right", indent=False)
    par.paragraph_format.space_before = Pt(before)
    add_text(par, text)
    return par


def _old_signatures(w, d) -> None:
    from greenmine_docs.docx import cn_date
    from greenmine_docs.docx.tables import add_table

    a = d.assessment
    _old_centered_title(w, "评估组成员及评估机构签字页").paragraph_format.page_break_before = True
    rows = [[i, m.name, m.title or m.title_level.value, m.speciality.value, m.role.value, ""]
            for i, m in enumerate(a.team, start=1)]
    add_table(w.body, ["序号", "姓名", "职称", "专业", "组内职务", "签字"], rows,
              widths_mm=[13, 24, 34, 18, 21, 46], total_width_mm=w.type_width_mm,
              aligns=["center"] * 6, row_height_mm=12)
    gap = w.body.add_paragraph()
    no_indent(gap)
    _old_right(w, f"评估机构（盖章）：{a.agency.name}", before=36)
    _old_right(w, "法定代表人（签字）：　　　　　　")
    _old_right(w, cn_date(a.report_date))


# -- helpers ---------------------------------------------------------------------------------
def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _assert_same_package(old: bytes, new: bytes) -> None:
    a, b = _members(old), _members(new)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name


def _render_report(path: Path, old: bool = False) -> bytes:
    from greenmine_docs.api import check, load
    from greenmine_docs.documents.assessment.document import render_report

    saved = compose.photos, compose.signatures
    if old:
        compose.photos, compose.signatures = _old_photos, _old_signatures
    try:
        ctx = check(load(path))
        return render_report(ctx)
    finally:
        compose.photos, compose.signatures = saved


def _report_pair(path: Path) -> tuple[bytes, bytes]:
    return _render_report(path, old=True), _render_report(path)


# -- whole reports -----------------------------------------------------------------------------
def test_example_report_is_byte_identical() -> None:
    old, new = _report_pair(EXAMPLE)
    _assert_same_package(old, new)
    doc = Document(io.BytesIO(new))
    table = next(t for t in doc.tables if t._tbl.xpath(".//pic:pic"))
    assert len(table.rows) == 4  # 7 photos, two to a row
    assert table.cell(0, 0).paragraphs[1].text.startswith("照片1  东采区")
    assert table.cell(3, 1).text == ""  # the odd photo leaves the last cell empty
    assert len(table._tbl.xpath(".//pic:pic")) == 7
    title = next(p for p in doc.paragraphs if p.text == "评估组成员及评估机构签字页")
    assert title.style.name == "Title" and title.paragraph_format.page_break_before
    stamp = [p for p in doc.paragraphs if p.text.startswith("评估机构（盖章）：")][-1]
    assert stamp.paragraph_format.space_before == Pt(36) and stamp.alignment == 2  # right


_PHOTO_LINES = [
    "    - {file: photos/01-bench.jpg, caption: 东采区1225平台以上台阶开采现状}\n",
    "    - {file: photos/02-crusher.jpg, caption: 破碎站卸料口及喷雾抑尘设施（半封闭）}\n",
    "    - {file: photos/03-truck-wash.jpg, caption: 矿区出入口车辆冲洗设施}\n",
    "    - {file: photos/04-waste-dump.jpg, caption: 北部停用排土场复绿情况（1245平台未覆土）}\n",
    "    - {file: photos/05-stockpile.jpg, caption: 成品料场东侧露天堆存的碎石（未苫盖）}\n",
    "    - {file: photos/06-green-belt.jpg, caption: 进场道路两侧绿化隔离带}\n",
    "    - {file: photos/07-sign-board.png, caption: 绿色矿山建设公示牌}\n",
]


@pytest.mark.parametrize("photos", [
    # one photo (a row with one empty cell), the photo numbers the scores cite kept valid
    ['    - {file: photos/07-sign-board.png, caption: "公示牌 & <标识> \\"A\\""}\n'] * 7,
    # the same file twice (one image part, two drawings), a tall PNG, two-line caption
    [*_PHOTO_LINES[:2],
     '    - {file: photos/01-bench.jpg, caption: "同一照片再次引用\\n第二行"}\n',
     "    - {file: photos/tall.png, caption: 竖向照片}\n", *_PHOTO_LINES[4:]],
    # an even number: every cell holds a photo
    [*_PHOTO_LINES, "    - {file: photos/tall.png, caption: 第八张}\n"],
], ids=["same-png-7-times", "repeated-and-tall", "even"])
def test_report_variants_are_byte_identical(variant, photos: list[str]) -> None:
    from PIL import Image

    path = variant({"".join(_PHOTO_LINES): "".join(photos),
                    "    name: 山西晋实绿矿技术咨询有限公司": '    name: "晋实 & <绿矿> \\"咨询\\"有限公司"',
                    "    - {name: 马文涛, title: 工程师,": "    - {name: 马文涛, title: 助理工程师,"})
    Image.new("RGB", (400, 1200), (90, 90, 160)).save(path.parent / "photos" / "tall.png")
    old, new = _report_pair(path)
    _assert_same_package(old, new)
    media = [n for n in _members(new) if n.startswith("word/media/")]
    assert len(media) == len({(path.parent / line.split("file: ")[1].split(",")[0]).read_bytes()
                              for line in photos})
    doc = Document(io.BytesIO(new))
    text = "\n".join(p.text for t in doc.tables for r in t.rows for c in r.cells
                     for p in c.paragraphs)
    assert "照片1  " in text and f"照片{len(photos)}  " in text


# -- documents built directly --------------------------------------------------------------------
@dataclass
class _Photo:
    number: int
    caption: str
    data: bytes
    ratio: float


@dataclass
class _Data:
    photos: list


def _photos(names: list[str], ratios: list[float] | None = None) -> list[_Photo]:
    out = []
    for i, name in enumerate(names, start=1):
        data = (EXAMPLE_PHOTOS / name).read_bytes()
        out.append(_Photo(i, f"照片说明{i}\t制表符", data, (ratios or [0.75] * len(names))[i - 1]))
    return out


def _build(chapter, photos: list[_Photo], *, drop_caption: bool = False,
           figure_first: bool = False) -> bytes:
    doc = new_document()
    if drop_caption:  # a template without a Caption style: direct formatting only
        from docx.oxml.ns import qn

        styles = doc.styles.element
        for style in styles.findall(qn("w:style")):
            if style.get(qn("w:styleId")) == "Caption":
                styles.remove(style)
    w = Writer(doc)
    if figure_first:  # an image already in the package: reused, not stored twice
        add_figure(doc, EXAMPLE_PHOTOS / "02-crusher.jpg", "图", 1)
    chapter(w, _Data(photos))
    w.paragraph("其后的段落")
    return to_bytes(doc)


@pytest.mark.parametrize("names,kw", [
    (["01-bench.jpg"], {}),
    (["01-bench.jpg", "07-sign-board.png", "01-bench.jpg"], {"drop_caption": True}),
    (["02-crusher.jpg", "03-truck-wash.jpg", "02-crusher.jpg", "07-sign-board.png"],
     {"figure_first": True}),
    ([], {}),
], ids=["one", "no-caption-style", "existing-image", "none"])
def test_built_documents_are_byte_identical(names: list[str], kw: dict) -> None:
    ratios = [0.75, 2.5, 0.0, 1.0][:len(names)]
    old = _build(_old_photos, _photos(names, ratios), **kw)
    new = _build(compose.photos, _photos(names, ratios), **kw)
    _assert_same_package(old, new)
    doc = Document(io.BytesIO(new))
    assert len(doc.inline_shapes) == len(names) + (1 if kw.get("figure_first") else 0)
    if names:
        assert [s.height for s in doc.inline_shapes][-len(names):] == \
            [Document(io.BytesIO(old)).inline_shapes[i].height
             for i in range(-len(names), 0)]


def test_add_picture_matches_python_docx() -> None:
    """:func:`add_picture` (one parse of the drawing's text) against python-docx's
    ``run.add_picture``, for JPEG and PNG, a repeated image and a run with text before it."""
    out = []
    for way in ("python-docx", "ours"):
        doc = Document()
        for name, width in (("01-bench.jpg", 60), ("07-sign-board.png", 30.5),
                            ("01-bench.jpg", 100)):
            run = doc.add_paragraph().add_run("前文")
            data = (EXAMPLE_PHOTOS / name).read_bytes()
            if way == "ours":
                add_picture(run, data, Mm(width))
            else:
                _old_add_picture(run, data, Mm(width))
        out.append(to_bytes(doc))
    _assert_same_package(*out)
    assert len([n for n in _members(out[1]) if n.startswith("word/media/")]) == 2


def test_pictures_are_elements_and_renumbered_by_the_template(example_copy: Path) -> None:
    """docxtpl numbers the drawing ids over the finished body: the photo table's pictures are
    elements it sees (not XML islands), each id used once."""
    data = _render_report(example_copy)
    root = etree.fromstring(_members(data)["word/document.xml"])
    ns = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
    ids = [int(e.get("id")) for e in root.iterfind(".//wp:docPr", ns)]
    assert len(ids) == len(set(ids)) == 8  # the chart and the seven photos
    assert ids == sorted(ids) and ids[0] == 1001


def test_an_image_header_is_read_once_for_equal_bytes(monkeypatch) -> None:
    """relate_image reads a small image's header once for every copy of its bytes (a batch
    puts the same photos into every mine's documents); a big one each time."""
    import io

    from docx.image.image import Image as DocxImage
    from PIL import Image

    from greenmine_docs.docx import figures
    from greenmine_docs.docx.document import new_document

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(buf, "PNG")
    reads: list[int] = []
    real = DocxImage.from_blob
    monkeypatch.setattr(DocxImage, "from_blob", lambda blob: reads.append(len(blob)) or real(blob))
    figures._image.cache_clear()
    for _ in range(3):
        r_id, image = figures.relate_image(new_document().part, bytes(bytearray(buf.getvalue())))
        assert (image.px_width, image.px_height) == (40, 30) and r_id
    assert len(reads) == 1
    monkeypatch.setattr(figures, "REMEMBERED_IMAGE_BYTES", 10)
    figures.relate_image(new_document().part, buf.getvalue())
    assert len(reads) == 2
