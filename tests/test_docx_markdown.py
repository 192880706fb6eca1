"""Markdown narrative becomes real Word content, with nothing of the Markdown syntax (or of
template syntax) interpreted or left over."""
from __future__ import annotations

import io
import re

from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from docx_lists import item_formats

from greenmine_docs.docx import Writer, new_document, to_bytes
from greenmine_docs.docx.markdown import plain_text, strip_manual_number

NARRATIVE = """\
# 一、法律法规

正文有**加粗**、*倾斜*和***两者***，还有 {{ 7*7 }}、{% for x in y %}、<b>标签</b> & 符号，
以及 `代码`。中文软换行
不应产生空格。

1. 第一项
2. 第二项
   - 子项甲
   - 子项乙

- 要点一
- 要点二

## （1）细项

表：主要指标
| 指标 | 现状 | 目标 |
|:--|:--:|--:|
| 绿化率 | **72%** | 100% |

![矿区全景](photo.png)

> 引用的文字

#### 第五级标题
"""


def build(tmp_path, text=NARRATIVE, level=1):
    buf = io.BytesIO()
    Image.new("RGB", (300, 150), "green").save(buf, format="PNG")
    (tmp_path / "photo.png").write_bytes(buf.getvalue())
    doc = new_document()
    w = Writer(doc, base_dir=tmp_path)
    w.heading(1, "总论")
    w.markdown(text, level=level)
    return Document(io.BytesIO(to_bytes(doc)))


def test_markdown_becomes_word_structure(tmp_path):
    doc = build(tmp_path)
    pars = doc.paragraphs
    texts = [p.text for p in pars]
    # headings: "#" is one level below the chapter, author numbers removed, ours added
    heads = [(p.style.name, p.text) for p in pars if p.style.name.startswith("Heading")]
    assert heads[:3] == [("Heading 1", "一、总论"), ("Heading 2", "（一）法律法规"),
                         ("Heading 3", "1.细项")]
    # deeper than level 4: a bold paragraph, never a raw "####"
    fifth = next(p for p in pars if p.text == "第五级标题")
    assert fifth.runs[0].bold
    body = next(p for p in pars if p.text.startswith("正文"))
    bold = [r.text for r in body.runs if r.bold]
    italic = [r.text for r in body.runs if r.italic]
    assert bold == ["加粗", "两者"] and italic == ["倾斜", "两者"]
    assert "{{ 7*7 }}" in body.text and "{% for x in y %}" in body.text
    assert "<b>标签</b> & 符号" in body.text
    assert "中文软换行不应产生空格" in body.text
    # lists are real numbering, restarted per list, numbered one level below the heading
    # (1.), a nested list one level deeper still (（1）); bullets are numbered too
    items = [p for p in pars if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert [(t, fmt) for t, _, fmt in item_formats(doc)] == [
        ("第一项", "%1."), ("第二项", "%1."), ("子项甲", "（%1）"), ("子项乙", "（%1）"),
        ("要点一", "%1."), ("要点二", "%1.")]
    num_ids = [p._p.pPr.numPr.numId.val for p in items]
    assert num_ids[0] == num_ids[1] and num_ids[2] == num_ids[3] and num_ids[4] == num_ids[5]
    assert len({num_ids[0], num_ids[2], num_ids[4]}) == 3
    # table with caption, emphasis markers dropped
    assert "表1  主要指标" in texts
    table = doc.tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [["指标", "现状", "目标"],
                                                               ["绿化率", "72%", "100%"]]
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # right
    # image with numbered caption
    assert len(doc.inline_shapes) == 1 and "图1  矿区全景" in texts
    assert "引用的文字" in texts
    # nothing of the syntax is left
    everything = "\n".join(texts + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for token in ("**", "|--", "![", "](", "`"):
        assert token not in everything, token
    for line in everything.split("\n"):
        assert not re.match(r"^\s*(#|> |[-*+] |\d+\. )", line), line
    # every run has its East Asian font
    for p in pars:
        for r in p.runs:
            if r.text:
                rf = r._r.rPr.find(qn("w:rFonts"))
                assert rf is not None and rf.get(qn("w:eastAsia")), p.text


def test_heading_levels_follow_the_section_level(tmp_path):
    doc = build(tmp_path, "# 目标\n\n文字\n\n## 分项\n", level=2)
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads == [("Heading 1", "一、总论"), ("Heading 3", "1.目标"), ("Heading 4", "（1）分项")]


def test_manual_numbers_are_stripped_only_when_they_are_numbers():
    assert strip_manual_number("（一）加强管理") == "加强管理"
    assert strip_manual_number("3. 道路硬化") == "道路硬化"
    assert strip_manual_number("第二章 矿山概况") == "矿山概况"
    assert strip_manual_number("2023年计划") == "2023年计划"
    assert strip_manual_number("一、") == "一、"  # nothing left: keep the text


def test_plain_text_joins_soft_breaks_by_script():
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse("green\nmine 绿色\n矿山")
    assert plain_text(tokens[1].children) == "green mine 绿色矿山"


def test_wide_characters_are_those_of_the_old_pattern() -> None:
    """``_wide`` compares a character with the ranges the pattern it replaced matched, for
    every character there is."""
    from greenmine_docs.docx.markdown import _wide

    old = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")
    wide = [i for i in range(0x110000) if _wide(chr(i))]
    assert wide == [i for i in range(0x110000) if old.match(chr(i))]
