"""Evaluation indicator sets as data: model, YAML/Excel loading with located findings, the
built-in sets (``indicators/sets/*.yaml``) and resolution of ``campaign.indicator_set``.

The format is documented in ``docs/indicator-sets.md``.
"""
from __future__ import annotations

from .load import builtin_ids, load_builtin, load_file, resolve, try_resolve
from .model import (Applicability, Category, Group, IndicatorSet, Item, MineProfile,
                    Prerequisite)

__all__ = [
    "Applicability", "Category", "Group", "IndicatorSet", "Item", "MineProfile", "Prerequisite",
    "builtin_ids", "load_builtin", "load_file", "resolve", "try_resolve", "profile_of",
]


def profile_of(submission: object) -> MineProfile:
    """The applicability profile of a :class:`~greenmine_docs.model.Submission`."""
    mine = getattr(submission, "mine", None)
    if mine is None:
        return MineProfile()
    std = getattr(mine, "industry_standard", None)
    method = getattr(getattr(mine, "licence", None), "method", None)
    return MineProfile(industry_standard=getattr(std, "value", std),
                       method=getattr(method, "value", method))
