"""Findings and reports: every problem is data with a stable code and a location.

A :class:`Finding` is what a check produces; a :class:`Report` collects all of them and is the
object that ``greenmine validate --format json`` prints (``Report.to_dict``).
Every code used anywhere must be registered in :mod:`greenmine_docs.codes` (a test enforces it,
and the README documents each one).
"""
from __future__ import annotations

from dataclasses import field
from typing import Any, Iterable, Iterator

from .frozen import frozen, record
from .severity import Severity

__all__ = ["Finding", "Location", "Report", "Severity", "listing_key", "location_text",
           "make"]


@frozen
class Location:
    """Where a finding is. YAML: file + line/column (1-based) + field path; Excel: file + sheet +
    cell; DOCX: file + part + paragraph/heading text. Unused parts stay ``None``."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None  # dotted field path, e.g. "mine.licence.valid_to" or "penalties[0].date"
    sheet: str | None = None
    cell: str | None = None  # "C7"
    part: str | None = None  # DOCX part or heading the finding is about
    paragraph: int | None = None
    page: int | None = None  # PDF: page (with ``line`` the line on that page)

    def __str__(self) -> str:
        return location_text(self.__dict__)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@frozen(quick_init=False)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str = ""
    location: Location = field(default_factory=Location)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "location": self.location.to_dict(),
        }

    def __str__(self) -> str:
        text = f"{self.code} {self.severity.label} {self.location}：{self.message}"
        return text + (f"（建议：{self.hint}）" if self.hint else "")


def make(code: str, message: str, *, location: Location | None = None, hint: str | None = None,
         severity: Severity | None = None) -> Finding:
    """Build a finding for a registered code; severity and hint default to the registry's."""
    from .codes import CODES

    spec = CODES[code]
    return Finding(
        code=code,
        severity=severity or spec.severity,
        message=message,
        hint=spec.hint if hint is None else hint,
        location=location or Location(),
    )


def location_text(fields: dict[str, Any]) -> str:
    """How a location is shown (``str(Location(**fields))``), from its fields (those left
    out are ``None``): a long list of findings shows each without making the object."""
    get = fields.get
    file, sheet, cell, line = get("file"), get("sheet"), get("cell"), get("line")
    column, path, part = get("column"), get("path"), get("part")
    paragraph, page = get("paragraph"), get("page")
    where: list[str] = []
    if file:
        pos = file
        if sheet:
            pos += f" {sheet}!{cell}" if cell else f" {sheet}"
        elif line is not None and page is None:
            pos += f":{line}" + (f":{column}" if column is not None else "")
        where.append(pos)
    elif sheet:
        where.append(f"{sheet}!{cell}" if cell else sheet)
    if path:
        where.append(f"[{path}]")
    if part:
        where.append(f"「{part}」")
    if paragraph is not None:
        where.append(f"第{paragraph}段")
    if page is not None:
        where.append(f"第{page}页" + (f"第{line}行" if line is not None else ""))
    return " ".join(where) or "（无位置）"


def listing_key(f: Finding) -> tuple[int, str, str, int, int, str]:
    """The order reports list findings in (:meth:`Report.sorted`, a stable sort): severity,
    then file, sheet, line, paragraph and code."""
    loc = f.location
    return (f.severity.rank, loc.file or "", loc.sheet or "", loc.line or 0, loc.paragraph or 0,
            f.code)


@record
class Report:
    """All findings about one input (or one document). ``valid`` means: no error findings
    (and, with ``strict``, no warnings either)."""

    source: str | None = None
    findings: list[Finding] = field(default_factory=list)
    strict: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def by_severity(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity is severity]

    @property
    def errors(self) -> list[Finding]:
        return self.by_severity(Severity.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return self.by_severity(Severity.WARNING)

    @property
    def valid(self) -> bool:
        if self.errors:
            return False
        return not (self.strict and self.warnings)

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=listing_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "source": self.source,
            "strict": self.strict,
            "counts": {s.value: len(self.by_severity(s)) for s in Severity},
            "findings": [f.to_dict() for f in self.sorted()],
            **({"meta": self.meta} if self.meta else {}),
        }
