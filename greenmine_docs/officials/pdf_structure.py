"""The heading structure of a plan submitted as PDF, in the same :class:`Structure` the Word
reader gives, so ``check`` and ``diff`` treat both alike.

Plans reach officials as PDF printed from Word (online systems take uploads as PDF) or
scanned. With a text layer (read with pdfplumber): tables are found from their ruling lines
and read cell by cell; the other lines are joined into paragraphs (a new paragraph starts
after a short line, at a first-line indent, a centred line, a larger gap or another font
size); lines repeated at the top or bottom of the pages are the page header and footer; a
paragraph is a heading when its number (第一章, 一、, （一）, 1.1 …) says so and it looks like
one (short, no sentence end, larger or bold type), exactly as for Word. Every block keeps the
page and line it starts on, which is where findings point.

Without a text layer (a scan) the pages are read by Tesseract with Simplified Chinese when it
is installed (the structure says it came from OCR); otherwise a clear message says the PDF is
a scan.
"""
from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..safety.inputs import regular_file
from .numbering import is_toc_line, norm_title, parse_number
from .structure import Block, Para, Structure, assign_levels, classify_paragraph

MAX_PAGES = 2000
OCR_PAGE_SECONDS = 120
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|hei|黑", re.I)
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
_ENDS = "。！？!?；;）)」”\"."
_NO_STYLE = {"name": "", "level": None, "num": None, "bold": False, "font": None, "kind": "other"}


def check_pdf_file(path: Path) -> None:
    """Clear :class:`InputError` for a missing, oversized or non-PDF file."""
    from ..limits import MAX_DOCX_BYTES

    regular_file(path)  # missing, a folder, a FIFO or a device: said as such
    size = path.stat().st_size
    if size > MAX_DOCX_BYTES:
        raise InputError(f"{path.name} 大小 {size / 1048576:.1f} MB，超过上限 "
                         f"{MAX_DOCX_BYTES / 1048576:.0f} MB。",
                         hint="请压缩后再检查，或设置环境变量 GREENMINE_MAX_DOCX_MB。")
    with path.open("rb") as fh:
        if b"%PDF" not in fh.read(1024):
            raise InputError(f"{path.name} 不是有效的 PDF 文件。", hint="请确认文件没有损坏。")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    number: int  # line on its page, 1-based


# a page: its lines, and its tables as (top, rows of cell texts)
_Page = tuple[list[_Line], list[tuple[float, list[list[str]]]]]


def read_pdf(path: str | Path, *, known_titles: dict[str, str] | None = None) -> Structure:
    path = Path(path)
    check_pdf_file(path)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise InputError(f"{path.name} 有 {len(pdf.pages)} 页，超过上限 {MAX_PAGES} 页。",
                                 hint="请只提交实施方案本身。")
            pages = [_page(p, i + 1) for i, p in enumerate(pdf.pages)]
            chars = sum(len(line.text) for lines, _ in pages for line in lines)
            if chars < 20 * max(1, len(pages)):
                return _ocr(path, pdf, known_titles)
    except InputError:
        raise
    except (PDFPasswordIncorrect, PDFSyntaxError) as e:
        raise InputError(f"{path.name} 已加密或已损坏，无法读取（{type(e).__name__}）。",
                         hint="请提交未加密的 PDF，或改交 Word 文档（.docx）。") from e
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise InputError(f"{path.name} 无法解析（{type(e).__name__}）。",
                         hint="请重新导出 PDF，或改交 Word 文档（.docx）。") from e
    header_footer, pages = _strip_running(pages)
    blocks = _blocks(pages, known_titles)
    assign_levels([b for b in blocks if b.kind == "heading"], known_titles)
    return Structure(source=path, blocks=blocks, header_footer_text=header_footer, origin="pdf")


def _page(page: Any, number: int) -> _Page:
    """(text lines outside tables, [(top, rows)] of the ruled tables) of one page."""
    tables = []
    boxes = []
    for t in page.find_tables():
        rows = [[_cell(c) for c in row] for row in t.extract()]
        rows = [r for r in rows if any(r)]
        if rows:
            tables.append((t.bbox[1], rows))
            boxes.append(t.bbox)
    lines = []
    for i, raw in enumerate(page.extract_text_lines(return_chars=True, strip=True), start=1):
        cx, cy = (raw["x0"] + raw["x1"]) / 2, (raw["top"] + raw["bottom"]) / 2
        if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
            continue
        chars = [c for c in raw["chars"] if c["text"].strip()]
        if not chars or not raw["text"].strip():
            continue
        size = statistics.median(c["size"] for c in chars)
        bold = all(_BOLD.search(c["fontname"].split("+")[-1]) for c in chars)
        lines.append(_Line(raw["text"].strip(), raw["x0"], raw["x1"], raw["top"], raw["bottom"],
                           round(size, 1), bold, number, i))
    return lines, tables


