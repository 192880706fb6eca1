"""What the libyaml fast path (:mod:`.yaml_fast`) made of a YAML text, kept in the user's cache
folder by the text's content.

A new process reads the same YAML files again and again — the mine's input while it is being
edited, the built-in indicator set, the outlines, the citations — and the parse depends only on
the text, the YAML limits, this code and PyYAML's (libyaml's) version
(:data:`greenmine_docs.usercache.LIBRARIES`).
Read back, it spares importing PyYAML (~10 ms of a new process, a third of it one regular
expression) and the fast path's module, and the parse itself (~5 ms for a mine). Only plain
data is kept — mappings, lists, text, numbers, booleans, null and dates, the value and key
positions as ``(line, column)`` — and read back by an unpickler that can make nothing else;
what holds any other value is not kept.
The file name is not part of what is kept: the positions are given the file they were read
from. Without a cache folder (``GREENMINE_CACHE_DIR=none``, the tests) nothing is read or kept.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import pickle
from pathlib import Path
from typing import Any

from .. import usercache
from ..limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from ..rawinput import LinePositions

KIND = "yaml-parsed"
KEEP = 64  # texts kept: a build reads five, an edited input comes back changed

Parsed = tuple[dict[str, Any], LinePositions, LinePositions]
_SCALARS = (str, int, float, bool, type(None), dt.date)  # exact types (no datetime, no subclass)


class _PlainUnpickler(pickle.Unpickler):
    """Makes containers, scalars and :class:`datetime.date`, and refuses any other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return dt.date
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def fast_parse(text: str, source: Path, *, kept: bool = True) -> Parsed | None:
    """What :func:`.yaml_fast.parse` gives for ``text``: kept by an earlier process, else parsed
    (and kept); ``kept=False``: parsed only (a batch's mines: each is read once, and the batch
    keeps its own results). None where ``GREENMINE_YAML_FAST=0`` (always ruamel.yaml)."""
    if os.environ.get("GREENMINE_YAML_FAST") == "0":  # yaml_fast's escape hatch
        return None
    found = recalled(text, str(source)) if kept else None
    if found is not None:
        return found
    from .yaml_fast import parse

    parsed = parse(text, source)
    if parsed is not None and kept:
        keep(text, parsed)
    return parsed


def recalled(text: str, source: str) -> Parsed | None:
    """What was kept for ``text``, its positions in the file ``source``; None: not kept, not
    of the kept shape, or no cache folder."""
    digest = _key(text)
    body = None if digest is None else usercache.load(KIND, digest)
    if body is None:
        return None
    try:
        root, marks, key_marks = _PlainUnpickler(io.BytesIO(body)).load()
    except Exception:  # noqa: BLE001 — whatever the body is, it is not used
        return None
    if not (type(root) is dict and type(marks) is dict and type(key_marks) is dict):
        return None
    return root, LinePositions(source, marks), LinePositions(source, key_marks)


def keep(text: str, parsed: Parsed) -> None:
    """Keep ``parsed``, the fast path's parse of ``text``, when it holds only plain data."""
    digest = _key(text)
    root, positions, key_positions = parsed
    if digest is None or not _plain(root):
        return
    body = pickle.dumps((root, positions.marks, key_positions.marks), protocol=5)
    usercache.store(KIND, digest, body, keep=KEEP)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind in _SCALARS


def _key(text: str) -> str | None:
    # the limits decide whether the fast path gives a parse at all (beyond them: ruamel.yaml)
    return usercache.content_key(KIND, text.encode("utf-8", "surrogatepass"),
                                 MAX_YAML_DEPTH, MAX_YAML_NODES)
