"""Real Word lists (``w:numPr``) numbered the way official documents number them.

Official documents have no bullets: every list item carries a number that continues the heading
hierarchy 一、 （一） 1. （1）, then 1） and ①. A list placed under a heading of level L is
numbered at level L + 1 (items under "1.法律法规" are （1）, （2） …); a list inside a list
one level deeper. One abstract numbering definition is added per depth used; each list gets
its own ``w:num`` restarting at 1. The number sits at the two-character first-line indent and
wrapped lines return to the left margin, as is usual in Chinese documents.
"""
from __future__ import annotations

from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from lxml import etree

_NUM_IDS = etree.XPath("./w:num/@w:numId", namespaces={"w": nsmap["w"]})
_ABSTRACT_IDS = etree.XPath("./w:abstractNum/@w:abstractNumId", namespaces={"w": nsmap["w"]})
_BODY_TWIPS = 320  # 16 pt = one character at 3号

# number format of each depth (1 = 一、 … 6 = ①); deeper lists keep the last one
DEPTH_FORMATS = {1: ("chineseCounting", "%1、"), 2: ("chineseCounting", "（%1）"),
                 3: ("decimal", "%1."), 4: ("decimal", "（%1）"), 5: ("decimal", "%1）"),
                 6: ("decimalEnclosedCircleChinese", "%1")}
MAX_DEPTH = max(DEPTH_FORMATS)


def _depth(depth: int) -> int:
    return min(max(depth, 1), MAX_DEPTH)


def _abstract_xml(abstract_id: int, depth: int) -> str:
    fmt, text = DEPTH_FORMATS[_depth(depth)]
    first = _BODY_TWIPS * 2
    return (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="{first}" w:firstLineChars="200"/></w:pPr>'
            f'</w:lvl></w:abstractNum>')


class ListNumbering:
    """Creates list numbering in one document (pass the main document when building a
    docxtpl subdocument: its numbering part is the one that is saved)."""

    def __init__(self, doc) -> None:
        self._numbering = doc.part.numbering_part.element
        self._abstract: dict[int, int] = {}
        # what is in the numbering part, read on the first list: only this object adds
        # w:abstractNum and w:num elements, so a narrative of thousands of lists does not
        # rescan them all for each new one (that was quadratic: 2,600 lists took 17 s)
        self._scanned = False
        self._used: set[int] = set()  # the numIds in use
        self._next = 1
        self._next_abstract = 0  # one past the highest abstractNumId
        self._first_num: Any = None  # where new w:abstractNum go (before the first w:num)
        self._cleanup: Any = None  # where new w:num go (before w:numIdMacAtCleanup)
        self._ahead = False  # whether a new w:num goes before self._first_num

    def _scan(self) -> None:
        numbering = self._numbering
        self._used = {int(x) for x in _NUM_IDS(numbering)}
        self._next_abstract = max(map(int, _ABSTRACT_IDS(numbering)), default=-1) + 1
        self._first_num = numbering.find(qn("w:num"))
        self._cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
        # out of order (w:numIdMacAtCleanup first): this object's first w:num goes before it
        self._ahead = (self._first_num is not None and self._cleanup is not None
                       and numbering.index(self._cleanup) < numbering.index(self._first_num))
        self._scanned = True

    def _abstract_id(self, depth: int) -> int:
        if depth not in self._abstract:
            new_id = self._next_abstract
            self._next_abstract += 1
            el = parse_xml(_abstract_xml(new_id, depth))
            if self._first_num is not None:
                self._first_num.addprevious(el)
            else:
                self._numbering.append(el)
            self._abstract[depth] = new_id
        return self._abstract[depth]

    def new_list(self, depth: int) -> int:
        """A fresh ``numId`` for one list whose items are numbered at heading ``depth``
        (3 = ``1.``, 4 = ``（1）`` …; see :data:`DEPTH_FORMATS`), starting at 1."""
        depth = _depth(depth)
        if not self._scanned:
            self._scan()
        abstract_id = self._abstract_id(depth)
        # what python-docx's add_num does (the lowest unused numId; before any
        # w:numIdMacAtCleanup), with the start overrides, parsed in one go
        while self._next in self._used:
            self._next += 1
        num_id = self._next
        self._used.add(num_id)
        overrides = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
        num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                        f'<w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>')
        if self._cleanup is not None:
            self._cleanup.addprevious(num)
        else:
            self._numbering.append(num)
        if self._first_num is None or self._ahead:
            self._first_num, self._ahead = num, False
        return num_id


def num_pr_xml(num_id: int) -> str:
    """``w:numPr`` making a paragraph (that has no ``w:pPr`` yet) an item of list ``num_id``."""
    return f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{int(num_id)}"/></w:numPr>'
