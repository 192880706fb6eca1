"""Paragraphs and runs are written as WordprocessingML (issue 8): the XML must be exactly what
the python-docx object calls it replaced produced. The references below are those calls, kept
here (python-docx ``add_paragraph`` / ``add_run`` / ``font`` / ``paragraph_format``); the Writer,
``add_text`` and the Markdown renderer must give byte-identical bodies. The example plan and
report are then checked for the properties that matter in Word."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from docx_lists import item_formats

from greenmine_docs.docx import Writer, new_document, to_bytes
from greenmine_docs.docx.fonts import set_run_font
from greenmine_docs.docx.markdown import MarkdownRenderer, _join_breaks, plain_paragraphs
from greenmine_docs.safety.markdown_limits import _parser
from greenmine_docs.docx.text import (add_text, no_indent, paragraph_fonts, set_style,
                                      style_east_asia, style_fonts, style_id_of, style_latin)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shanxi-limestone" / "mine.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- the python-docx way (the code the XML writers replaced) -----------------------------------
def ref_add_text(paragraph, text, *, bold=None, italic=None, east_asia=None, latin=None,
                 size=None, underline=None):
    if east_asia is None or latin is None:
        style = paragraph.style  # python-docx's own (uncached) style lookup
        ea, la = east_asia or style_east_asia(style), latin or style_latin(style)
    else:
        ea, la = east_asia, latin
    run = None
    for i, line in enumerate(str(text).split("\n")):
        if i:
            run.add_break()
        run = paragraph.add_run(line)
        set_run_font(run, ea, latin=la, size=size, bold=bold, italic=italic)
        if underline is not None:
            run.font.underline = underline
    return run


def ref_no_indent(par):
    par.paragraph_format.first_line_indent = Pt(0)
    par._p.get_or_add_pPr().find(qn("w:ind")).set(qn("w:firstLineChars"), "0")


def ref_style(par, name) -> bool:
    try:
        style_id = par.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
    except KeyError:
        return False
    par._p.get_or_add_pPr().style = style_id
    return True


ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


class RefWriter(Writer):
    """Writer with the python-docx implementations of the methods that now write XML."""

    def paragraph(self, text="", *, style=None, align=None, indent=True, bold=None):
        par = self.body.add_paragraph()
        if style and not ref_style(par, style):
            raise KeyError(style)
        if self._keep_all or text.rstrip().endswith(("：", ":")):
            par.paragraph_format.keep_with_next = True
        if align:
            par.alignment = ALIGN[align]
        if not indent:
            ref_no_indent(par)
        if text:
            ref_add_text(par, text, bold=bold)
        return par

    def add_text(self, paragraph, text, **kw):
        return ref_add_text(paragraph, text, **kw)

    def heading(self, level, text, *, numbered=None):
        self.heading_level = level
        par = self.body.add_paragraph()
        ref_style(par, f"Heading {level}")
        number = self.numbered_headings if numbered is None else numbered
        ref_add_text(par, (self.heading_number(level) if number else "") + text)
        return par

    def unnumbered_heading(self, level, text, *, align=None):
        self.heading_level = level
        par = self.body.add_paragraph()
        ref_style(par, f"Heading {level}")
        if align:
            par.alignment = ALIGN[align]
            ref_no_indent(par)
        ref_add_text(par, text)
        return par

    def list_item(self, paragraph, num_id):
        ppr = paragraph._p.get_or_add_pPr()
        num_pr = ppr.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        ind = ppr.find(qn("w:ind"))
        if ind is not None:
            ppr.remove(ind)

    def numbered_list(self, items):
        num_id = self.lists.new_list(self.list_depth())
        for i, item in enumerate(items):
            par = self.paragraph("")
            if self._keep_all or (len(items) <= 8 and i < len(items) - 1):
                par.paragraph_format.keep_with_next = True
            self.list_item(par, num_id)
            ref_add_text(par, item)

    def page_break(self):
        par = self.body.add_paragraph()
        ref_no_indent(par)
        par.add_run().add_break(WD_BREAK.PAGE)

    def table(self, header, rows, *, caption=None, widths_mm=None, aligns=None, font_size=None):
        from greenmine_docs.docx.tables import add_table

        if caption:
            self.tables += 1
            par = self.body.add_paragraph()
            ref_style(par, "Caption")
            ref_no_indent(par)
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            par.paragraph_format.keep_with_next = True
            ref_add_text(par, f"表{self.tables}  {caption}".strip())
        add_table(self.body, header, rows, widths_mm=widths_mm, aligns=aligns,
                  total_width_mm=self.type_width_mm, font_size=font_size)
        gap = self.body.add_paragraph()
        ref_no_indent(gap)
        gap.paragraph_format.line_spacing = Pt(10)

    def markdown(self, text, *, level, where=""):
        RefRenderer(self, level, where).render(text)

    def figure(self, image, caption, *, width_mm=None, where=""):
        from docx.shared import Mm

        from greenmine_docs.docx.figures import _image_bytes, add_picture
        from greenmine_docs.docx.page import TYPE_HEIGHT_MM, TYPE_WIDTH_MM

        number = None
        if caption:
            self.figures += 1
            number = self.figures
        data, ratio = _image_bytes(image, where)
        width = min(width_mm or self.type_width_mm * 0.9, TYPE_WIDTH_MM)
        if width * ratio > TYPE_HEIGHT_MM * 0.8:
            width = TYPE_HEIGHT_MM * 0.8 / ratio
        par = self.body.add_paragraph()
        ref_no_indent(par)
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf = par.paragraph_format
        pf.line_spacing = 1.0
        pf.keep_with_next = bool(caption)
        pf.space_before = Pt(6)
        add_picture(par.add_run(), data, Mm(width))
        if not caption:
            return par
        cap = self.body.add_paragraph()
        ref_style(cap, "Caption")
        ref_no_indent(cap)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        ref_add_text(cap, f"图{number}  {caption}".strip())
        return cap


class RefRenderer(MarkdownRenderer):
    """The Markdown renderer's former paragraph code: python-docx paragraphs and runs."""

    def render(self, text):
        tokens = _parser().parse(text)  # always the parser (no plain-text path)
        i = 0
        while i < len(tokens):
            i = self._block(tokens, i)

    def _block(self, tokens, i):
        tok = tokens[i]
        if tok.type in ("fence", "code_block"):
            for line in tok.content.rstrip("\n").split("\n"):
                par = self.w.paragraph(line, indent=False)
                par.paragraph_format.left_indent = self.w.char_width(2)
            return i + 1
        return super()._block(tokens, i)

    def _heading(self, depth, children):
        from greenmine_docs.docx.markdown import plain_text, strip_manual_number

        text = strip_manual_number(plain_text(children).replace("\n", ""))
        level = self.level + depth
        if level <= self.w.max_heading_level and not self.lists:
            self.w.heading(level, text)
        else:
            par = self.w.paragraph("")
            self.w.add_text(par, text, bold=True)

    def _paragraph(self, children):
        from greenmine_docs.docx.markdown import plain_text

        images = [c for c in children or [] if c.type == "image"]
        only_images = images and not plain_text(
            [c for c in children or [] if c.type != "image"]).strip()
        if not only_images:
            par = self.w.paragraph("")
            if self.lists:
                kind, num_id = self.lists[-1]
                if self.item_first:
                    self.w.list_item(par, num_id)
                    self.item_first = False
                else:
                    par.paragraph_format.left_indent = self.w.char_width(2 * len(self.lists))
            elif self.quote:
                par.paragraph_format.left_indent = self.w.char_width(2 * self.quote)
            bold = italic = 0
            buf: list[str] = []

            def flush():
                text = _join_breaks("".join(buf))
                buf.clear()
                if text:
                    self.w.add_text(par, text, bold=bool(bold) or None,
                                    italic=bool(italic) or None)

            for tok in children or []:
                t = tok.type
                if t in ("text", "code_inline"):
                    buf.append(tok.content)
                elif t in ("softbreak", "hardbreak"):
                    if t == "softbreak":
                        buf.append("\n")
                    else:
                        flush()
                        par.add_run().add_break()
                elif t in ("strong_open", "strong_close", "em_open", "em_close"):
                    flush()
                    step = 1 if t.endswith("_open") else -1
                    if t.startswith("strong"):
                        bold += step
                    else:
                        italic += step
            flush()
        for img in images:
            caption = plain_text(img.children) or (img.attrs.get("title") or "")
            self.w.figure(self.w.resolve_image(str(img.attrs.get("src", "")), self.where),
                          caption or None)


