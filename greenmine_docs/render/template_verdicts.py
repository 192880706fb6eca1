"""Checks of a Word template that passed, remembered across processes by the template's content.

The checks made before a template is used — its package (:mod:`.template_package`: size, zip
bomb, DTDs, a Word main part) and its tags with the variables given (:mod:`.template_lint`) —
depend only on the file's bytes, the limits in force and this code. The user's cache folder
(:mod:`greenmine_docs.usercache`) keeps the fact that they passed under a key made of those, so
the next process that renders the same template reads the file once to hash it (well under a
millisecond for the built-in ones) instead of checking it again (~0.03 s for the three
templates of a ``greenmine build``). Only passes are kept: a template with a problem is checked,
and its problem reported, every time; without a cache folder (``GREENMINE_CACHE_DIR=none``,
the tests) nothing is read or kept.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .. import usercache

KIND = "template-checks"
_PASSED = b"passed"


def passed(check: str, path: Path, *parts: object) -> bool:
    """Whether ``check`` passed before on a file with ``path``'s content, under ``parts``
    (limits, variables given…)."""
    digest = _key(check, path, parts)
    return digest is not None and usercache.load(KIND, digest) == _PASSED


def record_pass(check: str, path: Path, *parts: object) -> None:
    """Remember that ``check`` passed on ``path``'s content under ``parts``."""
    digest = _key(check, path, parts)
    if digest is not None:
        usercache.store(KIND, digest, _PASSED, keep=256)


def _key(check: str, path: Path, parts: tuple[object, ...]) -> str | None:
    if usercache.user_dir() is None:
        return None
    try:
        stat = Path(path).stat()
        content = _content_digest(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return None
    return usercache.key(check, content, parts)


@functools.lru_cache(maxsize=32)
def _content_digest(path: str, mtime_ns: int, size: int) -> str:
    """The SHA-256 of a file, once per file version (the caller has checked it is a regular
    file within the size limit)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
