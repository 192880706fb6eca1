"""A DOCX package's bytes that remember the parts a table of contents fill rewrites, as they
were serialised before XML islands were put in (:mod:`~greenmine_docs.docx.islands`).

:func:`~greenmine_docs.docx.toc.fill_tocs` parses ``word/document.xml`` to write the entries of
a TOC, then serialises it again. In the package that is the expanded part (a self-check table
alone is half a megabyte of XML): parsing and writing it back, and inflating and deflating it,
was the largest cost of finishing a document. The unexpanded part holds each island as a
one-line instruction, so it is a tenth of that size. Filling that one and putting the islands
in afterwards gives the same bytes, because the islands are exactly what lxml would write for
them (:func:`~greenmine_docs.docx.islands.check_canonical`, checked whenever the tests make
one) and the fill looks at nothing inside them (``fill_tocs`` falls back to the whole part
when an island holds a field, a heading or a section break).

A :class:`Package` is a ``bytes``; anything that derives new bytes from it (a rewrite of the
package) gets plain bytes, which take the plain path. It pickles as plain bytes.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .islands import Text

UNEXPANDED_PARTS = frozenset({"word/document.xml", "word/styles.xml"})


class Package(bytes):
    """Package bytes; ``parts``: member name -> that member's content before the islands were
    put in (the members of :data:`UNEXPANDED_PARTS` that the package has); ``islands``: the
    island texts by key; ``declared``: the paragraph styles of the islands whose builders
    declared them (:func:`~greenmine_docs.docx.islands.island`); ``tocs_filled``: its tables
    of contents got their headings as it was written
    (:func:`~greenmine_docs.docx.toc.headings_when_packaged`); ``links_outside``: a
    relationship written links outside the package (an external target other than a
    hyperlink: what :func:`~greenmine_docs.docx.external.strip_external` removes). ``of`` takes a ``Package``
    made for it (:meth:`~greenmine_docs.zipwrite.ZipBytes.getvalue`) as it is, other bytes
    copied into a new one."""

    parts: dict[str, bytes]
    islands: dict[int, Text]
    declared: dict[int, frozenset[str]]
    tocs_filled: bool
    links_outside: bool

    @classmethod
    def of(cls, data: bytes, parts: dict[str, bytes], islands: dict[int, Text],
           declared: dict[int, frozenset[str]] | None = None, *,
           tocs_filled: bool = False, links_outside: bool = False) -> Package:
        package = data if type(data) is cls else cls(data)  # (made as one: not copied again)
        package.parts, package.islands = dict(parts), islands
        package.declared = declared or {}
        package.tocs_filled = tocs_filled
        package.links_outside = links_outside
        return package

    def __reduce__(self) -> tuple[Any, ...]:
        return bytes, (bytes(self),)


def unexpanded(data: bytes, name: str) -> tuple[bytes, dict[int, Text]] | None:
    """Member ``name`` of the package ``data`` before its islands were put in, and the island
    texts; None when ``data`` does not remember it."""
    parts = getattr(data, "parts", None)
    if not isinstance(data, Package) or parts is None or name not in parts:
        return None
    return parts[name], data.islands