NARRATIVE = """\
# 一、第一 **粗** 标题

正文 **粗体** 和 *斜体* 以及 ***粗斜*** 还有 `code <x>` & {{ 7*7 }} 和 [链接](http://x.y)。
第二行软换行
English words
joined here.\x20\x20
硬换行之后\\
反斜杠硬换行

1. 有序一
2. 有序二
   - 嵌套无序
     - 三层
       - 四层

   续段落在列表中

- 无序 *斜*
- 无序二

> 引用段落 **粗**
>
> > 双层引用

```
code line 1
  code <line> 2
```

    indented code

表：测试表格 & <t>

| 左 | 中 | 右 |
|:---|:--:|---:|
| a & b | **c** | 1.5 |

![图片说明](img.png)

文字和图片 ![另一张](img.png) 在一起

#### 四级太深

##### 五级

---

<b>raw html</b> &amp; &copy;

纯文本段落，没有任何标记。
第二行 50% 的 {{ 值 }}：10:30 $5 @某人 ^上标

Tabs\tinside text and  double  spaces
"""

PLAIN = "青岚山矿区位于县城西北约18公里。\n2021年列入名录，面积0.86平方千米（95.2%）。\n\n第二段 {{ x }} 与 $5。\n"


def compose(writer_cls, base_dir: Path):
    doc = new_document()
    w = writer_cls(doc, base_dir=base_dir)
    w.heading(1, "测试 <a> & {{ 7*7 }}")
    w.paragraph("正文 & <b>x</b>\n第二行\t制表  两空格 ", bold=True)
    w.paragraph("居中", align="center", indent=False)
    w.paragraph("两端", align="justify")
    w.paragraph("不加粗", bold=False)
    w.paragraph("标题样式", style="Title")
    w.paragraph("默认样式", style="Normal")
    w.paragraph("")
    w.heading(2, "二级")
    w.heading(3, "三级", numbered=False)
    w.heading(4, "四级")
    w.unnumbered_heading(1, "附表", align="center")
    w.unnumbered_heading(2, "附图")
    w.numbered_list(["甲", "乙\n丙", ""])
    w.numbered_list(["一", "二"])
    w.page_break()
    w.figure(base_dir / "img.png", "图题 & <x>")
    w.figure(base_dir / "img.png", None, width_mm=50)
    w.table(["a", "b"], [["1", 2.5]], caption="表题 & <x>")
    w.table(["a", "b"], [["1", 2.5]])
    w.section_break(landscape=True)
    w.markdown(NARRATIVE, level=1)
    w.section_break(landscape=False)
    w.markdown(NARRATIVE, level=2)
    w.markdown(PLAIN, level=1)
    par = w.paragraph("x")
    w.add_text(par, " y ", italic=True, underline=True, size=12)
    w.add_text(par, "z", east_asia="黑体", latin="Arial", bold=False, underline=False)
    w.add_text(par, "\u3000全角\n", size=10.5, italic=False)
    w.finish()
    return doc


