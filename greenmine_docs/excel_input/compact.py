"""Store a written workbook's text the way Excel does: one shared-strings table.

openpyxl writes every text cell inline, with each Chinese character as a numeric character
reference (``&#25991;`` — 8 bytes for one character). For the 10,000-mine table that is ~45 MB
of sheet XML, and the same unit, department or city repeated in every row. Moving the texts into
``xl/sharedStrings.xml`` (UTF-8, each distinct text once) makes the file about three times
smaller and three times faster to read back, and it is exactly the form Excel and WPS save.
"""
from __future__ import annotations

import html
import io
import re
import zipfile

from ..clock import StampedZip

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
