"""What the scoring stage gives a run: each scored section of the input, scored once by the one
engine (:func:`greenmine_docs.scoring.score`), for every check and document that needs it.

Three sections are scored: the enterprise's self-check (``self_check``), its self-evaluation
(``self_evaluation``, items it leaves out taken from the self-check) and the assessors' rulings
and scores (``assessment``: written in the input, or read from the filled score sheet it names).
The assessors' values keep where each field came from (YAML line or ``评分表!E12``), so every
finding and the report can point at the right place.
"""
from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Callable

from ..findings import Finding, Location
from ..frozen import record

if TYPE_CHECKING:
    from ..model.assessment import AssessedItem, AssessedPrerequisite
    from ..scoring import ScoreResult


@record
class Scores:
    """The assessors' rulings and scores with the location of each field.

    ``cells[(kind, id, field)]`` where kind is ``"pre"`` or ``"item"`` and field a model field
    name (``score``, ``deduction_reason``, ``ruling`` …) or ``""`` for the whole entry."""

    source: str  # "input" or the score sheet's path
    prerequisites: dict[str, AssessedPrerequisite] = field(default_factory=dict)
    items: dict[str, AssessedItem] = field(default_factory=dict)
    cells: dict[tuple[str, str, str], Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # from reading a sheet
    fallback: Location = field(default_factory=Location)  # where the scores as a whole are
    meta: dict[str, str] = field(default_factory=dict)  # a sheet's metadata
    # scores written in the input: located on demand (only a few ever need a location)
    locate: Callable[[tuple[str, str, str]], Location | None] | None = None
    # several experts: each one's own rulings and scores by name (``items`` then holds the
    # mean per item); empty when one sheet or the input stands for the whole team
    experts: dict[str, "Scores"] = field(default_factory=dict)

    @property
    def from_sheet(self) -> bool:
        return self.source != "input"

    def where(self, kind: str, ref: str, name: str = "") -> Location:
        """Location of a field of one entry; the entry, then the whole block as fallbacks."""
        for key in ((kind, ref, name), (kind, ref, "")):
            loc = self.cells.get(key)
            if loc is None and self.locate is not None:
                loc = self.locate(key)
            if loc is not None:
                return loc
        return self.fallback


@record
class AssessmentScores:
    """The assessors' rulings and scores as given, and the engine's result for them."""

    given: Scores
    result: ScoreResult


@record
class RunScores:
    """The scoring stage's output (``None``: the input has no such section, or no usable
    indicator set)."""

    self_check: ScoreResult | None = None
    assessment: AssessmentScores | None = None
    self_evaluation: ScoreResult | None = None  # self_evaluation, completed from self_check
