"""The DOCX render path of issue 8: subdocuments spliced in as elements, compiled template
parts reused, slimmed template packages, photos passed through or decoded at a reduced scale,
and image checks done once per file version. Each is compared with the way it replaced, or
checked for the property that made it safe."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shanxi-limestone" / "mine.yaml"


@pytest.fixture(scope="module")
def ctx():
    from greenmine_docs.api import check, load

    loaded = load(EXAMPLE)
    context = check(loaded)
    assert context is not None and loaded.report.valid
    return context


def _stock_render(monkeypatch, render):
    """``render()`` with docxtpl's own subdocument (serialised into the Jinja output, text
    fix-ups over everything, parsed back), every header and footer rendered and a fresh
    compile of every part."""
    from docxtpl import DocxTemplate
    from docxtpl.subdoc import Subdoc
    from markupsafe import Markup

    from greenmine_docs.render import subdoc as sd
    from greenmine_docs.render import jinja_env
    from greenmine_docs.render.tplguard import GuardedDocxTemplate

    monkeypatch.setattr(GuardedDocxTemplate, "get_headers_footers",
                        DocxTemplate.get_headers_footers)

    monkeypatch.setattr(sd.SubdocSplicing, "new_subdoc",
                        lambda self, docpath=None: (self.init_docx(), Subdoc(self, docpath))[1])
    # docxtpl's string insertion: the subdocument's XML goes into the Jinja output as text
    monkeypatch.setattr(sd.SubdocSplicing, "template_context", lambda self, context: {
        k: Markup(v.__html__()) if isinstance(v, Subdoc) else v for k, v in context.items()})
    monkeypatch.setattr(sd.SubdocSplicing, "fix_tables", DocxTemplate.fix_tables)
    monkeypatch.setattr(sd.SubdocSplicing, "fix_docpr_ids", DocxTemplate.fix_docpr_ids)
    monkeypatch.setattr(sd.SubdocSplicing, "map_tree", DocxTemplate.map_tree)
    monkeypatch.setattr(jinja_env, "compile_template", lambda env, source: env.from_string(source))
    try:
        return render()
    finally:
        monkeypatch.undo()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.endswith((".xml", ".rels"))}


def _same_but_picture_names(parts: dict[str, bytes]) -> dict[str, bytes]:
    """python-docx names a picture "Picture N" after the highest drawing id it sees in the
    part; written in place, the body sees the chart drawings before it (the ids themselves are
    renumbered by docxtpl either way)."""
    import re

    return {name: re.sub(rb'(<wp:docPr id="\d+" name=")Picture \d+"', rb'\1Picture"', data)
            for name, data in parts.items()}


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_spliced_body_is_the_same_xml_as_docxtpls_string_insertion(ctx, monkeypatch, kind):
    from greenmine_docs.documents.assessment.document import render_report
    from greenmine_docs.documents.plan.document import render_plan

    render = {"plan": lambda: render_plan(ctx), "report": lambda: render_report(ctx)}[kind]
    stock = _same_but_picture_names(_parts(_stock_render(monkeypatch, render)))
    fast = _same_but_picture_names(_parts(render()))
    assert fast.keys() == stock.keys()
    changed = [name for name in fast if fast[name] != stock[name]]
    # chart parts carry nothing but data; everything else must be byte-identical
    assert [n for n in changed if not n.startswith("word/charts/")] == []
    assert b"{{" not in fast["word/document.xml"]
    assert b"urn:x-greenmine:subdoc" not in fast["word/document.xml"]


def test_data_in_the_body_is_never_template_source(tmp_path):
    """Text that looks like Jinja or XML inside the spliced body comes out literally."""
    from docx import Document

    from greenmine_docs.docx import Writer
    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.resources import template_path

    hostile = "{{ 7*7 }} {% if 1 %}x{% endif %} <w:p/> & 〈甲〉 {_{ }_}"

    def build(tpl):
        body = tpl.new_subdoc()
        w = Writer(tpl.docx, body)
        w.heading(1, hostile)
        w.paragraph(hostile)
        w.table(["列", hostile], [[hostile, 1]])
        return {"title": hostile, "enterprise": "甲", "compiler": "乙", "date_upper": "丙",
                "body": body}

    data = render_template(template_path("implementation_plan", "plan-template.docx"), build)
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert sum(hostile in t for t in texts) >= 3  # title, heading, paragraph
    assert doc.tables[-1].cell(1, 0).text == hostile
    assert not any("49" in t for t in texts)


def test_a_subdocument_used_twice_is_copied_not_moved(tmp_path):
    from docx import Document

    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.docx.document import new_document, to_bytes

    doc = new_document()
    doc.add_paragraph("{{p body }}")
    doc.add_paragraph("{{p body }}")
    path = tmp_path / "twice.docx"
    path.write_bytes(to_bytes(doc))

    def build(tpl):
        body = tpl.new_subdoc()
        body.add_paragraph("正文一段")
        return {"body": body}

    out = Document(io.BytesIO(render_template(path, build)))
    assert [p.text for p in out.paragraphs].count("正文一段") == 2


def test_template_rendering_to_broken_xml_is_refused(monkeypatch):
    """The strict parse of the rendered template replaces the re-read of the saved package."""
    from greenmine_docs.render.subdoc import SubdocSplicing
    from greenmine_docs.errors import TemplateError

    template = type("T", (SubdocSplicing,), {"template_name": "坏模板.docx"})()
    with pytest.raises(TemplateError, match="坏模板.docx"):
        template.fix_tables("<w:body xmlns:w='urn:w'><w:p></w:body>")


def test_compiled_parts_are_reused_only_for_the_standard_environment():
    from greenmine_docs.render.jinja_env import compile_template, make_env

    source = "<x>{{ a }}</x>"
    env = make_env()
    assert compile_template(env, source) is compile_template(make_env(), source)
    assert compile_template(env, source).render(a="<&>") == "<x>&lt;&amp;&gt;</x>"
    plain = make_env()
    plain.autoescape = False
    assert compile_template(plain, source).render(a="<&>") == "<x><&></x>"
    custom = make_env()
    custom.filters["shout"] = str.upper
    assert compile_template(custom, source) is not compile_template(env, source)


# -- slimmed packages ------------------------------------------------------------------------
@pytest.mark.parametrize("template", [("implementation_plan", "plan-template.docx"),
                                      ("third_party_report", "report.docx")])
def test_bundled_templates_carry_no_unused_weight(template):
    from docx import Document

    from greenmine_docs.resources import template_path

    path = template_path(*template)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        styles = zf.read("word/styles.xml")
    assert "word/stylesWithEffects.xml" not in names
    assert not any(n.startswith("docProps/thumbnail") for n in names)
    assert styles.count(b'w:type="table"') <= 2 and len(styles) < 80_000
    doc = Document(path)  # still a package python-docx (and so Word) opens
    for name in ("Heading 1", "Normal", "Caption", "Table Text", "Table Heading"):
        assert doc.styles[name] is not None


def test_slim_package_keeps_table_styles_a_document_uses():
    from docx import Document

    from greenmine_docs.docx.document import slim_package, to_bytes

    doc = Document()
    doc.add_table(rows=1, cols=1).style = "Light Grid Accent 1"
    slim_package(doc)
    again = Document(io.BytesIO(to_bytes(doc)))
    table_styles = {s.name for s in again.styles if s.type == 3}  # WD_STYLE_TYPE.TABLE
    assert table_styles == {"Normal Table", "Table Grid", "Light Grid Accent 1"}


# -- photos ----------------------------------------------------------------------------------
def _jpeg(path: Path, size: tuple[int, int], **save) -> Path:
    from PIL import Image

    img = Image.new("RGB", size, (40, 120, 60))
    img.paste((200, 30, 30), (0, 0, size[0] // 4, size[1] // 4))  # a marked corner
    img.save(path, format="JPEG", quality=90, **save)
    return path


def test_an_upright_small_photo_goes_in_byte_for_byte(tmp_path):
    from greenmine_docs.documents.assessment.photos import prepare

    path = _jpeg(tmp_path / "a.jpg", (800, 600))
    data, ratio = prepare(path)
    assert data == path.read_bytes() and ratio == pytest.approx(0.75)


def test_photo_with_exif_is_rotated_and_loses_its_metadata(tmp_path):
    from PIL import Image

    from greenmine_docs.documents.assessment.photos import prepare

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "相机厂商"
    path = _jpeg(tmp_path / "r.jpg", (800, 600), exif=exif.tobytes())
    data, ratio = prepare(path)
    out = Image.open(io.BytesIO(data))
    assert out.size == (496, 661) and ratio == pytest.approx(800 / 600, abs=0.003)  # the box
    assert "exif" not in out.info


def test_large_photo_is_scaled_to_the_photo_box_with_reduced_decoding(tmp_path):
    from PIL import Image

    from greenmine_docs.documents.assessment.photos import PHOTO_BOX_PX, prepare

    path = _jpeg(tmp_path / "big.jpg", (4000, 3000))
    data, ratio = prepare(path)
    out = Image.open(io.BytesIO(data))
    assert out.size[0] == PHOTO_BOX_PX[0] and ratio == pytest.approx(0.75, abs=0.002)
    r, g, b = out.getpixel((10, 10))  # the marked corner survived the scaled decode
    assert r > 150 and g < 80


def test_image_checks_are_cached_per_file_version(tmp_path):
    from greenmine_docs.documents.assessment.photos import inspect
    from greenmine_docs.safety.images import inspect_image

    path = _jpeg(tmp_path / "p.jpg", (800, 600))
    assert inspect(path).ok and inspect_image(path).ok
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # truncated: a new size, so a new check
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert not inspect(path).ok and inspect(path).kind == "unreadable"
    assert not inspect_image(path).ok


# -- self-check DOCX merges --------------------------------------------------------------------
def test_selfcheck_vertical_merges_equal_python_docx_properties(ctx, monkeypatch):
    """``add_table(merges=…)`` writes ``w:vMerge`` into the table's XML text (the document's
    body written as text here); python-docx's ``CT_Tc.vMerge`` property set on the parsed
    table (what it replaced) gives the same document."""
    from greenmine_docs.docx import tables
    from greenmine_docs.docx.document import to_bytes
    from greenmine_docs.documents.selfcheck import docx_table
    from greenmine_docs.documents.selfcheck.core import prepare

    table = prepare(ctx.submission, ctx.indicator_set, set_ref=ctx.indicator_ref)
    fast = _parts(docx_table.render_docx(table))

    real_add_table = tables.add_table

    def reference(container, header, rows, *, merges=(), **kw):
        real_add_table(container, header, rows, **kw)
        tbl = container.tables[-1]  # (islands are off here: the table is an element)
        offset = 1 if header else 0
        for first, last, col in merges:
            if last == first:  # one row (the end of a run cut at a page): nothing to merge
                continue
            for i in range(first + offset, last + offset + 1):
                pos = 0
                for tc in tbl._tbl.tr_lst[i].tc_lst:
                    if pos == col:
                        tc.vMerge = "restart" if i == first + offset else "continue"
                        break
                    pos += tc.grid_span

    monkeypatch.setattr(tables, "add_table", reference)
    doc = docx_table.base_document()  # without islands: real elements
    docx_table.write_body(doc, table)
    slow = _parts(to_bytes(doc))
    assert fast["word/document.xml"] == slow["word/document.xml"]
    assert fast["word/document.xml"].count(b'<w:vMerge w:val="restart"/>') >= 20


# -- reading an image completely without decoding every pixel ----------------------------------
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_cheap_complete_read_still_fails_on_damaged_files(tmp_path, fmt):
    from PIL import Image

    from greenmine_docs.safety.images import inspect_image, read_completely

    img = Image.effect_noise((600, 400), 60).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    good = buf.getvalue()
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF  # one damaged byte in the middle of the image data
    cases = {"good": good, "truncated": good[: len(good) * 2 // 3], "flipped": bytes(flipped)}
    verdicts = {}
    for name, data in cases.items():
        with Image.open(io.BytesIO(data)) as opened:
            try:
                read_completely(opened)
                verdicts[name] = "ok"
            except (OSError, SyntaxError, ValueError):
                verdicts[name] = "damaged"
    assert verdicts["good"] == "ok" and verdicts["truncated"] == "damaged"
    if fmt == "PNG":  # every chunk's CRC is checked
        assert verdicts["flipped"] == "damaged"
    for name, data in cases.items():
        path = tmp_path / f"{name}.{fmt.lower()}"
        path.write_bytes(data)
        check = inspect_image(path)
        assert check.ok == (verdicts[name] == "ok")
        assert (check.width, check.height) == ((600, 400) if check.ok else (0, 0))


def test_body_placeholder_inside_a_table_cell_and_a_second_subdocument(tmp_path):
    """The in-place body placed in a table cell is moved there; a second subdocument gets a
    body of its own; the template's own paragraphs keep their order around both."""
    from docx import Document

    from greenmine_docs.render.tpl import render_template
    from greenmine_docs.docx.document import new_document, to_bytes

    doc = new_document()
    doc.add_paragraph("封面 {{ title }}")
    doc.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].add_run("{{p body }}")
    doc.add_paragraph("中间")
    doc.add_paragraph("{{p extra }}")
    doc.add_paragraph("结尾")
    path = tmp_path / "cell.docx"
    path.write_bytes(to_bytes(doc))

    def build(tpl):
        body, extra = tpl.new_subdoc(), tpl.new_subdoc()
        body.add_paragraph("正文在单元格里")
        extra.add_paragraph("第二个子文档")
        return {"title": "<甲&乙>", "body": body, "extra": extra}

    out = Document(io.BytesIO(render_template(path, build)))
    assert [p.text for p in out.paragraphs if p.text] == ["封面 <甲&乙>", "中间", "第二个子文档",
                                                          "结尾"]
    assert out.tables[0].cell(0, 0).text == "正文在单元格里"
    assert out.element.body.sectPr is not None and len(out.element.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")) == 1


def test_each_render_works_on_its_own_copy_of_the_template(ctx):
    """Templates are opened once and deep-copied per render: a render must leave the cached
    copy as it was (the same input renders to the same bytes, twice), and a document opened
    fresh from the file renders to the same document. The copies share only strings with it."""
    from greenmine_docs.render import tpl as tpl_module
    from greenmine_docs.documents.plan.document import render_plan

    first = render_plan(ctx)
    second = render_plan(ctx)
    tpl_module._prepared.cache_clear()
    tpl_module._prepared_copyable.cache_clear()
    fresh = render_plan(ctx)
    def parts(data):  # all but the properties part, which may carry a time
        return {k: v for k, v in _parts(data).items() if k != "docProps/core.xml"}

    assert parts(first) == parts(second) == parts(fresh)


# -- docxtpl's XML clean-up, once per template part ---------------------------------------------
@pytest.mark.parametrize("template", [("implementation_plan", "plan-template.docx"),
                                      ("third_party_report", "report.docx")])
def test_cached_patch_xml_equals_docxtpls_own(template):
    """``GuardedDocxTemplate.patch_xml`` answers from a cache keyed by the XML text; that is
    only right while docxtpl's ``patch_xml`` uses no template state: compare with it called on
    a real template, for the bundled templates' parts and for tags Word split into runs."""
    from docxtpl import DocxTemplate

    from greenmine_docs.resources import template_path
    from greenmine_docs.render.tplguard import GuardedDocxTemplate

    path = str(template_path(*template))
    stock, guarded = DocxTemplate(path), GuardedDocxTemplate(path)
    stock.init_docx()
    split = ('<w:p><w:r><w:t>{</w:t></w:r><w:r><w:t>{ mine.name }</w:t></w:r><w:r><w:t>}'
             '</w:t></w:r><w:r><w:t>{%p if a %}&amp;</w:t></w:r></w:p>')
    sources = [stock.get_xml(), split]
    sources += [stock.get_part_xml(part) for uri in (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer")
        for _, part in stock.get_headers_footers(uri)]
    for xml in sources:
        assert guarded.patch_xml(xml) == stock.patch_xml(xml)
        assert guarded.patch_xml(xml) == stock.patch_xml(xml)  # the cached answer too


def test_template_copies_share_only_what_no_copy_changes():
    """The deepcopy memo of a prepared template holds strings (immutable), the template's
    style answers and body texts, which its copies share by design
    (:func:`~greenmine_docs.docx.text.share_style_answers`,
    :func:`~greenmine_docs.render.subdoc.share_body_texts`), and the parts no copy changes
    (:func:`~greenmine_docs.docx.document.unchanged_parts`: styles, parts held as bytes,
    footers without tags, settings): every other part, relationship, element of a copy is its
    own."""
    from greenmine_docs.docx.document import unchanged_parts
    from greenmine_docs.docx.text import share_style_answers
    from greenmine_docs.render import tpl as tpl_module
    from greenmine_docs.render.subdoc import share_body_texts
    from greenmine_docs.resources import template_path

    path = Path(template_path("implementation_plan", "plan-template.docx"))
    stat = path.stat()
    doc, memo = tpl_module._prepared_copyable(str(path.resolve()), stat.st_mtime_ns,
                                              stat.st_size)
    answers = {id(x) for x in [*share_style_answers(doc.part), share_body_texts(doc.part)]}
    parts = {id(x) for x in unchanged_parts(doc, tpl_module._unchanged_by_render)}
    assert memo and all(isinstance(v, str) or id(v) in answers | parts for v in memo.values())
    assert answers | parts <= set(memo)
    copy = tpl_module.open_template(path, lint=False).docx
    originals = list(doc.part.package.iter_parts())
    copies = list(copy.part.package.iter_parts())
    assert [p.partname for p in copies] == [p.partname for p in originals]
    assert "/word/document.xml" not in {str(p.partname) for p in originals if id(p) in parts}
    for a, b in zip(originals, copies):
        if id(a) in parts:
            assert a is b
            continue
        assert a is not b and a.rels is not b.rels
        assert getattr(a, "_element", None) is None or a._element is not b._element