@pytest.fixture
def image_dir(tmp_path: Path) -> Path:
    Image.new("RGB", (200, 100), (10, 200, 10)).save(tmp_path / "img.png")
    return tmp_path


def test_writer_xml_equals_python_docx_calls(image_dir: Path) -> None:
    ours = compose(Writer, image_dir)
    ref = compose(RefWriter, image_dir)
    for a, b in zip(ref.element.body, ours.element.body):
        assert etree.tostring(a, encoding="unicode") == etree.tostring(b, encoding="unicode")
    assert etree.tostring(ref.element.body) == etree.tostring(ours.element.body)
    numbering = [d.part.numbering_part.element for d in (ref, ours)]
    assert etree.tostring(numbering[0]) == etree.tostring(numbering[1])


@pytest.mark.parametrize("text", ["a\nb", "\t x\ry ", "", "<&>\"'", "{{ 7*7 }}", "\u3000全角",
                                  "  ", "\n", "末尾\n\n", 12.5])
@pytest.mark.parametrize("kw", [{}, dict(bold=True, italic=False), dict(size=9, bold=False),
                                dict(underline=True, italic=True),
                                dict(underline=False, east_asia="黑体", latin="Arial"),
                                dict(east_asia="楷体")])
@pytest.mark.parametrize("style", [None, "Heading 2", "Caption", "Table Text"])
def test_add_text_equals_python_docx_runs(text, kw, style) -> None:
    docs = [new_document(), new_document()]
    runs = []
    for doc, fn in zip(docs, (ref_add_text, add_text)):
        par = doc.add_paragraph()
        if style:
            assert ref_style(par, style)
        runs.append(fn(par, text, **kw))
    assert etree.tostring(docs[0].element.body) == etree.tostring(docs[1].element.body)
    assert runs[1].text == runs[0].text


