"""Inputs that try to exhaust time or memory (issue 14), made at test time — never committed.

Each function writes one hostile input and returns its path; all are deterministic (fixed zip
timestamps, no random data) and cheap to make:

- :func:`big_part_xlsx` — a 10 MB workbook whose shared-strings part unpacks to 450 MB, at a
  compression ratio (~50:1) that the ratio guard lets through; made in a few seconds;
  :func:`big_part_docx` — the same for a Word document's body;
- :func:`wide_table_markdown` / :func:`deep_markdown` — a narrative table of 300 × 7,000 cells
  (4.2 MB, under the text limit), quotes and lists nested thousands of levels deep;
- :func:`long_list_xlsx` / :func:`long_list_csv` — a mines list with 1,048,575 rows (the most a
  sheet has);
- :func:`long_mines_table` — a batch mines table whose main sheet has that many rows;
- :func:`sparse_file` — a file of any apparent size that takes no disk space.

Run as a script, it writes them all into a folder, for measuring by hand::

    python tests/nasty/make_exhaustion.py /tmp/hostile
"""
from __future__ import annotations

import hashlib
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import (LIST_HEADER, PLAN_PARAS, STAMP, minimal_docx,  # noqa: E402
                         minimal_xlsx)

MB = 1024 * 1024
SHEET_ROWS = 1_048_575  # the most rows a worksheet holds, less the header row


def _member(zf: zipfile.ZipFile, name: str, chunks: Iterator[bytes], level: int) -> None:
    """Stream ``chunks`` into member ``name`` (zip64: it may pass 4 GB)."""
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Python 3.13 names it compress_level; older versions keep it private
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel",
            level)
    with zf.open(info, "w", force_zip64=True) as fh:
        for chunk in chunks:
            fh.write(chunk)


def _replace_members(src: bytes, path: Path, big: dict[str, Iterator[bytes]],
                     level: int = 6) -> Path:
    """Write the package ``src`` to ``path`` with the members named in ``big`` streamed from
    their chunks instead (the others copied as they are), at deflate ``level``."""
    with zipfile.ZipFile(io.BytesIO(src)) as zin, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in big:
                _member(zout, info.filename, big[info.filename], level)
            else:
                zout.writestr(info, zin.read(info.filename))
    return path


def _period(element: str) -> bytes:
    """About 8 KB of ``element`` (a format with one ``{}``) filled with distinct texts:
    repeated, it deflates ~130:1 (the window sees the last period), below the ratio guard's
    200:1."""
    items, size, i = [], 0, 0
    while size < 8000:
        item = element.format("矿山" + hashlib.md5(str(i).encode()).hexdigest()[:10]).encode()
        items.append(item)
        size, i = size + len(item), i + 1
    return b"".join(items)


def big_part_xlsx(path: Path, megabytes: int = 450, *, odd_cells: bool = False) -> Path:
    """A valid-looking mines-list workbook whose ``xl/sharedStrings.xml`` unpacks to
    ``megabytes`` MB: the strings table openpyxl loads whole while it opens the file.
    ``odd_cells``: its cells name their type before their reference (``<c t="s" r="A1">``,
    valid, but not a form the workbook reader's expressions know: openpyxl reads the sheet)."""
    small = minimal_xlsx([LIST_HEADER, ["青岚山灰岩矿", "市级", "吕梁市", "文水县", "露天开采"]])
    if odd_cells:
        with zipfile.ZipFile(io.BytesIO(small)) as zf:
            parts = {info: zf.read(info.filename) for info in zf.infolist()}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in parts.items():
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb'<c (r="\w+") (t="s")>', rb"<c \2 \1>", data)
                zf.writestr(info, data)
        small = out.getvalue()
    period = _period("<si><t>{}</t></si>")
    block = period * (MB // len(period))

    def chunks() -> Iterator[bytes]:
        yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        yield from (block for _ in range(megabytes))
        yield b"</sst>"

    # level 1: ~50:1, 10 MB for 450 MB, made three times faster than at the default level
    return _replace_members(small, Path(path), {"xl/sharedStrings.xml": chunks()}, level=1)


def big_part_docx(path: Path, megabytes: int = 80) -> Path:
    """A Word document whose body (``word/document.xml``) unpacks to ``megabytes`` MB of
    paragraphs, at a ratio the ratio guard lets through."""
    small = minimal_docx(PLAN_PARAS)
    period = _period("<w:p><w:r><w:t>{}</w:t></w:r></w:p>")
    block = period * (MB // len(period))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def chunks() -> Iterator[bytes]:
        yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               f'<w:document xmlns:w="{w}"><w:body>').encode()
        yield from (block for _ in range(megabytes))
        yield b"</w:body></w:document>"

    return _replace_members(small, Path(path), {"word/document.xml": chunks()})


def wide_table_markdown(rows: int = 300, cols: int = 7000) -> str:
    """A Markdown table of ``rows`` × ``cols`` one-digit cells (300 × 7,000: 4.2 MB)."""
    line = "|" + "|".join("1" for _ in range(cols)) + "|\n"
    rule = "|" + "|".join("-" for _ in range(cols)) + "|\n"
    return "表：宽表\n\n" + line + rule + line * (rows - 1)


def deep_markdown(depth: int = 5000, kind: str = "quote") -> str:
    """Block quotes (``> > > …``) or list items, nested ``depth`` levels deep."""
    if kind == "quote":
        return "> " * depth + "很深的引用。\n"
    return "".join("  " * level + "- 第" + str(level) + "层\n" for level in range(depth))


def _list_rows(rows: int) -> Iterator[bytes]:
    for r in range(2, rows + 2):
        yield (f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>矿山{r}</t></is></c>'
               f'<c r="B{r}" t="inlineStr"><is><t>市级</t></is></c>'
               f'<c r="C{r}" t="inlineStr"><is><t>吕梁市</t></is></c></row>').encode()


def long_list_xlsx(path: Path, rows: int = SHEET_ROWS, *, dimension: bool = True) -> Path:
    """A mines list (``greenmine sample``) with a header and ``rows`` mines, each its own name
    (with the sheet's ``<dimension>`` stated, as Excel and openpyxl write it, or without)."""
    small = minimal_xlsx([LIST_HEADER])
    stated = f'<dimension ref="A1:E{rows + 1}"/>'.encode() if dimension else b""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + stated + b"<sheetData>")
    with zipfile.ZipFile(io.BytesIO(small)) as zf:
        header_row = zf.read("xl/worksheets/sheet1.xml").split(b"<sheetData>")[1]
        header_row = header_row.split(b"</sheetData>")[0]

    def chunks() -> Iterator[bytes]:
        yield head + header_row
        batch: list[bytes] = []
        for row in _list_rows(rows):
            batch.append(row)
            if len(batch) == 10000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + b"</sheetData></worksheet>"

    # level 1: 15 MB (under the input limit), made four times faster than at the default
    return _replace_members(small, Path(path), {"xl/worksheets/sheet1.xml": chunks()}, level=1)


