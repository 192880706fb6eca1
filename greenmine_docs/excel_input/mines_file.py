"""Opening a mines table's workbook, apart from its reader (:mod:`.mines`, whose layout
imports the model): :mod:`greenmine_docs.mines_validate` opens it first, so that the main
sheet is unpacked while the reader's modules are imported."""
from __future__ import annotations

from pathlib import Path

from ..xlsx.read import XlsxFile
from .names import MINES_SHEET


def open_mines_file(path: Path) -> XlsxFile:
    """A mines table's workbook, opened, its main sheet and shared strings unpacked in a
    thread from now on (:meth:`~greenmine_docs.xlsx.read.XlsxFile.prefetch`: inflating runs
    without the interpreter's lock, meanwhile the caller imports and makes the layout)."""
    xlsx = XlsxFile(path)
    xlsx.prefetch(MINES_SHEET)
    return xlsx
