"""Pydantic models of a mine's submission. ``Submission`` is the root.

The model's modules do without ``from __future__ import annotations``: pydantic would read each
field's type from its text, some 240 evaluations at every start of a process.
"""
from .enums import (Department, DirectoryLevel, IndustryStandard, MineStatus, MiningMethod,
                    ScaleClass)
from .foundation import (Campaign, Contact, Deadlines, Eligibility, Enterprise, Licence, Mine,
                         MineLocation, Penalty, PlanReview, ProtectedAreaCheck, Quantity, Reserves,
                         Stock)
from .submission import SCHEMA_VERSION, Submission

__all__ = [
    "Campaign", "Contact", "Deadlines", "Department", "DirectoryLevel", "Eligibility",
    "Enterprise", "IndustryStandard", "Licence", "Mine", "MineLocation", "MineStatus",
    "MiningMethod", "Penalty", "PlanReview", "ProtectedAreaCheck", "Quantity", "Reserves", "Stock",
    "SCHEMA_VERSION", "ScaleClass", "Submission",
]
