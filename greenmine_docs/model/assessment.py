"""The third-party assessment section (第三方评估). Owned by the assessment report work."""
from __future__ import annotations

from .base import StrictModel, field


class Assessment(StrictModel):
    agency_name: str | None = field("评估机构名称", None)
