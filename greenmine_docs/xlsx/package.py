"""Saving a workbook: the one place an openpyxl workbook becomes the bytes of an .xlsx package.

:func:`save_workbook` writes what ``wb.save`` writes, with these differences, which hold for
every workbook we generate:

* its times come from :mod:`greenmine_docs.clock` (creation/modification in ``core.xml``, the
  zip members' stamps), so a fixed clock gives the same bytes;
* data stays data (formula injection): openpyxl stores any text that starts with ``=`` as a
  formula and ``#N/A``-like text as an error value. Each worksheet's XML is checked as it goes
  into the package: a formula is kept only in a cell our code gave a
  :class:`~.book.Formula` (:func:`~.book.set_value` remembers them), error values are never
  kept; anything else becomes the text it was, written as openpyxl writes a text cell. This
  covers normal and write-only sheets, and cells set by any code path;
* it names no program: ``docProps/app.xml`` is :data:`~greenmine_docs.outputs.APP_XML`, no
  properties (openpyxl writes "Microsoft Excel Compatible / Openpyxl" and its version), and
  openpyxl's name is left out of ``core.xml``'s author (openpyxl's default ``openpyxl``; an
  author a user's workbook had stays);
* optionally (``shared_strings=True``) its text is stored the way Excel does, in one
  shared-strings table (:func:`share_strings`).
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from ..clock import StampedZip
from ..clock import now as clock_now
from ..outputs import APP_PART, APP_XML
from .book import _FORMULAS

# a formula cell and an error cell as openpyxl writes them
# (an array formula, as openpyxl writes one it read from a user's workbook, has its range)
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"((?: s="[0-9]+")?)>'
                           rb'<f(?: t="array" ref="[A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?")?>'
                           rb"([^<]*)</f><v>[^<]*</v></c>")
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"((?: s="[0-9]+")?) t="e"><v>([^<]*)</v></c>')


def save_workbook(wb: Any, *, shared_strings: bool = False) -> bytes:
    """An openpyxl workbook's package as bytes (see the module's docstring)."""
    from openpyxl.writer.excel import ExcelWriter

    if wb.write_only and not wb.worksheets:
        wb.create_sheet()  # as Workbook.save does
    wb.properties.created = wb.properties.modified = clock_now()
    if wb.properties.creator == "openpyxl":  # the library's default, not an author
        wb.properties.creator = ""
    buf = io.BytesIO()
    ExcelWriter(wb, _Archive(buf, wb)).save()
    data = buf.getvalue()
    return share_strings(data) if shared_strings else data


class _Archive(StampedZip):
    """The zip file openpyxl's writer fills: worksheets pass :func:`literal_cells` on the way,
    and ``docProps/app.xml`` is :data:`~greenmine_docs.outputs.APP_XML`."""

    def __init__(self, file: Any, wb: Any) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.wb = wb

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        if name == APP_PART:
            data = APP_XML
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        # (a sheet's part name is known once the writer numbered the sheets: look it up now)
        allowed = next((ws.__dict__.get(_FORMULAS, frozenset()) for ws in self.wb.worksheets
                        if ws.path[1:] == arcname), None)
        if allowed is not None:  # a worksheet (openpyxl writes each from a temporary file)
            with open(filename, "rb") as fh:
                data = fh.read()
            safe = literal_cells(data, allowed)
            if safe is not data:
                info = zipfile.ZipInfo.from_file(filename, arcname)
                info.compress_type = self.compression
                self.writestr(info, safe)
                return
        super().write(filename, arcname, compress_type, compresslevel)


def literal_cells(xml: bytes, allowed: Any) -> bytes:
    """A worksheet's XML with every formula cell whose reference is not in ``allowed``, and
    every error cell, written as a text cell holding what was typed (``=SUM(A1:A9)``,
    ``#N/A``); ``xml`` itself when there is none."""
    if b"</f>" not in xml and b' t="e">' not in xml:
        return xml
    kept = 0

    def formula(m: re.Match[bytes]) -> bytes:
        nonlocal kept
        if m.group(1).decode() in allowed:
            kept += 1
            return m.group(0)
        return _text_cell(m, b"=")

    out = _FORMULA_CELL.sub(formula, xml)
    out = _ERROR_CELL.sub(lambda m: _text_cell(m, b""), out)
    if out.count(b"</f>") != kept:  # openpyxl wrote a formula in a form not known here
        raise RuntimeError("a formula cell of an unknown form: refusing to save it")
    return out if out != xml else xml


def _text_cell(m: re.Match[bytes], prefix: bytes) -> bytes:
    ref, style, body = m.groups()
    text = prefix + body
    plain = html.unescape(text.decode("utf-8"))
    space = b' xml:space="preserve"' if plain.strip() and plain != plain.strip() else b""
    return (b'<c r="' + ref + b'"' + style + b' t="inlineStr"><is><t' + space + b">" + text
            + b"</t></is></c>")


# -- shared strings ------------------------------------------------------------------------------
# openpyxl writes every text cell inline, with each Chinese character as a numeric character
# reference (``&#25991;`` — 8 bytes for one character). For the 10,000-mine table that is ~45 MB
# of sheet XML, and the same unit, department or city repeated in every row. Moving the texts
# into ``xl/sharedStrings.xml`` (UTF-8, each distinct text once) makes the file about three times
# smaller and three times faster to read back, and it is exactly the form Excel and WPS save.
_INLINE = re.compile(
    rb'<c r="([A-Z]{1,3}\d+)"( s="\d+")? t="inlineStr"><is><t(?: xml:space="preserve")?>'
    rb"([^<]*)</t></is></c>")
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _escape(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .encode("utf-8"))


def share_strings(content: bytes) -> bytes:
    """``content`` (an .xlsx without a shared-strings part) with its inline texts shared."""
    src = zipfile.ZipFile(io.BytesIO(content))
    names = src.namelist()
    if "xl/sharedStrings.xml" in names:
        return content
    index: dict[bytes, int] = {}
    texts: list[bytes] = []
    count = 0

    def shared(m: re.Match[bytes]) -> bytes:
        nonlocal count
        raw = m.group(3)
        i = index.get(raw)
        if i is None:
            i = index[raw] = len(texts)
            texts.append(raw)
        count += 1
        return b'<c r="' + m.group(1) + b'"' + (m.group(2) or b"") + b' t="s"><v>' + \
            str(i).encode() + b"</v></c>"

    parts: dict[str, bytes] = {}
    for name in names:
        data = src.read(name)
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            data = _INLINE.sub(shared, data)
        parts[name] = data
    if not texts:
        return content
    body = b"".join(b'<si><t xml:space="preserve">' + _escape(html.unescape(t.decode("utf-8")))
                    + b"</t></si>" for t in texts)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
        + str(count).encode() + b'" uniqueCount="' + str(len(texts)).encode() + b'">'
        + body + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
        "</Types>".encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" '
        'Id="rIdSharedStrings"/></Relationships>'.encode())
    out = io.BytesIO()
    with StampedZip(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in [*names, "xl/sharedStrings.xml"]:
            dst.writestr(src.getinfo(name) if name in names else name, parts[name],
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
