"""A new official-layout document from scratch (no template), and saving to bytes."""
from __future__ import annotations

import functools
import io
import weakref
from typing import Any, Callable

from .. import envvars
from .copying import deep_copy
from .fields import set_update_fields
from .fonts import DEFAULT_FONTS, FontScheme
from .package import UNEXPANDED_PARTS, Package
from .page import page_number_footers, set_doc_grid, setup_page, suppress_first_page_number
from .styles import apply_official_styles


def new_document(*, fonts: FontScheme = DEFAULT_FONTS, page_numbers: bool = True,
                 cover: bool = False, landscape: bool = False, odd_even: bool = True,
                 shared_styles: bool = False) -> Any:
    """A python-docx ``Document`` with the official styles, A4 page and margins, the document
    grid (22 lines × 28 characters), ``— N —`` footers (none on the first page when
    ``cover``), and Word told to update fields on open.

    Each variant is built once per process (saved and opened again, as a document from a
    file would be) and kept; every call gets a deep copy of it, which takes half the time of
    opening the package and a tenth of building the styles again. ``shared_styles``: the copy
    shares the variant's styles part, the parts held as bytes (:func:`unchanged_parts`) and
    the answers about its styles (:func:`~greenmine_docs.docx.text.share_style_answers`)
    instead of copying them — for a caller that never adds, removes or changes a style (half a
    millisecond a document)."""
    key = (fonts, page_numbers, cover, landscape, odd_even)
    variant = key + (shared_styles,)
    kept = _BLANK.get(variant)
    if kept is None:
        kept = _BLANK[variant] = _blank(key, shared_styles)
    blank, memo = kept
    return deep_copy(blank, dict(memo))


_BLANK: dict[tuple[Any, ...], tuple[Any, dict[int, Any]]] = {}


def _blank(key: tuple[Any, ...], shared_styles: bool) -> tuple[Any, dict[int, Any]]:
    """A variant's blank document, opened, and the ``deepcopy`` memo of its copies: empty, or
    holding what they share. (A variant whose copies share is opened on its own: the answers
    about its styles, kept on it, must not reach the copies of the other.)"""
    from docx import Document

    from .text import share_style_answers

    blank = Document(io.BytesIO(_blank_bytes(key)))
    if not shared_styles:
        return blank, {}
    shared = [*unchanged_parts(blank), *share_style_answers(blank.part)]
    return blank, {id(obj): obj for obj in shared}


def _blank_bytes(key: tuple[Any, ...]) -> bytes:
    """The saved blank document of a variant: from the user's cache folder when a process
    before made it with the same code (:mod:`greenmine_docs.usercache`), else built (~0.035 s,
    mostly python-docx's default package) and kept there. Its parts do not depend on the
    clock (the package's own dates are set when a document is saved)."""
    import docx

    from .. import usercache

    fonts, page_numbers, cover, landscape, odd_even = key
    digest = usercache.key("blank-docx", docx.__version__, key)
    data = usercache.load("docx-blank", digest)
    if data is None:
        data = to_bytes(_build(fonts=fonts, page_numbers=page_numbers, cover=cover,
                               landscape=landscape, odd_even=odd_even))
        usercache.store("docx-blank", digest, data, keep=32)
    return data


def _build(*, fonts: FontScheme, page_numbers: bool, cover: bool, landscape: bool,
           odd_even: bool) -> Any:
    from docx import Document

    doc = Document()
    apply_official_styles(doc, fonts)
    section = doc.sections[0]
    setup_page(section, landscape=landscape)
    set_doc_grid(section)
    if page_numbers:
        page_number_footers(doc, section, fonts=fonts, odd_even=odd_even)
    if cover:
        suppress_first_page_number(section)
    set_update_fields(doc)
    slim_package(doc)
    # python-docx's default document starts with no paragraphs: nothing to remove
    return doc


_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_KEEP_TABLE_STYLES = frozenset({"TableNormal", "TableGrid"})


