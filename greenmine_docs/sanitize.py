"""Removing characters that XML (and so DOCX/XLSX) cannot hold: C0 control characters other
than tab and newline, U+FFFE/U+FFFF and lone surrogates. Done once, when an input is loaded,
so every document gets clean text; each field that was changed gets a warning."""
from __future__ import annotations

import re
from typing import Any, Iterator

from .findings import Finding, make
from .rawinput import FieldPath, RawInput, all_texts

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without XML-forbidden characters (carriage returns become newlines)."""
    return _FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def sanitize_raw(raw: RawInput, texts: list[str] | None = None) -> Iterator[Finding]:
    """Clean every string in ``raw.data`` in place; one warning per changed field.
    ``texts``: every string of ``raw.data`` (:func:`~greenmine_docs.rawinput.all_texts`)
    when the caller has them; the data is only rebuilt when one of them needs cleaning."""
    changed: list[Finding] = []
    if texts is None:
        texts = all_texts(raw.data)
    if _FORBIDDEN.search("\n".join(texts)):  # one scan; rebuild only if needed
        raw.data = _cleaned(raw.data, (), raw, changed)
    return iter(changed)


def _cleaned(node: Any, path: FieldPath, raw: RawInput, changed: list[Finding]) -> Any:
    """``node`` with its strings cleaned, a warning in ``changed`` for each one changed. A
    function of its own, not a recursive closure: that would be a reference cycle holding the
    whole input until the garbage collector runs (:func:`greenmine_docs.batch.process`)."""
    if isinstance(node, dict):
        return {k: _cleaned(v, (*path, k), raw, changed) for k, v in node.items()}
    if isinstance(node, list):
        return [_cleaned(v, (*path, i), raw, changed) for i, v in enumerate(node)]
    if isinstance(node, str) and _FORBIDDEN.search(node.replace("\r", "")):
        bad = sorted({f"U+{ord(c):04X}" for c in _FORBIDDEN.findall(node)})
        changed.append(make("GM-W701", f"已删除文档中不允许的控制字符：{'、'.join(bad)}。",
                            location=raw.locate(path)))
        return clean_text(node)
    return node