def test_add_text_refuses_control_characters() -> None:
    with pytest.raises(ValueError, match="XML compatible"):
        add_text(new_document().add_paragraph(), "a\x01b")


def test_add_text_in_a_plain_python_docx_document_and_footer() -> None:
    """Documents without the official styles (python-docx's default template) and paragraphs
    in a footer part (styles of the document part) resolve like python-docx."""
    for doc in (Document(), new_document()):
        for par in (doc.add_paragraph(), doc.sections[0].footer.add_paragraph()):
            assert set_style(par, "Footer") == ref_style(doc.add_paragraph(), "Footer")
            assert paragraph_fonts(par) == (style_east_asia(par.style), style_latin(par.style))
            ref = doc.add_paragraph()
            ref_add_text(ref, "页 1")
            add_text(par, "页 1")
        assert set_style(doc.add_paragraph(), "没有这个样式") is False


def test_style_index_agrees_with_python_docx() -> None:
    from greenmine_docs.render.tpl import open_template
    from greenmine_docs.documents.plan.document import default_template

    for doc in (Document(), new_document(), open_template(default_template()).docx):
        part = doc.part
        names = [s.name for s in doc.styles] + ["Heading 1", "Caption", "不存在"]
        for name in names:
            try:
                expected = part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
            except KeyError:
                expected = False
            except ValueError:  # a character/table style: python-docx's error, unchanged
                with pytest.raises(ValueError):
                    style_id_of(part, name)
                continue
            assert style_id_of(part, name) == expected, name
        for style_id in [s.style_id for s in doc.styles] + [None, "NoSuchStyle"]:
            style = part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            assert style_fonts(part, style_id) == (style_east_asia(style), style_latin(style))


def test_no_indent_keeps_python_docx_attribute_order() -> None:
    docs = [new_document(), new_document()]
    for doc, fn in zip(docs, (ref_no_indent, no_indent)):
        par = doc.add_paragraph()
        par.paragraph_format.left_indent = Pt(32)
        par.paragraph_format.first_line_indent = Pt(-16)  # a hanging indent is dropped
        fn(par)
        fn(doc.add_paragraph())
    assert etree.tostring(docs[0].element.body) == etree.tostring(docs[1].element.body)


# -- plain text needs no Markdown parser ---------------------------------------------------------
def parsed_paragraphs(text: str) -> list[str] | None:
    """Paragraph texts as the renderer reads them from markdown-it (None if anything else)."""
    tokens = _parser().parse(text)
    out = []
    for i in range(0, len(tokens), 3):
        kinds = [t.type for t in tokens[i:i + 3]]
        if kinds != ["paragraph_open", "inline", "paragraph_close"]:
            return None
        parts = []
        for child in tokens[i + 1].children or []:
            if child.type == "text":
                parts.append(child.content)
            elif child.type == "softbreak":
                parts.append("\n")
            else:
                return None
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("text", [PLAIN, "", "\n\n", "一行", "a\nb\n\n\nc", "2021年\n3.5米",
                                  "{{ 7 }} $ % : @ ^ { }", "中文\u00a0中间", "“引号”（括号）"])
def test_plain_paragraphs_match_markdown_it(text: str) -> None:
    assert plain_paragraphs(text) is not None
    assert plain_paragraphs(text) == parsed_paragraphs(text)


@pytest.mark.parametrize("text", ["**粗**", "1. 列表", "1) 列表", "- 项", "# 标题", "> 引",
                                  "    代码", "行尾两空格  \n下一行", "a\tb", "&amp;", "<b>",
                                  "x\\y", "[链接](a)", "a\n===", "a | b", " 前导空格",
                                  "\u3000全角缩进"])
def test_markdown_syntax_goes_to_the_parser(text: str) -> None:
    assert plain_paragraphs(text) is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab 中文\n1.)%:$@^{}'\"（）\u3000\u00a0*_-#>|<&`\\[]!="
                                             "\t~+23")), max_size=40))
