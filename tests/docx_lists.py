"""How a DOCX numbers its lists: the first level's number format and text of every ``w:num``."""
from __future__ import annotations

from docx.oxml.ns import qn


def list_formats(doc) -> dict[int, tuple[str, str]]:
    """numId -> (numFmt, lvlText) of the list's first level."""
    numbering = doc.part.numbering_part.element
    abstract = {}
    for a in numbering.findall(qn("w:abstractNum")):
        lvl = a.find(qn("w:lvl"))
        abstract[a.get(qn("w:abstractNumId"))] = (
            lvl.find(qn("w:numFmt")).get(qn("w:val")), lvl.find(qn("w:lvlText")).get(qn("w:val")))
    return {int(n.get(qn("w:numId"))): abstract[n.find(qn("w:abstractNumId")).get(qn("w:val"))]
            for n in numbering.findall(qn("w:num"))}


def item_formats(doc) -> list[tuple[str, str, str]]:
    """(text, numFmt, lvlText) of every list item paragraph, in order."""
    formats = list_formats(doc)
    return [(p.text, *formats[int(p._p.pPr.numPr.numId.val)]) for p in doc.paragraphs
            if p._p.pPr is not None and p._p.pPr.numPr is not None]
