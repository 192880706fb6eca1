"""Finished WordprocessingML kept as text until the package is written ("XML islands").

The big tables of the generated documents (a self-check table is 150 rows, half a megabyte of
XML) are built as text by :func:`~greenmine_docs.docx.tables.add_table`. Parsing that text
into lxml elements only for lxml to serialise it again when the package is saved was the
largest single cost of a document: about 15 ms of parsing for a self-check table alone.

In a part that allows it (:func:`enable`; the generators' documents do, a python-docx
``Document`` made elsewhere does not) such text goes into the tree as a processing instruction
``<?gm-xml …?>`` holding it, at the place the element would be, and
:func:`expand` puts the text itself in place of each instruction in the serialised part.

Why this is safe:

* The text comes from our own builders, which escape every value (``&``, ``<``, ``>`` and
  ``"``): a data value can never contain ``?>`` or ``<?gm-xml``, so it can neither end an
  island nor start one. :func:`island` refuses text holding ``?>``.
* Islands hold only ``w:`` elements (tables and paragraphs of text, no drawings), so nothing
  that numbers drawing ids or relationships needs to look inside them.
* With ``GREENMINE_CHECK_ISLANDS=1`` (the test suite sets it) every island is parsed strictly
  when it is made, so a builder that wrote XML that is not well-formed fails the tests.
"""
from __future__ import annotations

import os
from typing import Any

TARGET = "gm-xml"
_OPEN = b"<?" + TARGET.encode() + b" "
_CLOSE = b"?>"
_FLAG = "_gm_islands"
_W_DECL = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def enable(part: Any) -> None:
    """Let builders put islands into ``part`` (a document part written by
    :func:`~greenmine_docs.docx.document.package_bytes`)."""
    setattr(part, _FLAG, True)


def enabled(part: Any) -> bool:
    return getattr(part, _FLAG, False)


def _checking() -> bool:
    return os.environ.get("GREENMINE_CHECK_ISLANDS") == "1"


def island(xml: str) -> Any:
    """A processing instruction holding ``xml`` (one or more ``w:`` block elements without
    namespace declarations), to be inserted where those elements belong."""
    from lxml import etree

    if "?>" in xml:
        raise ValueError("XML island text must not contain '?>'")
    if _checking():
        etree.fromstring(f"<w:x {_W_DECL}>{xml}</w:x>".encode(),
                         etree.XMLParser(resolve_entities=False, huge_tree=True))
    return etree.ProcessingInstruction(TARGET, xml)


def is_island(element: Any) -> bool:
    from lxml import etree

    return element.tag is etree.PI and element.target == TARGET


def expand(blob: bytes) -> bytes:
    """A serialised part with every island replaced by the XML it holds."""
    start = blob.find(_OPEN)
    if start < 0:
        return blob
    out = []
    pos = 0
    while start >= 0:
        end = blob.index(_CLOSE, start)
        out.append(blob[pos:start])
        out.append(blob[start + len(_OPEN):end])
        pos = end + len(_CLOSE)
        start = blob.find(_OPEN, pos)
    out.append(blob[pos:])
    return b"".join(out)


def materialize(root: Any) -> None:
    """Replace every island under ``root`` by the elements it holds (for code that walks the
    tree, and for tests)."""
    from docx.oxml import parse_xml
    from lxml import etree

    for pi in [e for e in root.iter(etree.PI) if e.target == TARGET]:
        parent = pi.getparent()
        wrapper = parse_xml(f"<w:x {_W_DECL}>{pi.text}</w:x>")
        index = parent.index(pi)
        parent[index:index + 1] = list(wrapper)
