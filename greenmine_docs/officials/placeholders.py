"""Placeholder text left in a submitted document (``XXX``, ``××``, ``某某``, ``【…】``, ``待补充``
…): found by the structure check and by the name comparison alike, in one place."""
from __future__ import annotations

import re

_PLACEHOLDERS = [
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "XXX"),
    (re.compile(r"[×╳]{2,}"), "××"),
    (re.compile(r"某某"), "某某"),
    (re.compile(r"【[^】]{0,40}】"), "【…】"),
    (re.compile(r"待补充|待填写|待完善|待核实|此处填写|此处输入|请填写|请输入|填写说明"), "待补充"),
]


def placeholders_in(text: str) -> list[str]:
    """Placeholder texts in ``text``, in order; one inside another counts once
    (``【待补充】`` is not also ``待补充``)."""
    spans = sorted(((m.start(), m.end()) for pat, _ in _PLACEHOLDERS for m in pat.finditer(text)),
                   key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return [text[a:b] for a, b in kept]
