"""Nothing a Word document links outside itself is fetched (issue 14).

A template may carry relationships with ``TargetMode="External"``: a picture linked to
``file:///…`` or ``http://…`` instead of stored in the package, a linked OLE object, an attached
template, a frame's or subdocument's source. LibreOffice (``--pdf``) follows them — a ``file://``
picture ended up embedded in the PDF, an ``http://`` one was requested — and so would Word on
the user's machine. :func:`strip_external` removes every external relationship except
hyperlinks (a hyperlink is only followed when someone clicks it) from a package, and the
references to them: a picture keeps its frame without an image, other referring elements
(``w:attachedTemplate``, ``o:OLEObject``, ``w:subDoc`` …) go. A rendered document passes through
it before it is written or converted; a package without such links comes back unchanged (the
same bytes).
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from ..frozen import frozen

_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_DROP_ATTRIBUTE = {  # elements that stay, without the reference, when their link goes
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{urn:schemas-microsoft-com:vml}imagedata",
    "{urn:schemas-microsoft-com:vml}fill",
}


@frozen(quick_init=False)
class ExternalLink:
    part: str  # the part whose relationship it is, e.g. "word/document.xml"
    rel_id: str
    kind: str  # the relationship type's last segment: "image", "oleObject", "attachedTemplate"
    target: str


def _xml(data: bytes) -> object:
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                  load_dtd=False, huge_tree=True))


def _source_part(rels_name: str) -> str:
    folder, name = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), name[:-len(".rels")])


def external_links(zf: zipfile.ZipFile) -> list[ExternalLink]:
    """Every external relationship of the package that is not a hyperlink."""
    out = []
    for name in zf.namelist():
        if not name.endswith(".rels"):
            continue
        data = zf.read(name)
        if b"External" not in data:
            continue
        for rel in _xml(data).iter(_PKG_REL):  # type: ignore[attr-defined]
            if rel.get("TargetMode") == "External" and rel.get("Type") != HYPERLINK:
                out.append(ExternalLink(_source_part(name), rel.get("Id", ""),
                                        rel.get("Type", "").rsplit("/", 1)[-1],
                                        rel.get("Target", "")))
    return out


def strip_external(data: bytes) -> bytes:
    """``data`` (a .docx package) without its external links other than hyperlinks."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        links = external_links(zf)
        if not links:
            return data
        by_part: dict[str, set[str]] = {}
        for link in links:
            by_part.setdefault(link.part, set()).add(link.rel_id)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in zf.infolist():
                member = zf.read(info)
                if info.filename.endswith(".rels"):
                    part = _source_part(info.filename)
                    if part in by_part:
                        member = _without_relationships(member, by_part[part], etree)
                elif info.filename in by_part:
                    member = _without_references(member, by_part[info.filename], etree)
                dst.writestr(info, member)
    return out.getvalue()


def _without_relationships(data: bytes, ids: set[str], etree: object) -> bytes:
    root = _xml(data)
    for rel in list(root.iter(_PKG_REL)):  # type: ignore[attr-defined]
        if rel.get("Id") in ids:
            rel.getparent().remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",  # type: ignore
                          standalone=True)


def _without_references(data: bytes, ids: set[str], etree: object) -> bytes:
    root = _xml(data)
    for element in list(root.iter()):  # type: ignore[attr-defined]
        refs = [k for k, v in element.attrib.items() if k.startswith(_R_NS) and v in ids]
        if not refs:
            continue
        if element.tag in _DROP_ATTRIBUTE:
            for key in refs:
                del element.attrib[key]
        elif element.getparent() is not None:
            element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",  # type: ignore
                          standalone=True)
