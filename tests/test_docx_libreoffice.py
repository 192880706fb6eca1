"""The example built with LibreOffice (``build --pdf``), read back as a reader sees it:
tables of contents with the page numbers of the layout, 28 characters a line, the PDF fonts.
Skipped (and counted at the end of the run) where LibreOffice is not installed."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from conftest import EXAMPLE, NEEDS_LIBREOFFICE, SOFFICE

pytestmark = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                                reason=NEEDS_LIBREOFFICE + " (or poppler-utils)")
CJK_LINE = re.compile(r"^[\u4e00-\u9fff，。、；：“”（）《》]+$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from greenmine_docs.api import build

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GREENMINE_SOFFICE", SOFFICE or "")
        out = tmp_path_factory.mktemp("lo")
        result = build(EXAMPLE, out, pdf=True)
    assert result.ok
    return {"dir": out, "written": result.written, "notes": result.notes}


def _doc(built: dict[str, Any], key: str, suffix: str) -> Path:
    return next(p for p in built["written"] if key in p.name and p.suffix == suffix)


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def _toc_entries(docx: Path) -> list[tuple[str, str]]:
    """(heading, page) of every entry of the table of contents written into the DOCX."""
    doc = Document(str(docx))
    out = []
    for p in doc.paragraphs:
        if p.style.name.startswith("toc ") and p._p.find(f".//{qn('w:tab')}") is not None:
            texts = [t.text for t in p._p.iter(qn("w:t"))]
            out.append(("".join(texts[:-1]), texts[-1]))
    return out


def test_every_word_document_has_its_pdf(built) -> None:
    docx = sorted(p.stem for p in built["written"] if p.suffix == ".docx")
    pdfs = sorted(p.stem for p in built["written"] if p.suffix == ".pdf")
    assert docx == pdfs and len(docx) == 4  # plan, self-check, self-evaluation, report
    manifest = json.loads((built["dir"] / "manifest.json").read_text(encoding="utf-8"))
    assert {e["file"] for e in manifest["files"]} >= {f"{s}.pdf" for s in pdfs}
    assert any(n.startswith("PDF 字体：") and "PDF 中嵌入：" in n for n in built["notes"])


@pytest.mark.parametrize("key", ["实施方案", "评估报告"])
def test_toc_page_numbers_are_those_of_the_layout(built, key) -> None:
    entries = _toc_entries(_doc(built, key, ".docx"))
    assert len(entries) > 15 and all(page.isdigit() for _, page in entries)
    pages = _pages(_doc(built, key, ".pdf"))
    first = next(i for i, page in enumerate(pages) if re.search(r"—\s*1\s*—", page)
                 and "目" not in page.split("\n")[0])  # the body's page 1 (after the TOC)
    flat = [re.sub(r"\s+", "", page) for page in pages]
    for heading, page in entries:
        assert re.sub(r"\s+", "", heading) in flat[first + int(page) - 1], (heading, page)


def test_the_docx_shows_its_toc_in_a_reader_that_does_not_update_fields(built, tmp_path):
    """Plain ``soffice --convert-to pdf`` shows the field's cached result: the entries."""
    docx = _doc(built, "实施方案", ".docx")
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   capture_output=True, timeout=240, check=True)
    toc = _pages(tmp_path / f"{docx.stem}.pdf")[1]
    assert "更新域" not in toc
    assert re.search(r"一、总论\.{5,}\s*1\b", toc) and re.search(r"（一）编制目的\.+", toc)


def _line_lengths(pdf: Path) -> list[int]:
    return [len(line.strip()) for page in _pages(pdf) for line in page.splitlines()
            if CJK_LINE.match(line.strip())]


def test_a_full_body_line_holds_28_characters(built) -> None:
    lengths = _line_lengths(_doc(built, "实施方案", ".pdf"))
    assert max(n for n in lengths if n < 31) == 28  # (31+: landscape table lines)
    assert lengths.count(28) >= 10


