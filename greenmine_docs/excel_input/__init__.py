"""The Excel side of the input: the one-mine input workbook (template, read, write), the mines
table (one mine per row) and the YAML writer (YAML ⇄ XLSX conversion, which reads through the
load stage, is :mod:`greenmine_docs.convert`).

The layout is derived from :class:`greenmine_docs.model.Submission` (see :mod:`.layout`), so new
sections of the model appear in the workbook without changes here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .mines import MinesTable, read_mines_table, render_mines_table, write_mines_table
    from .workbook import read_workbook, render_workbook, write_template, write_workbook
    from .yamlio import dump_yaml, write_yaml

__all__ = [
    "MinesTable", "dump_yaml", "read_mines_table", "read_workbook",
    "render_mines_table", "render_workbook", "write_mines_table", "write_template",
    "write_workbook", "write_yaml",
]

_HOMES = {"MinesTable": "mines", "read_mines_table": "mines", "render_mines_table": "mines",
          "write_mines_table": "mines", "read_workbook": "workbook", "render_workbook": "workbook",
          "write_template": "workbook", "write_workbook": "workbook", "dump_yaml": "yamlio",
          "write_yaml": "yamlio"}

# reading a mines table (``batch --validate-only``) does not load the workbook writers (openpyxl)
__getattr__ = lazy_exports(__name__, _HOMES)
