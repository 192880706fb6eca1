"""Workbooks: data stays data on the way out, and what cannot be trusted on the way in is said.

Writing: openpyxl stores any text that starts with ``=`` as a *formula*. A mine name such as
``=HYPERLINK("http://…","点击")`` or a finding text ``=1+2`` would then be evaluated by Excel
(formula injection). :func:`keep_data_literal` is called on every workbook just before it is
saved: a formula cell is kept only when it looks like the ones this tool writes — cell
references, numbers, quoted text and a short list of arithmetic functions, referring to at least
one cell; anything else (unknown functions, names, external or DDE references, text) is turned
back into the text it was.

Reading: :func:`workbook_notes` reports formulas whose result was never saved (the file was
written by a program that does not calculate), macros (never run: only cell values are read)
and links to other workbooks (only their cached values are available).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from ..findings import Finding, Location, make

# functions the generators use in sums and ratios; nothing that reaches outside the workbook
SAFE_FUNCTIONS = frozenset({
    "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "IF", "IFS", "IFERROR", "ROUND", "ROUNDUP",
    "ROUNDDOWN", "MIN", "MAX", "AVERAGE", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS",
    "COUNTBLANK", "AND", "OR", "NOT", "ABS", "INT", "MOD", "LEN", "ISNUMBER", "ISBLANK",
    "ISERROR", "TEXT", "VALUE", "TRUE", "FALSE",
})
_CELL_REF = re.compile(r"^(?:'[^']+'!|[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*!)?"
                       r"\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$")


def is_generated_formula(formula: str) -> bool:
    """True when ``formula`` (with its leading ``=``) uses only what the generators write."""
    from openpyxl.formula import Tokenizer
    from openpyxl.formula.tokenizer import Token

    if not formula.startswith("=") or "|" in formula or "[" in formula:
        return False  # DDE (cmd|…) and references to other workbooks ([1]Sheet!A1)
    try:
        tokens = Tokenizer(formula).items
    except Exception:  # noqa: BLE001 — the tokenizer raises plain errors on odd text
        return False
    refs = 0
    for tok in tokens:
        if tok.type == Token.OPERAND:
            if tok.subtype == Token.RANGE:
                if not _CELL_REF.match(tok.value):
                    return False  # a name, or text that merely starts with "="
                refs += 1
            elif tok.subtype not in (Token.NUMBER, Token.TEXT, Token.LOGICAL):
                return False
        elif tok.type == Token.FUNC:
            if tok.subtype == Token.OPEN and tok.value[:-1].upper() not in SAFE_FUNCTIONS:
                return False
        elif tok.type not in (Token.OP_IN, Token.OP_PRE, Token.OP_POST, Token.SEP,
                              Token.PAREN, Token.WSPACE):
            return False
    return refs > 0


def keep_data_literal(wb: Any) -> int:
    """Turn formula cells that are not generated formulas back into text; returns how many.
    Call just before ``wb.save``. Works on normal (not write-only) workbooks."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str) \
                        and not is_generated_formula(cell.value):
                    cell.data_type = "s"
                    changed += 1
    return changed


# ------------------------------------------------------------------ reading

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
