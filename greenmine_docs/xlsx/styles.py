"""Style parts of a look (fonts, borders, fills, alignments, rich-text fonts), described without
openpyxl.

The builders of cached workbooks (:class:`~.write.CachedWorkbook`) give their cells looks
(:func:`~.book.look`) made of style parts. A :class:`Part` says which openpyxl class and which
arguments, and makes the openpyxl object only when a cell is written with openpyxl
(:func:`made`). So a new process whose workbooks come from the user's cache
(:mod:`.remembered`: the builder only records) never imports openpyxl, about 0.05 s of a
``greenmine build``. A part's ``repr`` lists its class and every argument: the remembered
workbook's digest reads it as the look's content.

Parts are shared, immutable values, as openpyxl's style objects are: cells that look alike share
the same part objects (looks and skeletons compare them by identity).
"""
from __future__ import annotations

import importlib
from typing import Any

# the openpyxl classes a part may stand for -> the module that defines each
_CLASSES = {"Font": "openpyxl.styles", "Side": "openpyxl.styles", "Border": "openpyxl.styles",
            "PatternFill": "openpyxl.styles", "Alignment": "openpyxl.styles",
            "InlineFont": "openpyxl.cell.text"}


class Part:
    """An openpyxl style object of class ``kind``, described by the arguments it is made with
    (parts among them are made first); made on first use."""

    __slots__ = ("kind", "args", "kwargs", "_made")

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        if kind not in _CLASSES:
            raise ValueError(f"not a style class: {kind}")
        self.kind = kind
        self.args = args
        self.kwargs = tuple(sorted(kwargs.items()))
        self._made: Any = None

    def __repr__(self) -> str:
        inner = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs]
        return f"{self.kind}({', '.join(inner)})"

    def made(self) -> Any:
        """The openpyxl object (the same one every time)."""
        if self._made is None:
            cls = getattr(importlib.import_module(_CLASSES[self.kind]), self.kind)
            self._made = cls(*map(made, self.args), **{k: made(v) for k, v in self.kwargs})
        return self._made


def made(part: Any) -> Any:
    """The openpyxl object a :class:`Part` describes; anything else as it is (an openpyxl
    style object, ``None``, a colour)."""
    return part.made() if isinstance(part, Part) else part
