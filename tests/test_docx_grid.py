"""The document grid of official templates (22 lines × 28 characters) on every section of every
official-layout document, and the styles that make 28 characters fit in every reader
(greenmine_docs/docx/page.py, styles.py). The line count itself is measured in
tests/test_docx_libreoffice.py."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE
from docx_xml_order import assert_schema_order
from greenmine_docs.docx.page import grid_pitches

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from greenmine_docs.api import build

    out = tmp_path_factory.mktemp("grid")
    result = build(EXAMPLE, out)
    assert result.ok
    return {p.name: p.read_bytes() for p in result.written if p.suffix == ".docx"}


def _part(data: bytes, name: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def test_pitches_are_those_of_official_templates() -> None:
    # 225 mm / 22 lines = 579 twips; 156 mm / 28 characters = 16 pt - 842/4096 pt
    assert grid_pitches() == (579, -842)


def test_every_section_carries_the_grid(documents) -> None:
    assert len(documents) == 4  # plan, self-check table, self-evaluation report, report
    for name, data in documents.items():
        sections = list(_part(data, "word/document.xml").iter(f"{W}sectPr"))
        assert len(sections) >= 1
        for sect in sections:
            grid = sect.find(f"{W}docGrid")
            assert grid is not None, name
            assert (grid.get(f"{W}type"), grid.get(f"{W}linePitch"),
                    grid.get(f"{W}charSpace")) == ("linesAndChars", "579", "-842"), name
        assert_schema_order(data)


def _style(styles, style_id: str):
    return next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == style_id)


def test_text_does_not_snap_and_only_body_text_is_set_closer(documents) -> None:
    for name, data in documents.items():
        styles = _part(data, "word/styles.xml")
        snap = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{W}snapToGrid")
        assert snap is not None and snap.get(f"{W}val") == "0", name
        normal = _style(styles, "Normal")
        assert normal.find(f"{W}pPr/{W}snapToGrid").get(f"{W}val") == "0"
        assert normal.find(f"{W}rPr/{W}spacing").get(f"{W}val") == "-6"
        for small in ("TableText", "Caption", "Title", "toc1", "Footer"):
            found = [s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == small]
            for style in found:
                assert style.find(f"{W}rPr/{W}spacing").get(f"{W}val") == "0", (name, small)


@pytest.mark.parametrize("template", ["implementation_plan/plan-template.docx",
                                      "third_party_report/report.docx"])
def test_bundled_templates_carry_the_grid(template: str) -> None:
    data = (Path(__file__).resolve().parent.parent / "templates" / template).read_bytes()
    sections = list(_part(data, "word/document.xml").iter(f"{W}sectPr"))
    assert len(sections) == 3
    assert all(s.find(f"{W}docGrid").get(f"{W}type") == "linesAndChars" for s in sections)
