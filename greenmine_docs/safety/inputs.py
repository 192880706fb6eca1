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


def input_files(raw: Any) -> list[Path]:
    """The input file itself and every file it refers to (for ``inputs=`` of the writers)."""
    source = Path(raw.source)
    return [source, *referenced_files(raw.data, source.parent)]
