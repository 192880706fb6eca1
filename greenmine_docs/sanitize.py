"""Removing characters that XML (and so DOCX/XLSX) cannot hold: C0 control characters other
than tab and newline, U+FFFE/U+FFFF and lone surrogates. Done once, when an input is loaded,
so every document gets clean text; each field that was changed gets a warning."""
from __future__ import annotations

import re
from typing import Any, Iterator

from .findings import Finding, make
from .load.raw import FieldPath, RawInput

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without XML-forbidden characters (carriage returns become newlines)."""
    return _FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def sanitize_raw(raw: RawInput) -> Iterator[Finding]:
    """Clean every string in ``raw.data`` in place; one warning per changed field."""
    def walk(node: Any, path: FieldPath) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*path, i)) for i, v in enumerate(node)]
        if isinstance(node, str) and _FORBIDDEN.search(node.replace("\r", "")):
            bad = sorted({f"U+{ord(c):04X}" for c in _FORBIDDEN.findall(node)})
            changed.append(make("GM-W701", f"已删除文档中不允许的控制字符：{'、'.join(bad)}。",
                                location=raw.locate(path)))
            return clean_text(node)
        return node

    changed: list[Finding] = []
    if _FORBIDDEN.search("\n".join(_all_strings(raw.data))):  # one scan; rebuild only if needed
        raw.data = walk(raw.data, ())
    return iter(changed)


def _all_strings(data: Any) -> list[str]:
    """Every string value in ``data`` (iteratively: inputs with thousands of values)."""
    out: list[str] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out
