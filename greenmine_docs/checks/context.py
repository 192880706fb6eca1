"""What every check gets: the validated submission, where its values came from, the reference
date, and cached access to the indicator set it names."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Location

if TYPE_CHECKING:
    from ..load.raw import RawInput
    from ..model import Submission


@dataclass
class CheckContext:
    submission: "Submission"
    raw: "RawInput"
    as_of: dt.date
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        """Folder relative paths in the input (markdown files, photos, sets) are resolved from."""
        return self.raw.source.parent

    def at(self, *path: str | int) -> Location:
        """Location of a field path in the input file (YAML line/column or Excel cell)."""
        return self.raw.locate(tuple(path))

    def resolve(self, relative: str | Path) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.base_dir / p


# Section checks: modules exposing ``check(ctx: CheckContext) -> Iterable[Finding]``; a module
# that does not exist yet is skipped. Order is the order findings are produced in.
SECTION_CHECKS = (
    "greenmine_docs.checks.eligibility",
    "greenmine_docs.checks.consistency",
    "greenmine_docs.documents.selfcheck.checks",
    "greenmine_docs.documents.plan.checks",
    "greenmine_docs.documents.assessment.checks",
    "greenmine_docs.documents.plan.images",
)
