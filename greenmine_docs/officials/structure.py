"""A submitted document as the checks see it, whatever its format: a flat list of
:class:`Block` (headings, paragraphs, tables, figures) in body order, and how a paragraph is
recognised as a heading and given its level — shared by the Word reader
(:mod:`.docx_structure`) and the PDF reader (:mod:`.pdf_structure`)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .numbering import kind_rank, norm_title, parse_number

if TYPE_CHECKING:
    from ..findings import Location

_SENTENCE_END = re.compile(r"[。；;！？!?]")


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


@dataclass
class Para:
    text: str
    style: dict[str, Any]
    p_level: int | None
    num: tuple[str, int] | None
    bold_all: bool
    bold_prefix: str  # leading bold text when only the start is bold (run-in heading)
    heading_font: bool
    highlighted: list[str]


def _classify(para: Para, auto: tuple[str, str] | None
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


def _looks_like_heading(kind: str, para: Para, title: str, styled: bool) -> bool:
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


def classify_paragraph(para: "Para", auto: tuple[str, str] | None, index: int,
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