def slim_package(doc: Any) -> None:
    """Drop what python-docx's default package carries and no generated document uses, so
    that every document opened from the base (or from a template built on it) does not parse,
    serialise and compress it again:

    - 98 of its 100 built-in table styles (310 KB of ``styles.xml``; Word offers its built-in
      table styles from its own list, and a template's own or referenced table styles stay);
    - ``stylesWithEffects.xml`` (440 KB, a copy of the styles for Word 2010 only);
    - the thumbnail picture of an empty page.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    part = doc.part
    for r_id, rel in list(part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            part.drop_rel(r_id)
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(r_id)
    used = set(_KEEP_TABLE_STYLES)
    used.update(e.get(qn("w:val")) for e in doc.element.iter(qn("w:tblStyle")))
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in used \
                and style.get(qn("w:default")) not in ("1", "true", "on"):
            styles.remove(style)


_KEPT: weakref.WeakKeyDictionary[Any, bytes | None] = weakref.WeakKeyDictionary()


def unchanged_parts(document: Any, also: Callable[[Any], bool] = lambda part: False
                    ) -> list[Any]:
    """The parts of ``document`` (a prepared template's, see
    :func:`greenmine_docs.render.tpl.open_template`, or a blank one's, see
    :func:`new_document`) that its copies share instead of copying, because none of them is
    ever changed: the styles part (no generator adds or changes a style while it writes a
    rendered template: the official styles are added when it is prepared, see
    :func:`~greenmine_docs.docx.text.share_style_answers`) and the parts
    python-docx keeps as bytes (app properties, theme, font table, custom XML …) — when they
    have no relationships of their own, which would lead to parts a copy has copied. Copying
    the styles part's 1,100 elements and serialising them again was a third of a millisecond
    for every document; now its bytes are made once (:func:`part_blob`). With
    ``GREENMINE_CHECK_SHARED=1`` (the test suite sets it) every package write checks that the
    part is still as it was. ``also``: further XML parts the caller knows no copy changes
    (a template's footers without tags, which are not rendered), shared and kept the same
    way."""
    from docx.opc.part import Part
    from docx.parts.styles import StylesPart

    shared = []
    for part in document.part.package.iter_parts():
        if len(part.rels):
            continue
        if type(part) is Part:
            shared.append(part)
        elif type(part) is StylesPart or also(part):
            _KEPT.setdefault(part, None)  # serialised on the first write (kept by identity:
            shared.append(part)           # a copy of the part made some other way is not)
    return shared


def part_blob(part: Any) -> bytes:
    """``part.blob``; for an XML part copies share (:func:`unchanged_parts`), made once."""
    if part not in _KEPT:
        return part.blob
    kept = _KEPT[part]
    if kept is None:
        kept = _KEPT[part] = part.blob
    elif envvars.get("GREENMINE_CHECK_SHARED") == "1" and part.blob != kept:
        raise AssertionError(f"{part.partname}: changed in a copy that shares it")
    return kept


def to_bytes(doc: Any) -> bytes:
    """Serialise a python-docx ``Document`` (or a rendered docxtpl template) to bytes."""
    return package_bytes(getattr(doc, "docx", None) or doc)


# media formats that are compressed already: deflating them again only costs time (about
# 15 ms for the seven photos of the example report) and saves nothing
_STORED_SUFFIXES = (".jpeg", ".jpg", ".png", ".gif", ".tif", ".tiff", ".wdp", ".jfif")


class _Members:
    """The ``write(pack_uri, blob)`` side of python-docx's physical package writer, over an
    open package (a :class:`~greenmine_docs.zipwrite.ZipBytes`), storing compressed media as
    they are."""

    def __init__(self, zf: Any, parts: list[Any]) -> None:
        from .islands import declared, headings, texts

        self.zf = zf
        self.parts = parts
        self.islands = texts(parts)
        self.declared = declared(parts)
        self.headings = headings(parts)  # the islands that are one heading each
        self.unexpanded: dict[str, bytes] = {}  # the XML parts a TOC fill reads, as serialised
        self._styles: bytes | None = None
        self._styles_of: Any = None  # the styles part, once serialised

    def write(self, pack_uri: Any, blob: bytes) -> None:
        import zipfile

        from .islands import expand

        name = pack_uri.membername
        if name.lower().endswith(_STORED_SUFFIXES):
            self.zf.writestr(name, blob, compress_type=zipfile.ZIP_STORED)
        else:
            if name in UNEXPANDED_PARTS:
                self.unexpanded[name] = blob
            self.zf.writestr(name, expand(blob, self.islands),
                             compress_type=zipfile.ZIP_DEFLATED)

    def styles(self) -> bytes:
        """The styles part as it will be written (serialised once: the TOC fill reads it and
        changes nothing in it)."""
        if self._styles is None:
            part = next((p for p in self.parts if p.partname == "/word/styles.xml"), None)
            self._styles = part_blob(part) if part is not None else b""
            self._styles_of = part
        return self._styles

    def blob(self, part: Any) -> bytes:
        """``part.blob``; the styles part from :meth:`styles` when that was asked for."""
        if part is self._styles_of and self._styles is not None:
            return self._styles
        return part_blob(part)


def package_bytes(document: Any) -> bytes:
    """The package of a python-docx ``Document`` as bytes: what ``Document.save`` writes
    (same members, content types and relationships, by python-docx's own package writer
    steps), except that pictures are stored instead of deflated a second time, the XML is
    deflated at :data:`~greenmine_docs.outputs.PACKAGE_COMPRESSLEVEL` and XML islands
    (:mod:`~greenmine_docs.docx.islands`) are put in place. The bytes come as a
    :class:`~greenmine_docs.docx.package.Package`, which keeps the document part as it was
    before the islands were put in, for a cheaper TOC fill."""
    from ..outputs import PACKAGE_COMPRESSLEVEL
    from ..zipwrite import ZipBytes

    from .toc import packaged_headings

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    zf = ZipBytes(PACKAGE_COMPRESSLEVEL)
    members = _Members(zf, parts)
    # the document part's TOCs filled with headings in its tree, when the build says so
    tocs_filled = packaged_headings(document.part, members.islands, members.declared,
                                    members.styles, members.headings)
    _write_package(members, package.rels, parts, members.blob)
    return Package.of(zf.getvalue(), members.unexpanded, members.islands, members.declared,
                      tocs_filled=tocs_filled)


def _write_package(members: _Members, package_rels: Any, parts: list[Any],
                   blob: Callable[[Any], bytes] = lambda part: part.blob) -> None:
    """python-docx's package writer steps (``PackageWriter.write``: the content types, the
    package's relationships, then each part and its relationships), with the content types
    and the relationship parts made once for each content: they are the same in every
    document of a template, and making them is a tree built and serialised each time.
    ``blob``: a part's serialised content (:meth:`_Members.blob` writes the styles part the
    TOC fill read)."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI

    members.write(CONTENT_TYPES_URI, _content_types(
        tuple((part.partname, part.content_type) for part in parts)))
    members.write(PACKAGE_URI.rels_uri, _rels_xml(PACKAGE_URI, _rels_key(package_rels)))
    for part in parts:
        members.write(part.partname, blob(part))
        if len(part.rels):
            members.write(part.partname.rels_uri,
                          _rels_xml(part.partname, _rels_key(part.rels)))


