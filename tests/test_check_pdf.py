"""``check`` and ``diff`` on PDF submissions: a text layer read like a Word file, a scan read
by OCR (when Tesseract with Simplified Chinese is installed) or refused with a clear
message, damaged files refused."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from fixtures.officials.helpers import invoke
from fixtures.officials.plans import chapter_span, content, write_plan
from greenmine_docs.errors import InputError
from greenmine_docs.officials import pdf_structure
from greenmine_docs.officials.check import check_document
from greenmine_docs.officials.diff import diff_documents

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")


def to_pdf(docx: Path, folder: Path) -> Path:
    profile = folder / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                   check=True, capture_output=True, timeout=300)
    return folder / (docx.stem + ".pdf")


@pytest.fixture(scope="module")
def pdf_pair(tmp_path_factory) -> tuple[Path, Path]:
    """A Word plan and the PDF printed from a revised copy of it (a chapter removed)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice missing")
    d = tmp_path_factory.mktemp("pdfpair")
    old = write_plan(d / "初稿.docx", content())
    blocks = content()
    i, j = chapter_span(blocks, "效益分析")
    del blocks[i:j]
    new = write_plan(d / "修改稿.docx", blocks)
    return old, to_pdf(new, d)


def test_diff_between_docx_and_pdf(pdf_pair) -> None:
    old, new_pdf = pdf_pair
    result = diff_documents(old, new_pdf)
    by_status: dict[str, list[str]] = {}
    for c in result.chapters:
        by_status.setdefault(c.status, []).append(c.title)
    assert by_status["removed"] == ["八、效益分析"], by_status
    assert set(by_status) == {"removed", "unchanged"}, by_status  # renumbering is no change
    same = diff_documents(old, to_pdf(old, new_pdf.parent))
    assert not same.changed, [(c.title, c.lines[:4]) for c in same.chapters if c.status != "unchanged"]


def test_check_pdf_from_the_command_line(pdf_pair, tmp_path: Path) -> None:
    blocks = content()
    blocks.insert(3, ("p", "本方案由XXX设计院编制。"))
    pdf = to_pdf(write_plan(tmp_path / "占位.docx", blocks), tmp_path)
    code, out, err = invoke(["check", pdf])
    assert code == 1 and "Traceback" not in err
    assert "GM-E617" in out and "「（一）编制目的」 第1页第" in out  # page and line
    code, out, _ = invoke(["check", pdf, "--format", "html"])
    assert "标题识别与提纲对应（PDF 文字层）" in out  # how each heading was recognised and matched
    assert "<td>一、总论</td><td>第1页第" in out and "<td>编号</td><td>总论</td><td>标题</td>" in out


def _scan(folder: Path) -> Path:
    """A one-page scanned plan: a Word page printed to PDF, rendered to an image, and the
    image saved as a PDF without any text layer."""
    doc = Document()
    for text, bold in [("一、总论", True), ("（一）编制目的", True),
                       ("为推进绿色矿山建设，编制本方案。", False), ("（二）编制依据", True),
                       ("依据国家和省有关规定编制。", False), ("二、矿山基本情况", True),
                       ("矿山位于文水县。", False)]:
        run = doc.add_paragraph().add_run(text)
        run.bold, run.font.size = bold, Pt(16)
    src = folder / "scan-src.docx"
    doc.save(str(src))
    import pdfplumber

    with pdfplumber.open(str(to_pdf(src, folder))) as pdf:
        image = pdf.pages[0].to_image(resolution=200).original.convert("RGB")
    scan = folder / "扫描件.pdf"
    image.save(scan)
    return scan


@needs_soffice
def test_scan_without_ocr_is_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    scan = _scan(tmp_path)
    monkeypatch.setattr(pdf_structure, "tesseract", lambda: None)
    with pytest.raises(InputError, match="扫描件"):
        check_document(scan)
    code, _out, err = invoke(["check", scan])
    assert code == 2 and "扫描件" in err and "tesseract-ocr-chi-sim" in err


@needs_soffice
@pytest.mark.skipif(pdf_structure.tesseract() is None, reason="Tesseract chi_sim missing")
def test_scan_is_read_by_ocr(tmp_path: Path) -> None:
    report = check_document(_scan(tmp_path))
    assert report.meta["origin"] == "ocr"
    assert any(f.code == "GM-I632" for f in report.findings)
    heads = report.meta["heading_map"]
    # OCR misreads a character here and there; the numbered headings are still found
    assert len(heads) >= 2 and any("编制" in h["heading"] for h in heads), heads
    located = [f for f in report.findings if f.location.part]
    assert all(f.location.page == 1 and f.location.line for f in located)


def test_damaged_and_fake_pdfs(tmp_path: Path) -> None:
    fake = tmp_path / "假.pdf"
    fake.write_bytes(b"not a pdf at all")
    code, _, err = invoke(["check", fake])
    assert code == 2 and "不是有效的 PDF" in err
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF")
    code, _, err = invoke(["check", broken])
    assert code == 2 and "Traceback" not in err