def test_plain_paragraphs_agree_with_the_parser(text: str) -> None:
    plain = plain_paragraphs(text)
    if plain is not None:
        assert plain == parsed_paragraphs(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab 中文。\n\n1.)9%:$@^{}'\"（）\u3000\u00a0\u2028/")),
               max_size=40))
def test_plain_looking_text_agrees_with_the_parser(text: str) -> None:
    plain = plain_paragraphs(text)
    if plain is not None:
        assert plain == parsed_paragraphs(text)


# -- the example documents ---------------------------------------------------------------------
def _body_runs(doc):
    """Runs of the body that hold text (not inside drawings or charts)."""
    for r in doc.element.body.iter(f"{W}r"):
        if r.find(f"{W}t") is None or any(a.tag == f"{W}drawing" for a in r.iterancestors()):
            continue
        yield r


@pytest.fixture(scope="module")
def example_docs():
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from renders import checked

    from greenmine_docs.documents.assessment.document import render_report
    from greenmine_docs.documents.plan.document import render_plan

    ctx = checked(EXAMPLE)
    return {"plan": Document(io.BytesIO(render_plan(ctx))),
            "report": Document(io.BytesIO(render_report(ctx)))}


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_example_runs_all_name_their_east_asian_font(example_docs, kind) -> None:
    doc = example_docs[kind]
    runs = list(_body_runs(doc))
    assert len(runs) > 500
    for r in runs:
        rfonts = r.find(f"{W}rPr/{W}rFonts")
        assert rfonts is not None and rfonts.get(f"{W}eastAsia"), etree.tostring(r)[:200]
        assert rfonts.get(f"{W}hint") == "eastAsia"


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_example_headings_tables_and_captions(example_docs, kind) -> None:
    doc = example_docs[kind]
    pars = doc.paragraphs
    h1 = [p for p in pars if p.style.style_id == "Heading1"]
    assert h1 and h1[0].text.startswith("一、")
    assert re.match(r"（一）", next(p.text for p in pars if p.style.style_id == "Heading2"))
    heading_runs = [r for p in h1 for r in p.runs]
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in heading_runs} == {"黑体"}
    captions = [p for p in pars if p.style.style_id == "Caption" and p.text.startswith("表")]
    assert captions and captions[0].text.startswith("表1  ")
    assert all(p.paragraph_format.keep_with_next for p in captions)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in captions)
    text = "\n".join(p.text for p in pars)
    assert "**" not in text and "](" not in text


def test_example_plan_lists_emphasis_and_literals(example_docs) -> None:
    doc = example_docs["plan"]
    pars = doc.paragraphs
    listed = [p for p in pars if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(listed) >= 10
    assert all(p._p.pPr.find(qn("w:ind")) is None for p in listed)
    assert any(p.text.startswith("《中华人民共和国矿产资源法》") for p in listed)
    bold = [r for p in pars for r in p.runs if r.bold]
    assert any(r.text == "集中整治阶段" for r in bold)
    assert all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" for r in bold
               if r._parent.style.style_id == "Normal")


def test_markdown_literals_survive_into_the_document(image_dir: Path) -> None:
    doc = Document(io.BytesIO(to_bytes(compose(Writer, image_dir))))
    text = "\n".join(p.text for p in doc.paragraphs)
    for literal in ("{{ 7*7 }}", "<b>raw html</b> & ©", "code <x>", "a & b", "50% 的 {{ 值 }}"):
        assert literal in text or any(literal in c.text for t in doc.tables for r in t.rows
                                      for c in r.cells), literal
    italic = [r for p in doc.paragraphs for r in p.runs if r.italic]
    assert any(r.text == "斜体" for r in italic)
    both = [r for p in doc.paragraphs for r in p.runs if r.italic and r.bold]
    assert any(r.text == "粗斜" for r in both)
    breaks = [p for p in doc.paragraphs if "硬换行之后" in p.text]
    assert breaks and breaks[0]._p.xpath(".//w:br")
    # nested lists are numbered one level deeper each (no bullets anywhere)
    used = {(fmt, text) for _, fmt, text in item_formats(doc)}
    assert len(used) >= 3 and not any(fmt == "bullet" for fmt, _ in used), used

