"""A zone run: one demonstration-zone file on its way through the pipeline.

A zone is not one mine: its input (``zone.yaml``) names the mines' own input files, and each
mine goes through the ordinary pipeline (load, score, check) as a :class:`~.run.Run` of its own —
the six selection conditions are decided by the same checks as for a single mine. A mine whose
file cannot be read or does not fit the model is kept with the reason (``error``), so the zone
plan lists it instead of failing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Location, Report
from ..frozen import record
from .run import Protected

if TYPE_CHECKING:
    from ..rawinput import RawInput
    from ..model.zone import ZonePlanInput
    from .run import Run


@record
class ZoneMine:
    """One mine of the zone: the file as listed, and its run (``None`` when unreadable)."""

    listed: str  # as written in zone.yaml
    index: int  # position in zone.yaml's ``mines``
    run: Run | None = None
    error: str = ""  # why the file could not be used ("" when it could)

    @property
    def usable(self) -> bool:
        return self.run is not None and self.run.model is not None


@dataclass(eq=False)
class ZoneRun:
    """The zone file as read (``raw``), its model (``None`` when it does not fit), the mines'
    runs, every finding about the zone (``report``) and the files no output may replace."""

    raw: RawInput
    report: Report
    as_of: dt.date
    model: ZonePlanInput | None = None
    mines: list[ZoneMine] = field(default_factory=list)
    protected: Protected = field(default_factory=lambda: Protected(None))
    _derived: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def zone(self) -> ZonePlanInput:
        if self.model is None:
            raise RuntimeError("the zone file did not load into the model")
        return self.model

    @property
    def base_dir(self) -> Path:
        return self.raw.source.parent

    def at(self, *path: str | int) -> Location:
        return self.raw.locate(tuple(path))

    def derived(self, make: Any) -> Any:
        """``make(zone_run)`` computed once per zone run (tables and checks share it)."""
        if make not in self._derived:
            self._derived[make] = make(self)
        return self._derived[make]
