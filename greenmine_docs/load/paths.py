"""Files an input names: relative to the input's folder, and never outside it (a narrative's
``.md`` file, an outline, a citation list)."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..findings import Location


def resolve_inside(base: Path, relative: str, location: Location) -> Path:
    """A path relative to the input's folder that must stay inside it (or inside a folder
    of ``GREENMINE_ALLOWED_DIRS``: :func:`~greenmine_docs.safety.inputs.inside`)."""
    from ..safety.inputs import OUTSIDE, OUTSIDE_HINT, inside

    path = inside(base, relative)
    if path is None:
        raise InputError(f"文件路径 {relative} {OUTSIDE}。", hint=OUTSIDE_HINT,
                         location=str(location))
    return path
