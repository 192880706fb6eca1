"""The implementation plan section of a submission (绿色矿山建设实施方案). Owned by the plan work."""
from __future__ import annotations

from .base import StrictModel, field


class ImplementationPlan(StrictModel):
    title: str | None = field("方案名称", None)
