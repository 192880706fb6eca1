"""Cell positions of values read from list sheets, computed when asked for.

A 10,000-mine table has ~700,000 values; building a ``Location`` for each up front would take
longer than reading the file. Instead every record keeps *anchors* — for each list entry (and
the mine's own row) the sheet and row it came from — plus the shared column map of its sheet;
``positions.get(path)`` turns that into ``Location(file, sheet, cell)`` on demand. It is a
read-only mapping, so ``RawInput.locate`` and ``positions.values()`` work unchanged, and it
pickles (plain data only) for parallel batch runs.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..findings import Location

FieldPath = tuple[Any, ...]


@dataclass
class SheetRef:
    """Where the entries of one table are: its sheet, the column of each field path (relative
    to an entry), the column that names a row (序号/编号) and the child tables."""

    sheet: str
    columns: dict[tuple[str, ...], str] = field(default_factory=dict)
    anchor: str = "A"
    value: str | None = None  # the one value column of a ``dict[str, text]`` sheet
    parent: str | None = None  # the 上级序号/矿山编号 column
    children: dict[tuple[str, ...], "SheetRef"] = field(default_factory=dict)


class LazyPositions(Mapping):
    """``field path -> Location`` for one record, from its anchors."""

    __slots__ = ("file", "anchors")

    def __init__(self, file: str, anchors: dict[FieldPath, tuple[SheetRef, int | None]]) -> None:
        self.file = file
        self.anchors = anchors  # entry path -> (sheet, row); row None = the whole sheet

    def get(self, path: Any, default: Any = None) -> Any:  # noqa: D102 — Mapping API
        hit = self.find(tuple(path))
        if hit is None:
            return default
        return Location(file=hit[0], sheet=hit[1], cell=hit[2])

    def find(self, path: FieldPath) -> tuple[str, str, str | None] | None:
        """``(file, sheet, cell or None)`` of ``path`` (a tuple) or of its nearest anchored ancestor;
        ``None`` when nothing on the way is anchored. :meth:`RawInput.locate` uses it directly:
        one lookup gives the final location."""
        anchors, file = self.anchors, self.file
        for k in range(len(path), -1, -1):
            hit = anchors.get(path[:k])
            if hit is None:
                continue
            ref, row = hit
            if row is None:
                return file, ref.sheet, None
            rest = path[k:]
            if not rest and ref.value is not None:
                return file, ref.sheet, f"{ref.value}{row}"
            for j in range(len(rest), 0, -1):
                col = ref.columns.get(rest[:j])
                if col is not None:
                    return file, ref.sheet, f"{col}{row}"
                child = ref.children.get(rest[:j])
                if child is not None:
                    return file, child.sheet, None
            return file, ref.sheet, f"{ref.anchor}{row}"
        return None

    def __getitem__(self, path: Any) -> Location:
        loc = self.get(path)
        if loc is None:
            raise KeyError(path)
        return loc

    def _keys(self) -> Iterator[FieldPath]:
        for prefix, (ref, row) in self.anchors.items():
            yield prefix
            if row is not None:
                for rel in ref.columns:
                    yield (*prefix, *rel)

    def __iter__(self) -> Iterator[FieldPath]:
        return self._keys()

    def __len__(self) -> int:
        return sum(1 for _ in self._keys())

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self.get(path) is not None

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyPositions, (self.file, self.anchors))
