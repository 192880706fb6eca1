"""Locating package data (templates, examples, built-in indicator sets) in a source tree or an
installed wheel (where ``templates/`` and ``examples/`` are force-included into the package)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _root(name: str) -> Path:
    inside = _PKG / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name  # source checkout / editable install


def template_path(*parts: str) -> Path:
    """``template_path("implementation_plan", "outline.yaml")``."""
    return _root("templates").joinpath(*parts)


def example_path(*parts: str) -> Path:
    return _root("examples").joinpath(*parts)
