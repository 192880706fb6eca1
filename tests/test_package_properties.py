"""A generated package names no program and claims no date of its own in its properties
(``docProps/core.xml``, ``docProps/app.xml``): not python-docx's author, description and 2013
dates, not the "Microsoft Macintosh Word" and one page of python-docx's default package (or
the counts of a template), not openpyxl's name and version."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from greenmine_docs import api
from greenmine_docs.docx.document import new_document, to_bytes
from greenmine_docs.xlsx.package import save_workbook

EXAMPLE = Path(__file__).parent.parent / "examples" / "inner-mongolia-coal" / "mine.yaml"
PROGRAM_WORDS = ("python-docx", "openpyxl", "Openpyxl", "2013-12-23", "Microsoft", "Word",
                 "<Application", "<Pages", "<Words", "<AppVersion")


def _properties(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "".join(zf.read(name).decode("utf-8") for name in zf.namelist()
                       if name.startswith("docProps/"))


def _clean(text: str) -> list[str]:
    return [word for word in PROGRAM_WORDS if word in text]


def test_a_new_documents_properties_name_no_program() -> None:
    text = _properties(to_bytes(new_document()))
    assert _clean(text) == []
    assert "<dc:creator/>" in text and "dcterms:created" not in text


def test_every_document_of_a_build_names_no_program(tmp_path: Path) -> None:
    result = api.build(api.load(EXAMPLE), tmp_path, force=True)
    written = [p for p in result.written if p.suffix in (".docx", ".xlsx")]
    assert {p.suffix for p in written} == {".docx", ".xlsx"}
    for path in written:
        assert _clean(_properties(path.read_bytes())) == [], path.name


def test_a_workbooks_own_author_stays_and_openpyxls_goes() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    assert _clean(_properties(save_workbook(wb))) == []
    wb.properties.creator = "山西省自然资源厅"
    saved = _properties(save_workbook(wb))
    assert "山西省自然资源厅" in saved and _clean(saved) == []


@pytest.mark.parametrize("shared", [False, True])
def test_a_workbooks_app_properties_are_written_once(shared: bool) -> None:
    from openpyxl import Workbook

    with zipfile.ZipFile(io.BytesIO(save_workbook(Workbook(), shared_strings=shared))) as zf:
        assert [n for n in zf.namelist() if n == "docProps/app.xml"] == ["docProps/app.xml"]
        assert zf.read("docProps/app.xml").startswith(b"<Properties")
