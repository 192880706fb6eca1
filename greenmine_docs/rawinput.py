"""What every input reader returns before model validation: plain data plus a source map.

``RawInput.data`` is plain Python (dicts, lists, str, int, float, bool, date) shaped like the
YAML form of :class:`greenmine_docs.model.Submission`. ``RawInput.locate(path)`` gives the
:class:`Location` of the value at a field path such as ``("mine", "licence", "valid_to")`` or
``("eligibility", "penalties", 0, "date")`` — file/line/column for YAML, sheet/cell for Excel —
falling back to the nearest located ancestor. ``findings`` are problems found while reading
(stray spaces, numbers stored as text, ...), kept even when the data could be used.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, Iterator

from .findings import Finding, Location
from .frozen import record

FieldPath = tuple[str | int, ...]


class LinePositions(Mapping):
    """``field path -> Location`` of one text file, kept as ``(line, column)`` pairs and made
    into a :class:`Location` only when asked for: a mine's YAML has a thousand values and
    findings name a handful of them."""

    __slots__ = ("file", "marks")

    def __init__(self, file: str, marks: dict[FieldPath, tuple[int, int]]) -> None:
        self.file = file
        self.marks = marks  # 1-based line and column

    def __getitem__(self, path: Any) -> Location:
        line, column = self.marks[path]
        return Location(file=self.file, line=line, column=column)

    def get(self, path: Any, default: Any = None) -> Any:  # noqa: D102 — Mapping API
        mark = self.marks.get(path)
        if mark is None:
            return default
        return Location(file=self.file, line=mark[0], column=mark[1])

    def __contains__(self, path: object) -> bool:
        return path in self.marks

    def __iter__(self) -> Iterator[FieldPath]:
        return iter(self.marks)

    def __len__(self) -> int:
        return len(self.marks)


def dotted(path: FieldPath) -> str:
    """``("eligibility", "penalties", 0, "date")`` -> ``eligibility.penalties[0].date``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@record
class RawInput:
    source: Path
    kind: str  # "yaml" or "xlsx"
    data: Any
    # a dict, or positions made into Locations on demand (LinePositions, a mines table's)
    positions: Mapping[FieldPath, Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    key_positions: Mapping[FieldPath, Location] = field(default_factory=dict)

    def locate(self, path: FieldPath) -> Location:
        """Location of ``path``, or of its nearest ancestor that has one; path always set."""
        probe = tuple(path)
        find = getattr(self.positions, "find", None)
        if find is not None:  # positions computed on demand (a mines table): one lookup
            hit = find(probe) if probe else None
            if hit is None:
                return Location(file=str(self.source), path=dotted(probe) or None)
            return Location(file=hit[0], sheet=hit[1], cell=hit[2], path=dotted(probe) or None)
        if isinstance(self.positions, LinePositions):  # a YAML file's: one Location made
            marks = self.positions.marks
            while probe:
                mark = marks.get(probe)
                if mark is not None:
                    return Location(file=self.positions.file, line=mark[0], column=mark[1],
                                    path=dotted(tuple(path)) or None)
                probe = probe[:-1]
            return Location(file=str(self.source), path=dotted(tuple(path)) or None)
        while probe:
            loc = self.positions.get(probe)
            if loc is not None:
                return Location(file=loc.file, line=loc.line, column=loc.column,
                                sheet=loc.sheet, cell=loc.cell, path=dotted(tuple(path)) or None)
            probe = probe[:-1]
        return Location(file=str(self.source), path=dotted(tuple(path)) or None)

    def locate_key(self, path: FieldPath) -> Location:
        """Location of the key (not the value) at ``path``: for unknown-key findings."""
        loc = self.key_positions.get(tuple(path))
        if loc is None:
            return self.locate(path)
        return Location(file=loc.file, line=loc.line, column=loc.column, sheet=loc.sheet,
                        cell=loc.cell, path=dotted(tuple(path)))


def mine_name(data: Any) -> str:
    """The mine's name as written in raw data (``mine.name``), ``""`` when there is none."""
    try:
        return str(data["mine"]["name"] or "")
    except (KeyError, TypeError):
        return ""


_SCALARS = frozenset({int, float, bool, type(None), dt.date, dt.datetime})


def all_texts(data: Any) -> list[str]:
    """Every string in ``data``, in no particular order (for whole-input scans that need no
    paths; :func:`~greenmine_docs.load.raw_rules._strings` gives paths and document order)."""
    out: list[str] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            if isinstance(node, str):
                out.append(node)
            continue
        for v in node:
            kind = type(v)  # the exact types first: this runs over every value of every mine
            if kind is str:
                out.append(v)
            elif kind is dict or kind is list:
                stack.append(v)
            elif kind in _SCALARS:
                continue
            elif isinstance(v, str):
                out.append(v)
            elif isinstance(v, (dict, list)):
                stack.append(v)
    return out
