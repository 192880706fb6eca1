"""The files an input refers to, so that no output ever replaces one of them.

A submission names other files by relative path: Markdown narratives, photos, an indicator set,
a filled score sheet. ``greenmine build -o .`` run next to them, or ``greenmine scoresheet -o``
given the name of the filled sheet, must not overwrite them — not even with ``--force``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str) and 0 < len(node) < 260 and "\n" not in node:
        yield node


def referenced_files(data: Any, base: Path) -> list[Path]:
    """Existing files named by single-line strings in ``data``, relative to ``base``."""
    out: list[Path] = []
    seen: set[Path] = set()
    for text in _strings(data):
        if "/" not in text and "\\" not in text and "." not in text:
            continue
        try:
            path = (base / text).resolve()
            if path not in seen and path.is_file():
                seen.add(path)
                out.append(path)
        except (OSError, ValueError):
            continue
    return out


def input_files(raw: Any) -> "InputFiles":
    """The input file itself and every file it refers to (for ``inputs=`` of the writers)."""
    return InputFiles(raw)


class InputFiles:
    """:func:`input_files`, found on first use: a writer compares an output with the inputs
    only when a file is already there (a new output cannot be an existing input), so a build
    into a new folder never needs to resolve every path the input mentions."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._files: list[Path] | None = None

    def __iter__(self) -> Iterator[Path]:
        if self._files is None:
            source = Path(self.raw.source)
            self._files = [source, *referenced_files(self.raw.data, source.parent)]
        return iter(self._files)