def _cell(text: str | None) -> str:
    """A table cell's text with the line wraps of the PDF removed."""
    return _join((text or "").split("\n"))


def _join(parts: list[str]) -> str:
    """Lines of one paragraph or cell as one text. Chinese text wraps anywhere, so its lines
    join without a space (a licence number broken at the margin stays whole); mostly Latin
    text joins with a space between words."""
    parts = [p.strip() for p in parts if p.strip()]
    text = "".join(parts)
    if len(_CJK.findall(text)) * 3 >= len(text) or not any(" " in p for p in parts):
        return text  # Chinese, or one token (a number) broken at the edge of a cell
    out = ""
    for part in parts:
        out += (" " if out and out[-1].isalnum() and part[0].isalnum() else "") + part
    return out


def _strip_running(pages: list[_Page]) -> tuple[list[str], list[_Page]]:
    """Lines repeated in the top or bottom band of at least half the pages (the page header
    and footer) and bare page numbers there are taken out of the body."""
    bands: Counter[str] = Counter()
    for lines, _ in pages:
        if not lines:
            continue
        top, bottom = min(ln.top for ln in lines), max(ln.bottom for ln in lines)
        for ln in lines:
            if ln.top <= top + 2 or ln.bottom >= bottom - 2:
                bands[re.sub(r"\d+", "#", ln.text)] += 1
    repeated = {t for t, n in bands.items() if n >= max(2, len(pages) // 2)}
    running: list[str] = []
    out: list[_Page] = []
    for lines, tables in pages:
        body: list[_Line] = []
        for ln in lines:
            key = re.sub(r"\d+", "#", ln.text)
            if key in repeated or re.fullmatch(r"[—\-－\s]*第?\s*\d+\s*页?[—\-－\s]*", ln.text):
                if key in repeated and ln.text not in running:
                    running.append(ln.text)
                continue
            body.append(ln)
        out.append((body, tables))
    return running, out


def _blocks(pages: list[_Page], known_titles: dict[str, str] | None) -> list[Block]:
    all_lines = [ln for lines, _ in pages for ln in lines]
    if not all_lines:
        return []
    body_size = Counter(ln.size for ln in all_lines).most_common(1)[0][0]
    left = Counter(round(ln.x0) for ln in all_lines).most_common(1)[0][0]
    right = sorted(ln.x1 for ln in all_lines)[int(len(all_lines) * 0.95)]
    em = body_size
    blocks: list[Block] = []
    index = 0
    current: list[_Line] = []

    def flush() -> None:
        nonlocal index
        if not current:
            return
        text = _join([ln.text for ln in current])
        index += 1
        alone = len(current) == 1 and _centred(current[0], left, right, em) and len(text) <= 20
        para = Para(text=text, style=_NO_STYLE, p_level=None, num=None,
                     bold_all=all(ln.bold for ln in current), bold_prefix=_run_in(text),
                     heading_font=alone or _looks_heading(current, body_size), highlighted=[])
        if is_toc_line(text) or norm_title(text) == "目录":
            block = Block("para", text, index, source="skip")
        else:
            block = classify_paragraph(para, None, index, known_titles)
            if block.kind == "heading":
                block.source = "pdf+manual" if block.number_kind else "pdf"
        block.page, block.line = current[0].page, current[0].number
        blocks.append(block)
        current.clear()

    for lines, tables in pages:
        pending = sorted(tables, key=lambda t: t[0])
        for ln in lines:
            while pending and pending[0][0] < ln.top:
                flush()
                _, rows = pending.pop(0)
                _add_table(blocks, rows, max(index, 1), ln.page, ln.number)
            if current and _new_paragraph(current[-1], ln, left, right, em):
                flush()
            current.append(ln)
            if _centred(ln, left, right, em):
                flush()
        for _, rows in pending:
            flush()
            page_no = lines[-1].page if lines else (blocks[-1].page or 0) + 1 if blocks else 1
            _add_table(blocks, rows, max(index, 1), page_no,
                       (lines[-1].number + 1) if lines else 1)
    flush()
    return blocks


def _add_table(blocks: list[Block], rows: list[list[str]], index: int, page: int,
               line: int) -> None:
    """A table, or the continuation of the table that ended the previous page (same number
    of columns, nothing in between; a repeated header row is dropped)."""
    prev = blocks[-1] if blocks else None
    if prev is not None and prev.kind == "table" and prev.page is not None and \
            prev.page < page and prev.rows and len(prev.rows[0]) == len(rows[0]):
        extra = rows[1:] if rows[0] == prev.rows[0] else rows
        prev.rows.extend(extra)
        prev.text += "\n" + "\n".join(c for row in extra for c in row if c)
        return
    blocks.append(_table(rows, index, page, line))


def _table(rows: list[list[str]], index: int, page: int, line: int) -> Block:
    text = "\n".join(c for row in rows for c in row if c)
    return Block("table", text, index, rows=rows, page=page, line=line)


def _new_paragraph(prev: _Line, ln: _Line, left: float, right: float, em: float) -> bool:
    if abs(prev.size - ln.size) > 0.5 or prev.bold != ln.bold:
        return True
    if prev.x1 < right - 1.5 * em and (len(prev.text) <= 25 or prev.text[-1] in _ENDS):
        return True  # the previous line ended short, at the end of a sentence or a heading
    if ln.x0 > left + 0.8 * em:  # first-line indent
        return True
    if ln.page == prev.page and ln.top - prev.bottom > 1.2 * em:
        return True
    return parse_number(ln.text) is not None and len(ln.text) <= 30


def _run_in(text: str) -> str:
    """``（一）编制目的。本方案……``: the numbered first sentence of a paragraph, when it is
    short and has no comma, is a run-in heading (in Word it is told by its bold type, which
    a PDF does not keep)."""
    head, sep, rest = text.partition("。")
    if not sep or not rest.strip() or len(head) > 20 or re.search(r"[，,；;：:]", head):
        return ""
    parsed = parse_number(head)
    return head + sep if parsed is not None and parsed[2] else ""


def _centred(ln: _Line, left: float, right: float, em: float) -> bool:
    return ln.x0 > left + 2 * em and ln.x1 < right - 2 * em and \
        abs((ln.x0 + ln.x1) / 2 - (left + right) / 2) < 2 * em


def _looks_heading(lines: list[_Line], body_size: float) -> bool:
    """Larger or bold type, or one short numbered line standing alone (Word's synthetic bold
    leaves no trace in a PDF's font names)."""
    if all(ln.size >= body_size + 1 for ln in lines) or all(ln.bold for ln in lines):
        return True
    text = lines[0].text
    return len(lines) == 1 and len(text) <= 25 and parse_number(text) is not None and \
        not re.search(r"[。；;！？!?，,]", text)


# ------------------------------------------------------------------ scans

def tesseract() -> str | None:
    """The tesseract program when it has Simplified Chinese data, else None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True,
                               timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if "chi_sim" in langs.split() else None


def _ocr(path: Path, pdf: Any, known_titles: dict[str, str] | None) -> Structure:
    exe = tesseract()
    if exe is None:
        raise InputError(f"{path.name} 是扫描件（没有文字层），本机未安装 OCR，无法检查。",
                         hint="请提交由 Word 导出的 PDF 或 Word 文档（.docx）；或安装 Tesseract 及"
                              "简体中文数据（Debian/Ubuntu：apt-get install tesseract-ocr "
                              "tesseract-ocr-chi-sim）后再检查。")
    blocks: list[Block] = []
    index = 0
    with tempfile.TemporaryDirectory(prefix="greenmine-ocr-") as tmp:
        for number, page in enumerate(pdf.pages, start=1):
            image = Path(tmp) / f"p{number}.png"
            page.to_image(resolution=200).original.save(image)
            try:
                out = subprocess.run([exe, str(image), "stdout", "-l", "chi_sim", "--psm", "4"],
                                     capture_output=True, text=True, timeout=OCR_PAGE_SECONDS)
            except subprocess.TimeoutExpired as e:
                raise InputError(f"{path.name} 第 {number} 页 OCR 超时。",
                                 hint="请提交带文字层的 PDF 或 Word 文档。") from e
            for line_no, raw in enumerate(out.stdout.splitlines(), start=1):
                text = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", raw).strip()
                if not text:
                    continue
                index += 1
                para = Para(text=text, style=_NO_STYLE, p_level=None, num=None, bold_all=False,
                             bold_prefix="", heading_font=_looks_heading(
                                 [_Line(text, 0, 0, 0, 0, 0, False, number, line_no)], 1),
                             highlighted=[])
                block = classify_paragraph(para, None, index, known_titles)
                if block.kind == "heading":
                    block.source = "pdf+manual" if block.number_kind else "pdf"
                block.page, block.line = number, line_no
                blocks.append(block)
    assign_levels([b for b in blocks if b.kind == "heading"], known_titles)
    return Structure(source=path, blocks=blocks, origin="ocr")
