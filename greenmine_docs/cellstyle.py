"""Fast openpyxl cell styling: :func:`style_cell` sets font, border, fill and alignment at once.

``cell.font = f`` in openpyxl hashes the whole style object (a recursive walk over every field)
to find its index in the workbook's style list — for every cell. A score table with a few
thousand styled cells spent most of its time there. Here each style *object* is looked up once
per workbook (then by identity); the indexes, and so the saved file, are exactly those the
plain assignments give. Style objects must not be mutated after their first use (openpyxl's
own style objects are treated as immutable values anyway).
"""
from __future__ import annotations

from typing import Any

_SLOTS = {"font": ("_fonts", "fontId"), "border": ("_borders", "borderId"),
          "fill": ("_fills", "fillId"), "alignment": ("_alignments", "alignmentId")}


def _index(wb: Any, collection: str, obj: Any) -> int:
    cache = wb.__dict__.get("_greenmine_style_ids")
    if cache is None:
        cache = wb.__dict__["_greenmine_style_ids"] = {}
    key = (collection, id(obj))
    hit = cache.get(key)
    if hit is None or hit[1] is not obj:
        # keep a reference to obj: its id cannot be reused while it is cached
        hit = cache[key] = (getattr(wb, collection).add(obj), obj)
    return hit[0]


def style_cell(cell: Any, *, font: Any = None, border: Any = None, fill: Any = None,
               alignment: Any = None) -> Any:
    """Same result as assigning ``cell.font``/``.border``/``.fill``/``.alignment`` (the
    ``None`` ones are left as they are); returns the cell."""
    from openpyxl.styles.cell_style import StyleArray

    wb = cell.parent.parent
    style = cell._style
    if not style:
        style = cell._style = StyleArray()
    for name, value in (("border", border), ("fill", fill), ("alignment", alignment),
                        ("font", font)):
        if value is not None:
            collection, slot = _SLOTS[name]
            setattr(style, slot, _index(wb, collection, value))
    return cell
