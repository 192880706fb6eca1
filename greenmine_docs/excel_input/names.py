"""The names of the sheets the workbooks share, apart from the layout (which imports the model):
what opening a workbook needs before its layout is made (:mod:`greenmine_docs.mines_validate`
starts unpacking a mines table's main sheet while the layout's modules are imported)."""
from __future__ import annotations

INSTRUCTIONS_SHEET = "填表说明"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
MINES_SHEET = "矿山名录"  # the mines table's main sheet: one mine per row
