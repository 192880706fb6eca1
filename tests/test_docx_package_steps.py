"""The package writer's own steps (``docx.document._write_package``: content types and
relationship parts made once per content) write what python-docx's ``PackageWriter`` writes,
member for member, the first time and when taken from memory."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from PIL import Image

from greenmine_docs.docx import document as docx_document


class _Recorder:
    def __init__(self) -> None:
        self.members: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.members.append((str(pack_uri), blob))


def _document(tmp_path: Path, link: str) -> Any:
    doc = Document()
    doc.add_paragraph("绿色矿山")
    image = tmp_path / "p.png"
    Image.new("RGB", (8, 6), (30, 120, 60)).save(image)
    doc.add_picture(str(image))
    doc.part.relate_to(link, RT.HYPERLINK, is_external=True)  # an external target
    return doc


def _steps(doc: Any, ours: bool) -> list[tuple[str, bytes]]:
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    rec = _Recorder()
    if ours:
        docx_document._write_package(rec, package.rels, parts)  # type: ignore[arg-type]
    else:
        PackageWriter._write_content_types_stream(rec, parts)
        PackageWriter._write_pkg_rels(rec, package.rels)
        PackageWriter._write_parts(rec, parts)  # type: ignore[arg-type]
    return rec.members


def test_the_steps_write_what_python_docx_writes(tmp_path: Path) -> None:
    docx_document._rels_xml.cache_clear()
    docx_document._content_types.cache_clear()
    for link in ("https://example.org/a", "https://example.org/a", "https://example.org/b"):
        doc = _document(tmp_path, link)
        expected = _steps(doc, ours=False)
        assert _steps(doc, ours=True) == expected
        names = [name for name, _ in expected]
        assert "/[Content_Types].xml" in names and "/word/_rels/document.xml.rels" in names
        rels = dict(expected)["/word/_rels/document.xml.rels"]
        assert link.encode() in rels and b"media/image1.png" in rels
    assert docx_document._rels_xml.cache_info().hits > 0
    assert docx_document._content_types.cache_info().hits > 0


def test_a_saved_document_opens_with_its_picture_and_link(tmp_path: Path) -> None:
    doc = _document(tmp_path, "https://example.org/c")
    reopened = Document(io.BytesIO(docx_document.to_bytes(doc)))
    rels = reopened.part.rels.values()
    assert any(r.is_external and r.target_ref == "https://example.org/c" for r in rels)
    assert len(reopened.inline_shapes) == 1
