"""A Word document whose body is written as one XML text, without a python-docx document per
document: paragraphs, tables and page breaks appended as WordprocessingML to a
:class:`TextBody`, and the package made from a :class:`Skeleton` (a blank document built once
with python-docx, its members kept as bytes) with that text as its body.

A document built this way gives the bytes python-docx would write for the same blocks appended
to the blank document (:class:`ElementBody` does that: the reference, and the way into another
container such as a docxtpl subdocument), because the text is what lxml writes for those
elements: the blocks come from the same builders (:func:`~greenmine_docs.docx.tables.table_xml`
is :func:`~greenmine_docs.docx.tables.add_table`'s XML; paragraphs are
:func:`~greenmine_docs.docx.text.add_paragraph_xml`'s), and with ``GREENMINE_CHECK_ISLANDS=1``
(the test suite sets it) every body is checked to be what lxml would write
(:func:`~greenmine_docs.docx.islands.kept_aside`). What it saves is the document's copy,
the elements' insertion and the package's serialisation: the members other than the body are
the skeleton's bytes (compressed once, :mod:`~greenmine_docs.zipwrite`).

Used by the self-check record table (:mod:`greenmine_docs.documents.selfcheck.docx_table`),
whose body is all tables.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any, Sequence

from . import tables
from .islands import kept_aside
from .package import UNEXPANDED_PARTS, Package
from .tables import PAGE_BREAK_XML, paged_parts, table_xml
from .text import add_paragraph_xml, block_parent, ppr_xml

DOCUMENT = "word/document.xml"
_PAGE_BREAK = PAGE_BREAK_XML.encode("utf-8")


class Skeleton:
    """The package of a blank python-docx ``Document`` (``doc``; nothing is added to it
    afterwards), for bodies written as text: its members as they are written, and its document
    part cut where blocks are appended (before the body's section properties). ``part``: its
    document part, for the style lookups of the builders (style ids, fonts)."""

    def __init__(self, doc: Any) -> None:
        from .document import to_bytes

        self.part = doc.part
        with zipfile.ZipFile(io.BytesIO(to_bytes(doc))) as zf:
            self.members = [(info.filename, zf.read(info), info.compress_type)
                            for info in zf.infolist()]
        xml = next(data for name, data, _ in self.members if name == DOCUMENT)
        cut = xml.rindex(b"<w:sectPr")  # the body's own: its last child
        self.head, self.tail = xml[:cut], xml[cut:]

    def package(self, body: TextBody) -> Package:
        """The package with the blocks of ``body`` in its body: what
        :func:`~greenmine_docs.docx.document.to_bytes` writes for the blank document with
        those blocks appended. The blocks are one island of its unexpanded document part
        (:func:`~greenmine_docs.docx.islands.kept_aside`: checked to be what lxml writes when
        ``GREENMINE_CHECK_ISLANDS=1``), so that the TOC fill that follows every build reads
        a few kilobytes, not the body."""
        from ..outputs import PACKAGE_COMPRESSLEVEL
        from ..zipwrite import ZipBytes

        zf = ZipBytes(PACKAGE_COMPRESSLEVEL)
        document = body.xml(self.head, self.tail)
        blocks = document[len(self.head):len(document) - len(self.tail)]
        instruction, key = kept_aside(blocks, body.styles)
        parts: dict[str, bytes] = {}
        for name, data, kind in self.members:
            if name == DOCUMENT:
                parts[name] = self.head + instruction + self.tail  # the body as one island
                data = document
            elif name in UNEXPANDED_PARTS:
                parts[name] = data
            zf.writestr(name, data, compress_type=kind)
        return Package.of(zf.getvalue(Package), parts, {key: blocks}, {key: body.styles})


class _Blocks:
    """What both bodies do the same way with their own :meth:`table` and :meth:`page_break`."""

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]],
              **options: Any) -> None:
        raise NotImplementedError

    def page_break(self) -> None:
        raise NotImplementedError

    def paged_table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], *,
                    merges: Sequence[tuple[int, int, int]], page_pt: float,
                    first_page_pt: float, tail_pt: float = 0.0, tail_rows: int = 1,
                    **options: Any) -> None:
        """A table in parts of a page each (:func:`~greenmine_docs.docx.tables.paged_parts`),
        a page break before each part after the first."""
        parts = paged_parts(header, rows, merges=merges, page_pt=page_pt,
                            first_page_pt=first_page_pt, tail_pt=tail_pt, tail_rows=tail_rows,
                            **options)
        for n, (part, local) in enumerate(parts):
            if n:
                self.page_break()
            self.table(header, part, merges=local, **options)


class TextBody(_Blocks):
    """A body written as text: the blocks a builder appends (:meth:`paragraph`,
    :meth:`table`, :meth:`paged_table`), in UTF-8, for :meth:`Skeleton.package`. ``part``:
    the document part whose styles the blocks take (:attr:`Skeleton.part`)."""

    def __init__(self, part: Any) -> None:
        self.part = part
        self._blocks: list[bytes] = []
        self._styles: set[str] = set()

    @property
    def styles(self) -> frozenset[str]:
        """The paragraph styles the blocks hold."""
        return frozenset(self._styles)

    def paragraph(self, ppr: str | None, content: str = "", style_id: str | None = None
                  ) -> None:
        """A paragraph: ``add_paragraph_xml(container, ppr, content)``'s; ``style_id``: the
        paragraph style ``ppr`` gives it (declared with the body, checked under
        ``GREENMINE_CHECK_ISLANDS=1``)."""
        inner = ppr_xml(ppr) + content
        self._blocks.append(f"<w:p>{inner}</w:p>".encode("utf-8") if inner else b"<w:p/>")
        if style_id:
            self._styles.add(style_id)

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]],
              **options: Any) -> None:
        """A table: ``add_table(container, header, rows, **options)``'s."""
        xml, styles = table_xml(self.part, header, rows, **options)
        self._blocks.append(xml)
        self._styles.update(styles)

    def page_break(self) -> None:
        """A paragraph of no height that starts a new page: ``add_page_break``'s."""
        self._blocks.append(_PAGE_BREAK)

    def xml(self, head: bytes = b"", tail: bytes = b"") -> bytes:
        """The blocks in the order they were appended, between ``head`` and ``tail`` (joined
        once: a self-check table's body is 0.6 MB)."""
        return b"".join([head, *self._blocks, tail])


class ElementBody(_Blocks):
    """The same blocks appended as python-docx elements to ``container`` (a Document, a
    docxtpl subdocument, a cell): :class:`TextBody`'s interface over
    :func:`~greenmine_docs.docx.text.add_paragraph_xml`,
    :func:`~greenmine_docs.docx.tables.add_table` and
    :func:`~greenmine_docs.docx.tables.add_page_break`."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self._block = block_parent(container)
        self.part = self._block.part if self._block is not None else container.part

    def paragraph(self, ppr: str | None, content: str = "", style_id: str | None = None
                  ) -> None:
        add_paragraph_xml(self.container, ppr, content, self._block)

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]],
              **options: Any) -> None:
        tables.add_table(self.container, header, rows, **options)

    def page_break(self) -> None:
        tables.add_page_break(self.container)


Body = TextBody | ElementBody
"""What a body builder appends its blocks to."""