def _faces(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in out.splitlines()[2:]]


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_fonts_are_simplified_chinese_of_the_right_kind(built) -> None:
    from greenmine_docs.docx.pdf_fonts import installed_families

    installed = installed_families() or frozenset()
    for pdf in (p for p in built["written"] if p.suffix == ".pdf"):
        faces = _faces(pdf)
        assert not [f for f in faces if re.search(r"jp|japan", f, re.I)], (pdf.name, faces)
        assert {"UMingCN", "NotoSerifCJKsc-Regular"} & set(faces), (pdf.name, faces)
        if "AR PL UKai CN" in installed and "自查记录表" not in pdf.name:  # 楷体 headings
            assert "UKaiCN" in faces, (pdf.name, faces)
        if "WenQuanYi Micro Hei" in installed:  # 黑体 headings
            assert "WenQuanYiMicroHei" in faces, (pdf.name, faces)


def test_the_pdf_is_made_from_the_docx_written(built) -> None:
    """The PDF shows the same table of contents as the DOCX beside it."""
    docx = _doc(built, "评估报告", ".docx")
    toc_page = _pages(_doc(built, "评估报告", ".pdf"))
    text = re.sub(r"\s+", "", "".join(toc_page[:4]))
    for heading, page in _toc_entries(docx):
        assert re.search(re.escape(re.sub(r"\s+", "", heading)) + r"\.+" + page, text), heading
    assert zipfile.is_zipfile(docx)


def test_a_continued_table_starts_its_page_with_its_number(built) -> None:
    """In the report's PDF every page that continues a table shows 续表N above its header."""
    pages = _pages(_doc(built, "评估报告", ".pdf"))
    continued = 0
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and lines[0].startswith("编号") and "评价内容" in lines[0]:
            raise AssertionError(f"a table continues without 续表: {lines[:2]}")
        continued += bool(lines) and lines[0].startswith("续表")
    assert continued >= 3


def test_every_page_of_the_self_check_table_names_its_indicators(built) -> None:
    """The first-level label of the rows on a page is on that page (merges restart)."""
    from greenmine_docs.indicators import load_builtin

    names = [c.name for c in load_builtin("national-2020-reference").categories]
    for n, page in enumerate(_pages(_doc(built, "自查记录表", ".pdf")), start=1):
        if re.search(r"\b\d\.\d\.\d+\b", page):
            # (a label wraps in its narrow column: its first line, four characters, is enough)
            assert any(name[:4] in re.sub(r"\s+", "", page) for name in names), f"page {n}"


def test_without_uno_the_pdf_is_made_and_the_toc_lists_headings(monkeypatch) -> None:
    """LibreOffice without its Python bridge: ``soffice --convert-to pdf`` for the PDF, the
    table of contents with its headings and no page numbers, and a note that says so."""
    from greenmine_docs.api import check, load
    from greenmine_docs.docx import pdf as pdf_module
    from greenmine_docs.docx.finish import NO_UNO, finish_documents
    from greenmine_docs.docx.office import Office
    from greenmine_docs.docx.toc import has_toc
    from greenmine_docs.documents.plan.document import render_plan

    monkeypatch.setattr(pdf_module, "find_uno_python", lambda soffice: None)
    data = render_plan(check(load(EXAMPLE)))
    assert has_toc(data)
    with Office(SOFFICE or "soffice") as office:
        done = finish_documents({"方案.docx": data}, pdf=True, office=office)
    assert sorted(done.files) == ["方案.docx", "方案.pdf"]
    assert done.files["方案.pdf"].startswith(b"%PDF") and NO_UNO in done.notes
    import io

    doc = Document(io.BytesIO(done.files["方案.docx"]))
    entries = [p.text for p in doc.paragraphs if p.style.name.startswith("toc ")]
    assert entries[:2] == ["一、总论", "（一）编制目的"] and "更新域" not in "".join(entries)
    assert not any(p._p.find(f".//{qn('w:tab')}") is not None for p in doc.paragraphs
                   if p.style.name.startswith("toc "))