def _rels_key(rels: Any) -> tuple[tuple[str, str, Any, bool], ...]:
    """A relationship collection's content: each relationship's id, type, target (a part's
    name, or an external address) and whether the target is external."""
    return tuple((rel.rId, rel.reltype,
                  rel.target_ref if rel.is_external else rel.target_part.partname,
                  rel.is_external) for rel in rels.values())


@functools.lru_cache(maxsize=256)
def _rels_xml(source: Any, rels: tuple[tuple[str, str, Any, bool], ...]) -> bytes:
    """The relationship part of ``source`` (a part's name, or the package's ``/``) for
    :func:`_rels_key`'s content, as python-docx serialises it (``Relationships.xml``)."""
    from docx.opc.oxml import CT_Relationships

    base = source.baseURI
    element = CT_Relationships.new()
    for rid, reltype, target, external in rels:
        element.add_rel(rid, reltype, target if external else target.relative_ref(base),
                        external)
    return element.xml


@functools.lru_cache(maxsize=64)
def _content_types(parts: tuple[tuple[Any, str], ...]) -> bytes:
    """``[Content_Types].xml`` for parts of these names and content types, as python-docx
    makes it (``_ContentTypesItem.from_parts``)."""
    from types import SimpleNamespace

    from docx.opc.pkgwriter import _ContentTypesItem

    return _ContentTypesItem.from_parts(
        [SimpleNamespace(partname=name, content_type=kind) for name, kind in parts]).blob


def template_bytes(doc: Any) -> bytes:
    """A bundled template's package: slimmed (:func:`slim_package`), saved and made
    reproducible (:func:`reproducible_bytes`) — what the template build scripts write."""
    slim_package(doc)
    return reproducible_bytes(to_bytes(doc))


def reproducible_bytes(data: bytes) -> bytes:
    """A .docx package rewritten with fixed member order and timestamps and without creation
    or modification times, so rebuilding an unchanged template source gives the same bytes
    (the template build scripts' ``--check`` and the tests compare them)."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(name)
            if name == "docProps/core.xml":  # creation/modification times change every run
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"",
                                 content)
            dst.writestr(info, content)
    return out.getvalue()
