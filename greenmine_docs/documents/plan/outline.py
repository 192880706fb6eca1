"""The implementation plan's outline (``templates/implementation_plan/outline.yaml``): the one
outline format of :mod:`greenmine_docs.render.outline`, with the plan's ``fill`` sources.

Use::

    outline = load_outline()                 # the built-in reference outline
    outline = load_outline(path)             # a province's / an enterprise's own outline
"""
from __future__ import annotations

from pathlib import Path

from ...render.outline import PLAN_FILL_SOURCES as FILL_SOURCES
from ...render.outline import (PLAN_KIND, REPEATS, Chapter, Outline, Section,
                               normalize_title)
from ...render.outline import default_outline_path as _default_path
from ...render.outline import load_outline as _load


def default_outline_path() -> Path:
    return _default_path(PLAN_KIND)


def load_outline(path: str | Path | None = None) -> Outline:
    """The plan's outline file (the built-in reference outline when ``path`` is None)."""
    return _load(path, PLAN_KIND)


__all__ = ["FILL_SOURCES", "REPEATS", "Chapter", "Outline", "Section", "default_outline_path",
           "load_outline", "normalize_title"]
