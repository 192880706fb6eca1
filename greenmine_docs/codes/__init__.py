"""Registry of every finding code: ``CODES[code] -> CodeSpec``.

Codes are stable: never renumber one. Numbering: ``GM-`` + default severity letter (E error,
W warning, I info) + three digits whose hundreds say the area:
1xx input and format, 2xx eligibility and consistency, 3xx indicator sets, scoring and
self-check, 4xx implementation plan, 5xx assessment report, 6xx officials' tools,
7xx safety and limits, 9xx the self-evaluation report (90x–92x) and the
demonstration-zone plan (95x–97x). Each area keeps its codes in its own module here.
"""
from __future__ import annotations

from ..frozen import frozen
from ..severity import Severity


@frozen(quick_init=False)
class CodeSpec:
    code: str
    severity: Severity
    title: str  # short Chinese description, used in the README table
    hint: str  # default fix hint


def _collect() -> dict[str, CodeSpec]:
    # each area's codes, imported plainly: a broken module fails at import, never disappears
    from . import (
        assessment,
        batch,
        eligibility,
        excel,
        indicators,
        input,
        officials,
        plan,
        safety,
        selfeval,
        zone,
    )

    out: dict[str, CodeSpec] = {}
    for area in (input, excel, eligibility, batch, indicators, plan, assessment, officials,
                 safety, selfeval, zone):
        for code, severity, title, hint in area.SPECS:
            if code in out:
                raise RuntimeError(f"duplicate finding code {code}")
            sev = Severity(severity)
            if code[3] != sev.value[0].upper():
                raise RuntimeError(f"finding code {code} does not match its severity {severity}")
            out[code] = CodeSpec(code, sev, title, hint)
    return out


CODES: dict[str, CodeSpec] = _collect()


def markdown_table() -> str:
    """The README's table of finding codes."""
    lines = ["| 代码 code | 级别 | 含义 | 处理建议 |", "|---|---|---|---|"]
    for spec in sorted(CODES.values(), key=lambda s: s.code[4:] + s.code):
        lines.append(f"| `{spec.code}` | {spec.severity.label} | {spec.title} | {spec.hint} |")
    return "\n".join(lines)
