"""The self-check section (绿色矿山自查记录表). Owned by the indicator/self-check work."""
from __future__ import annotations

from .base import StrictModel, field


class SelfCheck(StrictModel):
    filled_by: str | None = field("填表人", None)
