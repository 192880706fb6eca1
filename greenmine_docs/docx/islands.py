"""Finished WordprocessingML kept as text until the package is written ("XML islands").

The big tables of the generated documents (a self-check table is 150 rows, half a megabyte of
XML) are built as text by :func:`~greenmine_docs.docx.tables.add_table`. Parsing that text
into lxml elements only for lxml to serialise it again when the package is saved was the
largest single cost of a document: about 15 ms of parsing for a self-check table alone.

In a part that allows it (:func:`enable`; the generators' documents do, a python-docx
``Document`` made elsewhere does not) such text is kept in the part's own table of islands, and
the tree gets a processing instruction ``<?gm-xml N?>`` naming it at the place the elements
would be. :func:`~greenmine_docs.docx.document.package_bytes` puts each text in place of its
instruction in the serialised part (:func:`expand`).

Why this is safe:

* The text comes from our own builders, which escape every value (``&``, ``<``, ``>`` and
  ``"``): data can neither close an element early nor write ``<?gm-xml``.
* Islands hold only ``w:`` elements (tables and paragraphs of text, no drawings), so nothing
  that numbers drawing ids or relationships needs to look inside them.
* With ``GREENMINE_CHECK_ISLANDS=1`` (the test suite sets it) every island is parsed strictly
  when it is made, so a builder that wrote XML that is not well-formed fails the tests.
* An island's text lives as long as its part; copies of an island in the same part (a
  subdocument used twice) name the same text.
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Iterable

from lxml import etree

from .. import envvars
from .text import NSDECL_W

TARGET = "gm-xml"
_FLAG = "_gm_islands"
_DECLARED = "_gm_island_styles"  # key -> the paragraph styles its builder says it holds
_HEADINGS = "_gm_island_headings"  # key -> (style id, text) of an island that is one heading
_INSTRUCTION = re.compile(rb"<\?gm-xml (\d+)\?>")
_keys = itertools.count(1)  # unique in the process: parts' tables can be merged


def enable(part: Any) -> None:
    """Let builders put islands into ``part`` (a document part written by
    :func:`~greenmine_docs.docx.document.package_bytes`)."""
    if getattr(part, _FLAG, None) is None:
        setattr(part, _FLAG, {})
        setattr(part, _DECLARED, {})
        setattr(part, _HEADINGS, {})


def enabled(part: Any) -> bool:
    return getattr(part, _FLAG, None) is not None


def _checking() -> bool:
    return envvars.get("GREENMINE_CHECK_ISLANDS") == "1"  # asked at every island


Text = str | bytes
"""An island's XML: text, or the UTF-8 bytes a builder made it in (a table's remembered rows)."""


def as_str(xml: Text) -> str:
    """An island's XML as text."""
    return xml if isinstance(xml, str) else xml.decode("utf-8")


def island(part: Any, xml: Text, *, styles: Iterable[str] | None = None,
           heading: tuple[str, str] | None = None) -> Any:
    """A processing instruction standing for ``xml`` (one or more ``w:`` block elements
    without namespace declarations) in ``part``, to be inserted where those elements belong.

    ``styles``: the builder's word that ``xml`` holds no field, outline level or section
    break, and paragraphs of these styles only — what a table of contents fill would otherwise
    search the text for (:func:`~greenmine_docs.docx.toc.fill_tocs`; a big table's text is
    then not searched). Checked with the XML in the tests.

    ``heading``: the builder's word that ``xml`` is one paragraph of that style id, without an
    outline level, section break or field of its own, whose text is that (as a TOC lists it):
    a TOC fill takes its entry from here and leaves the island as text
    (:func:`~greenmine_docs.docx.toc.packaged_headings`). Checked with the XML in the tests."""
    if _checking():
        check_canonical(as_str(xml))
        if styles is not None:
            check_declared(as_str(xml), set(styles))
        if heading is not None:
            check_heading(as_str(xml), *heading)
    key = next(_keys)
    getattr(part, _FLAG)[key] = xml
    if styles is not None:
        getattr(part, _DECLARED)[key] = frozenset(styles)
    if heading is not None:
        getattr(part, _HEADINGS)[key] = heading
    return instruction(str(key))


def island_in(table: dict[int, Text], xml: Text) -> Any:
    """A processing instruction standing for ``xml`` kept in ``table``, the islands of a part
    as it is being written (:func:`texts`), rather than in a part's own: what a TOC fill adds
    as the part is packaged (:func:`~greenmine_docs.docx.toc.packaged_headings`). Checked as
    :func:`island`'s text is."""
    if _checking():
        check_canonical(as_str(xml))
    key = next(_keys)
    table[key] = xml
    return instruction(str(key))


def kept_aside(xml: Text, styles: Iterable[str]) -> tuple[bytes, int]:
    """The instruction (UTF-8, as lxml writes it) and key of ``xml`` kept as an island outside
    any part: a body written as text (:mod:`~greenmine_docs.docx.textdoc`) is one island of the
    package's unexpanded document part (:class:`~greenmine_docs.docx.package.Package`), which a
    TOC fill then reads without the body. ``styles`` as :func:`island`'s (checked likewise)."""
    if _checking():
        check_canonical(as_str(xml))
        check_declared(as_str(xml), set(styles))
    key = next(_keys)
    return f"<?{TARGET} {key}?>".encode("ascii"), key


_SPARE: list[Any] = []  # instructions made in one parse, not yet handed out
SPARE_BATCH = 64


