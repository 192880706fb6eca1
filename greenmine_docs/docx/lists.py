"""Real Word lists (``w:numPr``) for Markdown bullet and ordered lists.

Two abstract numbering definitions are added to the document's numbering part once:
bullets (● / ○ / ▪) and ordered lists (``1.`` / ``（1）`` / ``a)``). Each ordered list
gets its own ``w:num`` with a start override, so every list starts again at 1. Indents follow
the body text: the number sits at the two-character first-line indent and wrapped lines return
to the left margin, as is usual in Chinese documents.
"""
from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from lxml import etree

_NUM_IDS = etree.XPath("./w:num/@w:numId", namespaces={"w": nsmap["w"]})
_BODY_TWIPS = 320  # 16 pt = one character at 3号

_LEVELS = {
    "bullet": [("bullet", "●", "宋体", 18), ("bullet", "○", "宋体", 18), ("bullet", "▪", "宋体", 18)],
    "ordered": [("decimal", "%1.", None, None), ("decimal", "（%2）", None, None),
                ("lowerLetter", "%3)", None, None)],
}


def _abstract_xml(abstract_id: int, kind: str) -> str:
    lvls = []
    for ilvl, (fmt, text, font, size) in enumerate(_LEVELS[kind]):
        rpr = ""
        if font:
            rpr = (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" '
                   f'w:hint="eastAsia"/><w:sz w:val="{size}"/></w:rPr>')
        suff = "space" if kind == "bullet" else "nothing"
        first = _BODY_TWIPS * (2 + 2 * ilvl)
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="{first}" w:firstLineChars="{200 + 200 * ilvl}"/>'
            f'</w:pPr>{rpr}</w:lvl>')
    return (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{"".join(lvls)}</w:abstractNum>')


class ListNumbering:
    """Creates list numbering in one document (pass the main document when building a
    docxtpl subdocument: its numbering part is the one that is saved)."""

    def __init__(self, doc) -> None:
        self._numbering = doc.part.numbering_part.element
        self._abstract: dict[str, int] = {}

    def _abstract_id(self, kind: str) -> int:
        if kind not in self._abstract:
            ids = [int(a.get(qn("w:abstractNumId"))) for a in
                   self._numbering.findall(qn("w:abstractNum"))]
            new_id = max(ids, default=-1) + 1
            el = parse_xml(_abstract_xml(new_id, kind))
            first_num = self._numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(el)
            else:
                self._numbering.append(el)
            self._abstract[kind] = new_id
        return self._abstract[kind]

    def new_list(self, kind: str) -> int:
        """A fresh ``numId`` for one list (``kind`` = ``bullet`` or ``ordered``), restarting
        every level at 1."""
        abstract_id = self._abstract_id(kind)
        # what python-docx's add_num does (the lowest unused numId; before any
        # w:numIdMacAtCleanup), with the start overrides, parsed in one go
        used = {int(x) for x in _NUM_IDS(self._numbering)}
        num_id = next(n for n in range(1, len(used) + 2) if n not in used)
        overrides = "".join(f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="1"/>'
                            f"</w:lvlOverride>" for ilvl in range(len(_LEVELS[kind])))
        num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                        f'<w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>')
        cleanup = self._numbering.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            self._numbering.append(num)
        return num_id


def num_pr_xml(num_id: int, level: int = 0) -> str:
    """``w:numPr`` making a paragraph (that has no ``w:pPr`` yet) an item of list ``num_id`` at
    ``level``: what :func:`set_list` writes."""
    return (f'<w:numPr><w:ilvl w:val="{min(level, 2)}"/>'
            f'<w:numId w:val="{int(num_id)}"/></w:numPr>')


def set_list(paragraph, num_id: int, level: int = 0) -> None:
    """Make ``paragraph`` an item of list ``num_id`` at ``level`` (0-based)."""
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = ppr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = min(level, 2)
    num_pr.get_or_add_numId().val = num_id
    # the paragraph's own first-line indent would add to the number's; let the level decide
    ind = ppr.find(qn("w:ind"))
    if ind is not None:
        ppr.remove(ind)