def long_list_csv(path: Path, rows: int = SHEET_ROWS) -> Path:
    """The same list as CSV: short rows keep it under the 5 MB text limit up to ~250,000."""
    lines = ["矿山名称,名录级别,所在市"] + [f"矿{r},市级,吕梁" for r in range(rows)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)


def long_mines_table(path: Path, rows: int = SHEET_ROWS, cells: int = 4) -> Path:
    """A batch mines table (``greenmine batch``) whose main sheet repeats the first ``cells``
    cells of the example's row ``rows`` times, each with its own 编号 (few cells a row: 20 MB
    of workbook then hold the most rows a sheet can have)."""
    from greenmine_docs.excel_input import write_mines_table
    from greenmine_docs.load.yaml_input import read_yaml

    example = Path(__file__).resolve().parents[2] / "examples" / "shanxi-limestone" / "mine.yaml"
    one = Path(path).with_suffix(".one.xlsx")
    write_mines_table([read_yaml(example).data], one, force=True)
    src = one.read_bytes()
    one.unlink()
    with zipfile.ZipFile(io.BytesIO(src)) as zf:
        part = max((n for n in zf.namelist() if n.startswith("xl/worksheets/")),
                   key=lambda n: zf.getinfo(n).file_size)  # 矿山名录: one wide row a mine
        xml = zf.read(part)
    start, end = xml.index(b"<sheetData>") + len(b"<sheetData>"), xml.index(b"</sheetData>")
    rows_xml = [r + b"</row>" for r in xml[start:end].split(b"</row>")[:-1]]
    header, data_row = b"".join(rows_xml[:-1]), rows_xml[-1]  # the mine is the last row
    number = int(re.match(rb'<row r="(\d+)"', data_row).group(1))  # type: ignore[union-attr]
    template = re.sub(rb'(<c r="[A-Z]+)' + str(number).encode() + rb'"', rb'\1{R}"',
                      data_row.replace(f'<row r="{number}"'.encode(), b'<row r="{R}"'))
    template = template.replace(b"<v>1</v>", b"<v>{N}</v>", 1)  # 编号, the first cell
    template = b"</c>".join(template.split(b"</c>")[:cells]) + b"</c></row>"

    def chunks() -> Iterator[bytes]:
        yield xml[:start] + header
        batch: list[bytes] = []
        for r in range(number, number + rows):
            batch.append(template.replace(b"{R}", str(r).encode())
                         .replace(b"{N}", str(r - number + 1).encode()))
            if len(batch) == 2000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + xml[end:]

    return _replace_members(src, Path(path), {part: chunks()})


def sparse_file(path: Path, size: int = 4 * 1024 * MB) -> Path:
    """A file of ``size`` bytes that occupies (nearly) no disk: a hole."""
    with open(path, "wb") as fh:
        fh.truncate(size)
    return Path(path)


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = [big_part_xlsx(folder / "big-strings.xlsx"), big_part_docx(folder / "big-body.docx"),
           long_list_xlsx(folder / "long-list.xlsx"),
           long_list_csv(folder / "long-list.csv", 200_000),
           long_mines_table(folder / "long-mines-table.xlsx"),
           sparse_file(folder / "sparse-4g.png")]
    for name, text in (("wide-table.md", wide_table_markdown()),
                       ("deep-quote.md", deep_markdown(5000)),
                       ("deep-list.md", deep_markdown(2000, "list"))):
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1])):
        print(p, p.stat().st_size)