def instruction(text: str) -> Any:
    """``etree.ProcessingInstruction(TARGET, text)``, made cheaper: lxml makes a document of
    its own for every node it creates alone (most of an island's cost, ~400 of them a mine), so
    instructions are parsed :data:`SPARE_BATCH` at a time and handed out with their text set.
    The same node: a tree that gets it moves it into its own document, as it would the other."""
    try:
        pi = _SPARE.pop()
    except IndexError:  # (another thread may have taken the last one since a test for it)
        made = list(etree.fromstring(f"<x>{f'<?{TARGET} ?>' * SPARE_BATCH}</x>"))
        pi = made.pop()
        _SPARE.extend(made)
    pi.text = text
    return pi


def check_canonical(xml: str) -> None:
    """Fail unless ``xml`` is well-formed and exactly what lxml writes for the elements it
    stands for: a part whose islands are all canonical can have its tree changed and be
    serialised again without parsing the islands (:func:`~greenmine_docs.docx.toc.fill_tocs`),
    giving the bytes a parse of the whole part would."""
    wrapped = f"<w:x {NSDECL_W}>{xml}</w:x>"
    root = etree.fromstring(wrapped.encode(),
                            etree.XMLParser(resolve_entities=False, huge_tree=True))
    if etree.tostring(root, encoding="unicode") != wrapped:
        raise ValueError(f"XML island not as lxml writes it: {xml[:200]}")


_STYLE_VALUE = re.compile(r'<w:pStyle w:val="([^"]*)"/>')
UNDECLARED = ("w:fldChar", "w:fldSimple", "w:instrText", "w:outlineLvl", "w:sectPr")
"""What an island declared by its styles never holds."""


def check_declared(xml: str, styles: set[str]) -> None:
    """Fail unless ``xml`` holds nothing of :data:`UNDECLARED` and its paragraph styles are
    among ``styles``."""
    used = set(_STYLE_VALUE.findall(xml))
    if any(mark in xml for mark in UNDECLARED) or not used <= styles \
            or len(_STYLE_VALUE.findall(xml)) != xml.count("<w:pStyle"):
        raise ValueError(f"XML island holds more than its builder declared: {xml[:200]}")


def check_heading(xml: str, style_id: str, text: str) -> None:
    """Fail unless ``xml`` is one paragraph of style ``style_id`` whose text (its ``w:t``,
    joined and stripped) is ``text``, holding nothing of :data:`UNDECLARED`."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(f"<w:x {NSDECL_W}>{xml}</w:x>")
    style = root.find(f"{w}p/{w}pPr/{w}pStyle")
    own = "".join(t.text or "" for t in root.iter(f"{w}t")).strip()
    if len(root) != 1 or root[0].tag != f"{w}p" or style is None \
            or style.get(f"{w}val") != style_id or own != text \
            or any(mark in xml for mark in UNDECLARED):
        raise ValueError(f"XML island is not the heading its builder declared: {xml[:200]}")


def is_island(element: Any) -> bool:
    return element.tag is etree.PI and element.target == TARGET


def texts(parts: Iterable[Any]) -> dict[int, Text]:
    """The islands of every part in ``parts``."""
    return _merged(parts, _FLAG)


def declared(parts: Iterable[Any]) -> dict[int, frozenset[str]]:
    """The paragraph styles of the islands of ``parts`` whose builders declared them."""
    return _merged(parts, _DECLARED)


def headings(parts: Iterable[Any]) -> dict[int, tuple[str, str]]:
    """The islands of ``parts`` that are one heading each: key -> (style id, text)."""
    return _merged(parts, _HEADINGS)


def _merged(parts: Iterable[Any], table: str) -> dict[int, Any]:
    """The per-part table ``table`` of every part in ``parts``, in one."""
    found: dict[int, Any] = {}
    for part in parts:
        own = getattr(part, table, None)
        if own:
            found.update(own)
    return found


def expand(blob: bytes, table: dict[int, Text]) -> bytes:
    """A serialised part with every island instruction replaced by the XML it stands for."""
    if not table or b"<?gm-xml " not in blob:
        return blob

    def utf8(m: re.Match[bytes]) -> bytes:
        xml = table[int(m.group(1))]
        return xml if isinstance(xml, bytes) else xml.encode("utf-8")

    return _INSTRUCTION.sub(utf8, blob)


def materialize(part: Any, root: Any) -> None:
    """Replace every island under ``root`` by the elements it stands for (for code that walks
    the tree, and for tests)."""
    put_in(root, getattr(part, _FLAG, None) or {})


def put_back(part: Any, instruction: Any) -> Any:
    """Put the element the island ``instruction`` of ``part`` stands for (one element: a
    paragraph a builder kept as text) in its place, and return it. Its text stays in the part's
    table, named by nothing."""
    from docx.oxml import parse_xml

    element, = parse_xml(f"<w:x {NSDECL_W}>{as_str(getattr(part, _FLAG)[int(instruction.text)])}"
                         "</w:x>")
    instruction.getparent().replace(instruction, element)
    return element


def put_in(root: Any, table: dict[int, Text], keys: set[int] | None = None) -> None:
    """Replace the islands under ``root`` (those of ``keys``, or all) by the elements their
    texts in ``table`` stand for."""
    from docx.oxml import parse_xml

    found = [e for e in root.iter(etree.PI) if e.target == TARGET
             and (keys is None or int(e.text) in keys)]
    if not found:
        return
    # all of them parsed in one go, each in a wrapper of its own
    wrappers = parse_xml("".join([f"<w:x {NSDECL_W}>", *(
        f"<w:y>{as_str(table[int(pi.text)])}</w:y>" for pi in found), "</w:x>"]))
    for pi, wrapper in zip(found, list(wrappers)):
        parent = pi.getparent()
        index = parent.index(pi)
        parent[index:index + 1] = list(wrapper)
