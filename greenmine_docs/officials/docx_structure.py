"""The heading structure of any Word plan, however its author marked the headings.

Submissions mark headings in three ways, often mixed:

1. Word heading styles (``Heading 1``/``标题 1``…) or an outline level on the paragraph/style;
2. numbers typed by hand, usually in bold: ``第一章``, ``第一节``, ``一、``, ``（一）``, ``1.``,
   ``（1）``, ``1.1``/``1.1.1``;
3. Word automatic numbering (``w:numPr`` on the paragraph or its style): the number is not in
   the text, so it is rebuilt from ``numbering.xml`` (format, level text, start, counters).

Every candidate gets a *kind* (which numbering family it uses) and the document's kinds are put
in the conventional order 第X章 → 第X节 → 一、 → （一） → 1. → （1）, which gives the levels.
Style levels win where present; unstyled numbered paragraphs take the level their kind has
among styled ones. The result is a flat list of :class:`Block` (headings, paragraphs, tables)
in body order, which :mod:`.check` turns into a tree.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from .docx_package import WordPackage
from .docx_styles import Numbering, Styles, int_val, num_pr, q
from .numbering import is_toc_line, norm_title
from .structure import Block, Para, Structure, assign_levels, classify_paragraph

_HEADING_FONTS = ("黑体", "楷体", "小标宋", "华文中宋", "方正黑", "方正楷", "simhei", "kaiti")


def _run_props(r: Any, style: dict[str, Any]) -> tuple[bool, str | None, bool]:
    rpr = r.find(q("rPr"))
    bold = style["bold"]
    font = style["font"]
    hl = False
    if rpr is not None:
        b = rpr.find(q("b"))
        if b is not None:
            bold = b.get(q("val"), "true") not in ("0", "false", "off")
        rf = rpr.find(q("rFonts"))
        if rf is not None and rf.get(q("eastAsia")):
            font = rf.get(q("eastAsia"))
        h = rpr.find(q("highlight"))
        if h is not None and h.get(q("val"), "none") != "none":
            hl = True
        shd = rpr.find(q("shd"))
        if shd is not None and (shd.get(q("fill")) or "").upper() in ("FFFF00", "YELLOW"):
            hl = True
    return bold, font, hl


def _runs(p: Any) -> Iterator[Any]:
    """Text runs of a paragraph, including those inside hyperlinks, smart tags and
    inserted (tracked) text; deleted text is skipped."""
    for el in p.iter(q("r")):
        parent = el.getparent()
        if parent is not None and parent.tag == q("del"):
            continue
        yield el


def _run_text(r: Any) -> str:
    out = []
    for ch in r:
        if ch.tag == q("t"):
            out.append(ch.text or "")
        elif ch.tag == q("tab"):
            out.append("\t")
        elif ch.tag in (q("br"), q("cr")):
            out.append("\n")
    return "".join(out)


def _read_para(p: Any, styles: Styles) -> Para:
    ppr = p.find(q("pPr"))
    sid = None
    p_level = None
    num = None
    if ppr is not None:
        ps = ppr.find(q("pStyle"))
        sid = ps.get(q("val")) if ps is not None else None
        outline_level = int_val(ppr.find(q("outlineLvl")), "val", 9, 0, 9)
        if outline_level < 9:
            p_level = outline_level + 1
        num = num_pr(ppr)
    style = styles.props(sid)
    if num is None:
        num = style["num"]
    if num is not None and num[0] == "0":
        num = None
    parts: list[tuple[str, bool, str | None, bool]] = []
    for r in _runs(p):
        text = _run_text(r)
        if text:
            parts.append((text, *_run_props(r, style)))
    text = "".join(t for t, *_ in parts)
    visible = [(t, b, f) for t, b, f, _ in parts if t.strip()]
    bold_all = bool(visible) and all(b for _, b, _ in visible)
    prefix = ""
    if visible and not bold_all:
        for t, b, _f, _hl in parts:
            if not b and t.strip():
                break
            prefix += t
    heading_font = bool(visible) and all(
        f and any(h in f.lower() for h in _HEADING_FONTS) for _, _, f in visible)
    highlighted = [t for t, _b, _f, hl in parts if hl and t.strip()]
    return Para(text=text, style=style, p_level=p_level, num=num, bold_all=bold_all,
                 bold_prefix=prefix.strip(), heading_font=heading_font, highlighted=highlighted)


def _body_elements(el: Any) -> Iterator[Any]:
    """Paragraphs and tables inside one body element, in order: content controls and custom
    XML wrappers are opened, except a table-of-contents control."""
    if el.tag in (q("p"), q("tbl")):
        yield el
    elif el.tag == q("sdt"):
        gallery = el.find(f"{q('sdtPr')}/{q('docPartObj')}/{q('docPartGallery')}")
        if gallery is not None and "content" in (gallery.get(q("val")) or "").lower():
            return  # "Table of Contents"
        content = el.find(q("sdtContent"))
        for child in content if content is not None else ():
            yield from _body_elements(child)
    elif el.tag == q("customXml"):
        for child in el:
            yield from _body_elements(child)


def _table_text(tbl: Any, styles: Styles) -> tuple[str, list[str], list[list[str]]]:
    """(all cell paragraphs joined by line breaks, highlighted texts, rows of cell texts).
    A merged cell is one cell (Word keeps one ``w:tc`` with a span); a nested table's text
    belongs to the cell that holds it."""
    texts: list[str] = []
    highlighted: list[str] = []
    rows = []
    for tr in _children(tbl, "tr"):
        cells = []
        for tc in _children(tr, "tc"):
            paras = [_read_para(p, styles) for p in tc.iter(q("p"))]
            cell = [p.text.strip() for p in paras if p.text.strip()]
            texts.extend(cell)
            highlighted.extend(t for p in paras for t in p.highlighted)
            cells.append(" ".join(cell))
        rows.append(cells)
    return "\n".join(texts), highlighted, rows


def _children(el: Any, tag: str) -> Iterator[Any]:
    """Direct children ``tag`` of ``el``, looking through content controls and custom XML
    wrappers (rows and cells are sometimes inside ``w:sdt``)."""
    for child in el:
        if child.tag == q(tag):
            yield child
        elif child.tag == q("sdt"):
            content = child.find(q("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == q("customXml"):
            yield from _children(child, tag)


def read_structure(path: str | Path, *, known_titles: dict[str, str] | None = None) -> Structure:
    """All blocks of ``path`` with headings recognised and levelled.

    ``known_titles`` (normalised outline titles) lets an unnumbered bold line such as
    ``前言`` or ``附件`` count as a heading when it is exactly an outline title."""
    with WordPackage(path) as pkg:
        styles = Styles(pkg.related_xml("styles"))
        numbering = Numbering(pkg.related_xml("numbering"))
        blocks = _read_blocks(pkg, styles, numbering, known_titles)
        extra = [text for part in (*pkg.parts_of_type("header"), *pkg.parts_of_type("footer"))
                 for text in _part_texts(pkg.read_xml(part), styles)]
        comments = _comment_texts(pkg.related_xml("comments"), styles)
    assign_levels([b for b in blocks if b.kind == "heading"], known_titles)
    return Structure(source=Path(path), blocks=blocks, header_footer_text=extra,
                     comment_texts=comments)


def _comment_texts(root: Any, styles: Styles) -> dict[str, str]:
    """Comment id -> ``author：text`` from the comments part."""
    out: dict[str, str] = {}
    if root is None:
        return out
    for c in root.iter(q("comment")):
        text = "".join(_read_para(p, styles).text for p in c.iter(q("p"))).strip()
        author = c.get(q("author")) or ""
        out[c.get(q("id")) or ""] = f"{author}：{text}" if author else text
    return out


_REVISION_TAGS = ("ins", "del", "moveFrom", "moveTo")


def _revisions_and_comments(el: Any) -> tuple[list[str], list[str]]:
    """Tracked changes (inserted/deleted text, shortened) and anchored comment ids in a
    paragraph or table."""
    revisions = []
    for tag in _REVISION_TAGS:
        for rev in el.iter(q(tag)):
            texts = "".join(t.text or "" for t in rev.iter(q("t"), q("delText")))
            what = "插入" if tag in ("ins", "moveTo") else "删除"
            if texts.strip():
                revisions.append(f"{what}“{texts[:30]}{'…' if len(texts) > 30 else ''}”")
    comments = [c.get(q("id")) or "" for c in el.iter(q("commentReference"))]
    return revisions, comments


def _part_texts(root: Any, styles: Styles) -> list[str]:
    """Non-empty paragraph texts of a header or footer part."""
    if root is None:
        return []
    texts = (_read_para(p, styles).text for p in root.iter(q("p")))
    return [t for t in texts if t.strip()]


def _read_blocks(pkg: WordPackage, styles: Styles, numbering: "Numbering",
                 known_titles: dict[str, str] | None) -> list[Block]:
    """The body, streamed, as blocks (headings not levelled yet)."""
    blocks: list[Block] = []
    index = 0
    for el in (e for top in pkg.iter_body() for e in _body_elements(top)):
        if el.tag == q("tbl"):
            text, hl, rows = _table_text(el, styles)
            revs, comments = _revisions_and_comments(el)
            blocks.append(Block("table", text, max(index, 1), highlighted=hl, rows=rows,
                                revisions=revs, comments=comments))
            continue
        para = _read_para(el, styles)
        auto = numbering.next_label(*para.num) if para.num else None
        text = para.text.strip()
        revs, comments = _revisions_and_comments(el)
        if not text:
            if any(True for _ in el.iter(q("drawing"), q("pict"), q("object"))):
                blocks.append(Block("figure", "", max(index, 1)))  # an image is content too
            if revs or comments:  # a paragraph whose whole text was deleted
                blocks.append(Block("para", "", max(index, 1), source="skip", revisions=revs,
                                    comments=comments))
            continue
        index += 1
        if para.style["kind"] == "skip" or is_toc_line(text) or norm_title(text) == "目录":
            blocks.append(Block("para", text, index, style=para.style["name"],
                                highlighted=para.highlighted, source="skip", revisions=revs,
                                comments=comments))
            continue
        blocks.append(classify_paragraph(para, auto, index, known_titles, revs, comments))
    return blocks
