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

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .docx_package import W, WordPackage

if TYPE_CHECKING:
    from ..findings import Location

CN_DIGITS = "零〇一二三四五六七八九"
_CN_NUM = r"[一二三四五六七八九十百零〇两]+"

# kind -> conventional rank (lower = higher in the hierarchy)
RANKS = {"chapter": 0.0, "section": 1.0, "cn": 2.0, "cn_paren": 3.0, "arabic": 4.0,
         "arabic_paren": 5.0}
KIND_LABEL = {"chapter": "第X章", "section": "第X节", "cn": "一、", "cn_paren": "（一）",
              "arabic": "1.", "arabic_paren": "（1）"}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第\s*({_CN_NUM}|\d{{1,4}})\s*[章篇部分]+\s*[、.．:：]?\s*")),
    ("section", re.compile(rf"^第\s*({_CN_NUM}|\d{{1,4}})\s*节\s*[、.．:：]?\s*")),
    ("cn", re.compile(rf"^({_CN_NUM})\s*[、.．]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*({_CN_NUM})\s*[)）]\s*[、.．]?\s*")),
    # 1.1 / 2.3.1, but not quantities such as 3.5万吨 or 1.2%
    ("decimal", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2})+)(?![.．]?\d)(?!\s*[万亿千百%％‰米吨亩元个年月日倍mkgt])"
                           r"\s*[、.．]?\s*")),
    ("arabic", re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*")),
    ("arabic_paren", re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*[、.．]?\s*")),
    ("decimal1", re.compile(r"^(\d{1,2})(?:\s+|\u3000+)(?=[\u4e00-\u9fff])")),
]
_HEADING_FONTS = ("黑体", "楷体", "小标宋", "华文中宋", "方正黑", "方正楷", "simhei", "kaiti")
_TOC_LEADERS = frozenset(".…·．_-—")
_SENTENCE_END = re.compile(r"[。；;！？!?]")


def is_toc_line(text: str) -> bool:
    """A typed table-of-contents line: a title, a leader (three or more dots, dashes or spaces,
    or a tab) and a page number of at most three digits at the end.

    Plain string scanning from the end, linear in the length: the regular expression this
    replaces backtracked cubically on a long run of spaces or tabs (68 s on 3,000 spaces)."""
    t = text.rstrip()
    end = len(t)
    while end and t[end - 1].isdecimal():
        end -= 1
    if not 1 <= len(t) - end <= 3:
        return False
    start = end
    while start and (t[start - 1] in _TOC_LEADERS or t[start - 1].isspace()):
        start -= 1
    leader = t[start:end]
    if len(leader) >= 3:
        return True
    return "\t" in leader[len(leader.rstrip()):]  # a tab, then only spaces, before the number


def cn_to_int(text: str) -> int | None:
    """``十二`` -> 12, ``一百零五`` -> 105, ``23`` -> 23; None when not a number."""
    text = text.strip().replace("两", "二")
    if text.isdecimal():
        return int(text) if len(text) <= 9 else None
    if not text or any(ch not in "零〇一二三四五六七八九十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in "十百":
            unit = 10 if ch == "十" else 100
            total += (current or 1) * unit
            current = 0
        else:
            current = max(CN_DIGITS.index(ch) - 1, 0) if ch not in "零〇" else 0
    return total + current


def _cn(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n < 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def parse_number(text: str) -> tuple[str, tuple[int, ...], str] | None:
    """``（二）主要任务`` -> ("cn_paren", (2,), "主要任务"); None when not numbered."""
    t = unicodedata.normalize("NFKC", text).strip()
    # NFKC turns （ into ( and ． into .; keep the original for the title
    for kind, pat in _PATTERNS:
        m = pat.match(t)
        if not m:
            continue
        raw = m.group(1)
        if kind == "decimal":
            nums = tuple(int(x) for x in re.split(r"[.．]", raw))
            return f"decimal{len(nums)}", nums, t[m.end():].strip()
        n = cn_to_int(raw)
        if n is None or n == 0:
            return None
        return kind, (n,), t[m.end():].strip()
    return None


def kind_rank(kind: str) -> float:
    if kind.startswith("decimal"):
        return int(kind[7:]) + 0.5
    return RANKS[kind]


def label_of(kind: str, nums: tuple[int, ...]) -> str:
    """The number as written in Chinese documents: ("cn_paren", (2,)) -> ``（二）``."""
    n = nums[-1]
    return {"chapter": f"第{_cn(n)}章", "section": f"第{_cn(n)}节", "cn": f"{_cn(n)}、",
            "cn_paren": f"（{_cn(n)}）", "arabic": f"{n}.", "arabic_paren": f"（{n}）"}.get(
        kind, ".".join(str(x) for x in nums))


@dataclass
class Block:
    """One body element in order. ``index`` counts non-empty paragraphs (1-based), as a reader
    would; tables get the index of the paragraph before them."""

    kind: str  # "heading" | "para" | "table"
    text: str
    index: int
    level: int = 0  # headings only, 1 = top
    number_kind: str | None = None  # chapter/cn/... or None (style-only heading)
    numbers: tuple[int, ...] = ()
    title: str = ""  # heading text without its number
    label: str = ""  # the number as shown: 一、 / （一） / 第一章 / 1.1
    source: str = ""  # "style" | "manual" | "auto" — how it was recognised
    style: str = ""
    highlighted: list[str] = field(default_factory=list)  # highlighted run texts
    inline_body: bool = False  # run-in heading: body text follows in the same paragraph
    style_level: int | None = None
    rows: list[list[str]] = field(default_factory=list)  # tables only: cell texts by row
    revisions: list[str] = field(default_factory=list)  # tracked changes left in: 插入“…”/删除“…”
    comments: list[str] = field(default_factory=list)  # ids of comments anchored here
    page: int | None = None  # PDF: page and line where the block starts
    line: int | None = None

    @property
    def display(self) -> str:
        return (self.label + self.title) if self.label and not self.text.startswith(
            self.label) else self.text


def locate(file: str, part: str | None, block: Block | None) -> "Location":
    """Where a finding about ``block`` is: its paragraph number in a Word file, its page and
    line in a PDF."""
    from ..findings import Location

    if block is None:
        return Location(file=file, part=part or None)
    if block.page is not None:
        return Location(file=file, part=part or None, page=block.page, line=block.line)
    return Location(file=file, part=part or None, paragraph=block.index)


@dataclass
class Structure:
    source: Path
    blocks: list[Block]
    header_footer_text: list[str] = field(default_factory=list)
    comment_texts: dict[str, str] = field(default_factory=dict)  # comment id -> author: text
    origin: str = "docx"  # "docx" | "pdf" | "ocr": how the text was obtained

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    def all_text(self) -> Iterator[Block]:
        return (b for b in self.blocks if b.kind in ("para", "table", "heading"))


# ------------------------------------------------------------------ styles and numbering

def _q(tag: str) -> str:
    return W + tag


_MAX_START = 32767  # Word's largest starting number


def _int_val(el: Any, attr: str, default: int, lo: int, hi: int) -> int:
    """An integer attribute of ``el`` held to [lo, hi]; missing or not a number -> default.
    Numbering definitions come from the submitted file: ``w:ilvl="x"`` or ``w:start="-50"``
    must not stop the check."""
    raw = el.get(_q(attr)) if el is not None else None
    try:
        value = int(raw) if raw is not None and len(raw) <= 9 else default
    except ValueError:
        value = default
    return min(max(value, lo), hi)


class _Styles:
    """Resolved properties of paragraph styles (outline level, numPr, bold, font)."""

    def __init__(self, root: Any) -> None:
        """``root``: the styles part's root element, None for a package without one."""
        self.by_id: dict[str, Any] = {}
        if root is not None:
            for st in root.findall(_q("style")):
                sid = st.get(_q("styleId"))
                if sid:
                    self.by_id[sid] = st
        self._cache: dict[str, dict[str, Any]] = {}

    def _chain(self, sid: str | None) -> list[Any]:
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            out.append(st)
            based = st.find(_q("basedOn"))
            sid = based.get(_q("val")) if based is not None else None
        return out

    def props(self, sid: str | None) -> dict[str, Any]:
        key = sid or ""
        if key in self._cache:
            return self._cache[key]
        chain = self._chain(sid)
        name = ""
        if chain:
            n = chain[0].find(_q("name"))
            name = n.get(_q("val")) if n is not None else ""
        level = None
        m = re.match(r"^(?:heading|标题)\s*(\d)$", name.strip(), re.I)
        if m:
            level = int(m.group(1))
        num = None
        bold = None
        font = None
        for st in chain:
            ppr = st.find(_q("pPr"))
            if ppr is not None:
                if level is None:
                    outline_level = _int_val(ppr.find(_q("outlineLvl")), "val", 9, 0, 9)
                    if outline_level < 9:
                        level = outline_level + 1
                if num is None:
                    num = _num_pr(ppr)
            rpr = st.find(_q("rPr"))
            if rpr is not None:
                if bold is None:
                    b = rpr.find(_q("b"))
                    if b is not None:
                        bold = b.get(_q("val"), "true") not in ("0", "false", "off")
                if font is None:
                    rf = rpr.find(_q("rFonts"))
                    if rf is not None and rf.get(_q("eastAsia")):
                        font = rf.get(_q("eastAsia"))
        kind = "other"
        lname = name.lower()
        if lname in ("title", "subtitle", "标题", "副标题") or lname.startswith(("toc", "目录")):
            kind = "skip"
        props = {"name": name, "level": level, "num": num, "bold": bool(bold), "font": font,
                 "kind": kind}
        self._cache[key] = props
        return props


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    np_ = ppr.find(_q("numPr"))
    if np_ is None:
        return None
    nid = np_.find(_q("numId"))
    ilvl = np_.find(_q("ilvl"))
    num_id = nid.get(_q("val")) if nid is not None else None
    if not num_id or num_id == "0":
        return ("0", 0)  # explicit "no numbering" (overrides the style's)
    return num_id, _int_val(ilvl, "val", 0, 0, 8)


class _Numbering:
    """Rebuilds automatic numbers: ``numId`` -> level definitions, with running counters."""

    def __init__(self, root: Any) -> None:
        """``root``: the numbering part's root element, None for a package without one."""
        self.levels: dict[str, dict[int, dict[str, Any]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, dict[str, Any]]] = {}
        for an in root.findall(_q("abstractNum")):
            lv: dict[int, dict[str, Any]] = {}
            for lvl in an.findall(_q("lvl")):
                lv[_int_val(lvl, "ilvl", 0, 0, 8)] = self._lvl(lvl)
            abstract[an.get(_q("abstractNumId"))] = lv
        for num in root.findall(_q("num")):
            aid = num.find(_q("abstractNumId"))
            lv = dict(abstract.get(aid.get(_q("val")) if aid is not None else "", {}))
            for ov in num.findall(_q("lvlOverride")):
                ilvl = _int_val(ov, "ilvl", 0, 0, 8)
                base = dict(lv.get(ilvl, {"fmt": "decimal", "text": f"%{ilvl + 1}.", "start": 1}))
                so = ov.find(_q("startOverride"))
                if so is not None:
                    base["start"] = _int_val(so, "val", 1, 0, _MAX_START)
                inner = ov.find(_q("lvl"))
                if inner is not None:
                    base.update(self._lvl(inner))
                lv[ilvl] = base
            self.levels[num.get(_q("numId"))] = lv

    @staticmethod
    def _lvl(lvl: Any) -> dict[str, Any]:
        def val(tag: str, default: str) -> str:
            el = lvl.find(_q(tag))
            return el.get(_q("val"), default) if el is not None else default

        return {"fmt": val("numFmt", "decimal"), "text": val("lvlText", ""),
                "start": _int_val(lvl.find(_q("start")), "val", 1, 0, _MAX_START)}

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the counter and return (label text, numFmt of this level)."""
        lv = self.levels.get(num_id)
        if not lv or ilvl not in lv:
            return None
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, lv[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt = lv[ilvl]["fmt"]
        if fmt in ("bullet", "none"):
            return None

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            value = counters.get(k, lv.get(k, {}).get("start", 1))
            f = lv.get(k, {}).get("fmt", "decimal")
            if f.startswith(("chinese", "ideograph", "japaneseCounting", "taiwanese")):
                return _cn(value)
            return str(value)

        return re.sub(r"%(\d)", render, lv[ilvl]["text"]), fmt


# ------------------------------------------------------------------ reading paragraphs

@dataclass
class _Para:
    text: str
    style: dict[str, Any]
    p_level: int | None
    num: tuple[str, int] | None
    bold_all: bool
    bold_prefix: str  # leading bold text when only the start is bold (run-in heading)
    heading_font: bool
    highlighted: list[str]


def _run_props(r: Any, style: dict[str, Any]) -> tuple[bool, str | None, bool]:
    rpr = r.find(_q("rPr"))
    bold = style["bold"]
    font = style["font"]
    hl = False
    if rpr is not None:
        b = rpr.find(_q("b"))
        if b is not None:
            bold = b.get(_q("val"), "true") not in ("0", "false", "off")
        rf = rpr.find(_q("rFonts"))
        if rf is not None and rf.get(_q("eastAsia")):
            font = rf.get(_q("eastAsia"))
        h = rpr.find(_q("highlight"))
        if h is not None and h.get(_q("val"), "none") != "none":
            hl = True
        shd = rpr.find(_q("shd"))
        if shd is not None and (shd.get(_q("fill")) or "").upper() in ("FFFF00", "YELLOW"):
            hl = True
    return bold, font, hl


def _runs(p: Any) -> Iterator[Any]:
    """Text runs of a paragraph, including those inside hyperlinks, smart tags and
    inserted (tracked) text; deleted text is skipped."""
    for el in p.iter(_q("r")):
        parent = el.getparent()
        if parent is not None and parent.tag == _q("del"):
            continue
        yield el


def _run_text(r: Any) -> str:
    out = []
    for ch in r:
        if ch.tag == _q("t"):
            out.append(ch.text or "")
        elif ch.tag == _q("tab"):
            out.append("\t")
        elif ch.tag in (_q("br"), _q("cr")):
            out.append("\n")
    return "".join(out)


def _read_para(p: Any, styles: _Styles) -> _Para:
    ppr = p.find(_q("pPr"))
    sid = None
    p_level = None
    num = None
    if ppr is not None:
        ps = ppr.find(_q("pStyle"))
        sid = ps.get(_q("val")) if ps is not None else None
        outline_level = _int_val(ppr.find(_q("outlineLvl")), "val", 9, 0, 9)
        if outline_level < 9:
            p_level = outline_level + 1
        num = _num_pr(ppr)
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
    return _Para(text=text, style=style, p_level=p_level, num=num, bold_all=bold_all,
                 bold_prefix=prefix.strip(), heading_font=heading_font, highlighted=highlighted)


def _body_elements(el: Any) -> Iterator[Any]:
    """Paragraphs and tables inside one body element, in order: content controls and custom
    XML wrappers are opened, except a table-of-contents control."""
    if el.tag in (_q("p"), _q("tbl")):
        yield el
    elif el.tag == _q("sdt"):
        gallery = el.find(f"{_q('sdtPr')}/{_q('docPartObj')}/{_q('docPartGallery')}")
        if gallery is not None and "content" in (gallery.get(_q("val")) or "").lower():
            return  # "Table of Contents"
        content = el.find(_q("sdtContent"))
        for child in content if content is not None else ():
            yield from _body_elements(child)
    elif el.tag == _q("customXml"):
        for child in el:
            yield from _body_elements(child)


def _table_text(tbl: Any, styles: _Styles) -> tuple[str, list[str], list[list[str]]]:
    """(all cell paragraphs joined by line breaks, highlighted texts, rows of cell texts).
    A merged cell is one cell (Word keeps one ``w:tc`` with a span); a nested table's text
    belongs to the cell that holds it."""
    texts: list[str] = []
    highlighted: list[str] = []
    rows = []
    for tr in _children(tbl, "tr"):
        cells = []
        for tc in _children(tr, "tc"):
            paras = [_read_para(p, styles) for p in tc.iter(_q("p"))]
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
        if child.tag == _q(tag):
            yield child
        elif child.tag == _q("sdt"):
            content = child.find(_q("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _q("customXml"):
            yield from _children(child, tag)


def _classify(para: _Para, auto: tuple[str, str] | None
              ) -> tuple[str, tuple[int, ...], str, str, str] | None:
    """(number kind, numbers, title, label, source) for a heading candidate, or None."""
    text = para.text.strip()
    if auto is not None:
        label, fmt = auto
        parsed = parse_number(label.strip() + " 标")  # a dummy title after the number
        if parsed is None and fmt == "decimal" and re.fullmatch(r"\d+", label.strip()):
            parsed = ("decimal1", (int(label.strip()),), "")
        if parsed is not None:
            return parsed[0], parsed[1], text, label.strip(), "auto"
        return None
    parsed = parse_number(text)
    if parsed is None:
        return None
    kind, nums, title = parsed
    m = len(text) - len(text.lstrip())
    label = text[m:len(text) - len(title)].strip() if title else text.strip()
    return kind, nums, title, label, "manual"


def _looks_like_heading(kind: str, para: _Para, title: str, styled: bool) -> bool:
    """Typed numbers also start list items and sentences: require heading looks."""
    strong = styled or para.bold_all or para.heading_font
    text = para.text.strip()
    if not title:
        return False
    if kind in ("chapter", "section"):
        return len(text) <= 40 and not _SENTENCE_END.search(text)
    if strong:
        return len(text) <= 60
    short = len(text) <= 25 and not _SENTENCE_END.search(text) and "，" not in text
    if kind in ("cn", "cn_paren"):
        return short
    if kind.startswith("decimal") and kind != "decimal1":
        return short
    return False


def read_structure(path: str | Path, *, known_titles: dict[str, str] | None = None) -> Structure:
    """All blocks of ``path`` with headings recognised and levelled.

    ``known_titles`` (normalised outline titles) lets an unnumbered bold line such as
    ``前言`` or ``附件`` count as a heading when it is exactly an outline title."""
    with WordPackage(path) as pkg:
        styles = _Styles(pkg.related_xml("styles"))
        numbering = _Numbering(pkg.related_xml("numbering"))
        blocks = _read_blocks(pkg, styles, numbering, known_titles)
        extra = [text for part in (*pkg.parts_of_type("header"), *pkg.parts_of_type("footer"))
                 for text in _part_texts(pkg.read_xml(part), styles)]
        comments = _comment_texts(pkg.related_xml("comments"), styles)
    assign_levels([b for b in blocks if b.kind == "heading"], known_titles)
    return Structure(source=Path(path), blocks=blocks, header_footer_text=extra,
                     comment_texts=comments)


def _comment_texts(root: Any, styles: _Styles) -> dict[str, str]:
    """Comment id -> ``author：text`` from the comments part."""
    out: dict[str, str] = {}
    if root is None:
        return out
    for c in root.iter(_q("comment")):
        text = "".join(_read_para(p, styles).text for p in c.iter(_q("p"))).strip()
        author = c.get(_q("author")) or ""
        out[c.get(_q("id")) or ""] = f"{author}：{text}" if author else text
    return out


_REVISION_TAGS = ("ins", "del", "moveFrom", "moveTo")


def _revisions_and_comments(el: Any) -> tuple[list[str], list[str]]:
    """Tracked changes (inserted/deleted text, shortened) and anchored comment ids in a
    paragraph or table."""
    revisions = []
    for tag in _REVISION_TAGS:
        for rev in el.iter(_q(tag)):
            texts = "".join(t.text or "" for t in rev.iter(_q("t"), _q("delText")))
            what = "插入" if tag in ("ins", "moveTo") else "删除"
            if texts.strip():
                revisions.append(f"{what}“{texts[:30]}{'…' if len(texts) > 30 else ''}”")
    comments = [c.get(_q("id")) or "" for c in el.iter(_q("commentReference"))]
    return revisions, comments


def _part_texts(root: Any, styles: _Styles) -> list[str]:
    """Non-empty paragraph texts of a header or footer part."""
    if root is None:
        return []
    texts = (_read_para(p, styles).text for p in root.iter(_q("p")))
    return [t for t in texts if t.strip()]


def _read_blocks(pkg: WordPackage, styles: _Styles, numbering: "_Numbering",
                 known_titles: dict[str, str] | None) -> list[Block]:
    """The body, streamed, as blocks (headings not levelled yet)."""
    blocks: list[Block] = []
    index = 0
    for el in (e for top in pkg.iter_body() for e in _body_elements(top)):
        if el.tag == _q("tbl"):
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
            if any(True for _ in el.iter(_q("drawing"), _q("pict"), _q("object"))):
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


def classify_paragraph(para: "_Para", auto: tuple[str, str] | None, index: int,
                       known_titles: dict[str, str] | None, revisions: tuple[str, ...] | list[str] = (),
                       comments: tuple[str, ...] | list[str] = ()) -> Block:
    """A paragraph as a heading (numbered, styled, run-in or a known unnumbered title) or as
    body text. Shared by the Word and the PDF reader."""
    text = para.text.strip()
    style_level = para.p_level or para.style["level"]
    styled = style_level is not None
    cls = _classify(para, auto)
    block = Block("para", text, index, style=para.style["name"], highlighted=para.highlighted,
                  style_level=style_level, revisions=list(revisions), comments=list(comments))
    if cls is not None:
        kind, nums, title, label, source = cls
        run_in = None
        if not styled and not para.bold_all and para.bold_prefix and source == "manual":
            pre = parse_number(para.bold_prefix)
            if pre is not None and pre[0] == kind and pre[2]:
                run_in = pre[2].rstrip("。：:．.")
        if run_in is not None and len(para.bold_prefix) <= 40:
            block.kind, block.number_kind, block.numbers = "heading", kind, nums
            block.title, block.label, block.source = run_in, label, source
            block.inline_body = True
        elif _looks_like_heading(kind, para, title, styled):
            block.kind, block.number_kind, block.numbers = "heading", kind, nums
            block.title, block.label, block.source = title, label, source
            if styled:
                block.source = "style+" + source
    elif styled and len(text) <= 80:
        block.kind, block.title, block.source = "heading", text, "style"
    elif known_titles is not None and (para.bold_all or para.heading_font) and \
            len(text) <= 20 and (norm_title(text) in known_titles
                                 or norm_title(text) in FRONT_MATTER):
        block.kind, block.title, block.source = "heading", text, "known"
    return block


FRONT_MATTER = {"前言", "编制说明", "序言", "说明", "目录", "摘要", "概要", "编制单位", "扉页"}
"""Unnumbered titles before the chapters that are front matter, not chapters (normalised)."""


def assign_levels(headings: list[Block], known: dict[str, str] | None = None) -> None:
    """Give every heading its level, learnt from the document itself.

    A numbering kind (第X章, 一、, （一）, 1., 1.1 …) takes the heading-style level it has where
    the author also used a heading style. Otherwise its place comes from how the kinds nest in
    this document: a kind whose first number (1, 一) follows a heading of another kind is that
    kind's child, so 一、 under a styled 第一章 is level 2 and （一） under 一、 is level 3,
    whatever the conventional order would say. Kinds with no evidence either way fall back to
    the conventional order 第X章 → 第X节 → 一、 → （一） → 1. → （1）. An unnumbered outline
    section title (附表 under 附表与附图) sits one level below its chapter."""
    levels = _kind_levels(headings)
    last_top: Block | None = None
    for h in headings:
        if h.style_level is not None:
            h.level = h.style_level
        elif h.number_kind:
            h.level = levels[h.number_kind]
        else:
            parent = (known or {}).get(norm_title(h.title or h.text), "")
            h.level = 2 if parent and last_top is not None and \
                norm_title(last_top.title) in parent.split("|") else 1
        if h.level == 1:
            last_top = h
    top = min((h.level for h in headings), default=1)
    for h in headings:
        h.level = h.level - top + 1


def _kind_levels(headings: list[Block]) -> dict[str, int]:
    learned: dict[str, Counter[int]] = {}
    nests: Counter[tuple[str, str]] = Counter()
    prev: Block | None = None
    for h in headings:
        k = h.number_kind
        if k and h.style_level is not None:
            learned.setdefault(k, Counter())[h.style_level] += 1
        if k and prev is not None and prev.number_kind and prev.number_kind != k and \
                h.numbers and h.numbers[-1] == 1:
            nests[(prev.number_kind, k)] += 1
        prev = h
    kinds = sorted({h.number_kind for h in headings if h.number_kind}, key=kind_rank)
    level = {k: c.most_common(1)[0][0] for k, c in learned.items()}

    def parents(k: str) -> list[str]:
        return [p for p in kinds if nests[(p, k)] > nests[(k, p)] or
                (nests[(p, k)] and nests[(p, k)] == nests[(k, p)] and kind_rank(p) < kind_rank(k))]

    for _ in range(len(kinds) + 1):
        for k in kinds:
            if k in learned:
                continue
            ps = parents(k)
            if ps and all(p in level for p in ps):
                level[k] = max(level[p] for p in ps) + 1
            elif not ps:
                above = [level[p] for p in kinds if p in level and kind_rank(p) < kind_rank(k)
                         and p != k]
                below = [level[p] for p in kinds if p in learned and kind_rank(p) > kind_rank(k)]
                if above:
                    level[k] = max(above) + 1
                elif below:
                    level[k] = max(1, min(below) - 1)
                else:
                    level[k] = 1
    for k in kinds:  # a cycle of evidence left over: conventional order
        level.setdefault(k, kinds.index(k) + 1)
    return level


_TITLE_JUNK = re.compile(r"[\s\u3000、，,。.．：:；;（）()《》“”\"'‘’【】\[\]—\-_/]+")


def norm_title(text: str) -> str:
    """For matching titles: NFKC, numbering and punctuation removed."""
    parsed = parse_number(text)
    t = parsed[2] if parsed else text
    return _TITLE_JUNK.sub("", unicodedata.normalize("NFKC", t)).lower()
