"""Workbooks we are given: what cannot be trusted in them is said.

(On the way out, data stays data: the one workbook writer keeps only the formulas our code
built, see :mod:`greenmine_docs.xlsx.package`.)

:func:`workbook_notes` reports formulas whose result was never saved (the file was
written by a program that does not calculate), macros (never run: only cell values are read)
and links to other workbooks (only their cached values are available).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..findings import Finding, Location, make

# a cell's attributes end at the next "<" and its body where the next cell starts: each match
# attempt on a hostile sheet ("<c<c<c…", no end tags) stops there, not at the end of the part
_CELL_XML = re.compile(rb"<(?:\w+:)?c\b([^<>]*?)(?:/>|>((?:(?!<(?:\w+:)?c\b).)*?)"
                       rb"</(?:\w+:)?c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3}\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^<>]*>([^<]*)</(?:\w+:)?f>")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MAX_REPORTED = 20  # formulas without a cached value reported one by one; the rest counted


def _sheets(zf: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet, in workbook order."""
    from defusedxml import ElementTree as SafeET

    try:
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    except Exception:  # noqa: BLE001 — the reader proper reports a broken workbook
        return
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id", "")] = part
    for el in book.iter():
        if el.tag.endswith("}sheet"):
            member = targets.get(el.get(_REL_NS + "id", ""))
            if member:
                yield el.get("name", ""), member


def formulas_without_values(path: Path) -> Iterator[tuple[str, str, str]]:
    """(sheet, cell, formula) for every formula cell whose result was not saved."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for sheet, member in _sheets(zf):
            if member not in names:
                continue
            data = zf.read(member)
            if not _HAS_F.search(data):
                continue
            for m in _CELL_XML.finditer(data):
                body = m.group(2) or b""
                if not _HAS_F.search(body):
                    continue
                value = _VALUE.search(body)
                kind = _ATTR_T.search(m.group(1))
                if value is not None and (value.group(1) or kind and kind.group(1) == b"str"):
                    continue
                ref = _ATTR_R.search(m.group(1))
                text = _FORMULA_TEXT.search(body)
                yield (sheet, ref.group(1).decode() if ref else "?",
                       "=" + text.group(1).decode("utf-8", "replace") if text else "（共享公式）")


def workbook_notes(path: Path) -> list[Finding]:
    """Findings about a workbook read as input: macros, external links, uncalculated
    formulas. Never raises for a broken file (its reader reports that)."""
    path = Path(path)
    out: list[Finding] = []
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            out.append(make("GM-I721", "工作簿包含宏（VBA）。宏不会被执行，只读取单元格中的值。",
                            location=Location(file=str(path))))
        links = [n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]
        if links:
            out.append(make("GM-W722", f"工作簿引用了 {len(links)} 个外部文件；引用单元格只能读取上次"
                            "保存时的缓存值。", location=Location(file=str(path))))
        missing = list(formulas_without_values(path))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return out
    for sheet, cell, formula in missing[:MAX_REPORTED]:
        out.append(make("GM-W720", f"单元格是公式 {formula[:60]}，但文件中没有保存计算结果，按空白"
                        "处理。", location=Location(file=str(path), sheet=sheet, cell=cell)))
    if len(missing) > MAX_REPORTED:
        out.append(make("GM-W720", f"另有 {len(missing) - MAX_REPORTED} 个公式单元格没有保存计算"
                        "结果，均按空白处理。", location=Location(file=str(path))))
    return out
