"""Checks of a Word template that passed, remembered across processes by the template's content.

The checks made before a template is used — its package (:mod:`.template_package`: size, zip
bomb, DTDs, a Word main part) and its tags with the variables given (:mod:`.template_lint`) —
depend only on the file's bytes, the limits in force and this code. The user's cache folder
(:mod:`greenmine_docs.usercache`) keeps the fact that they passed under a key made of those, so
the next process that renders the same template reads the file once to hash it (well under a
millisecond for the built-in ones) instead of checking it again (~0.03 s for the three
templates of a ``greenmine build``). Only passes are kept: a template with a problem is checked,
and its problem reported, every time; without a cache folder (``GREENMINE_CACHE_DIR=none``,
the tests) nothing is read or kept there. A process remembers the lint's passes it saw itself
or read (by the file's version), with a cache folder or without.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .. import usercache
from ..memo import remember

KIND = "template-checks"
_PASSED = b"passed"


def version_passed(check: str, real: str, mtime_ns: int, size: int, *parts: object) -> bool:
    """Whether ``check`` passed before, under ``parts`` (limits, variables given…), on the
    content of the file version (real path, modification time, size) looked at by the caller;
    its content's hash is taken now, for :func:`record_version_pass` after the check."""
    digest = _version_digest(check, real, mtime_ns, size, parts)
    return digest is not None and usercache.load(KIND, digest) == _PASSED


def lint_limits() -> tuple[float, int, int]:
    """The limits a lint's trial render runs under (its findings depend on them)."""
    from .. import limits

    return limits.TEMPLATE_SECONDS, limits.MAX_TEMPLATE_TEXT, limits.MAX_TEMPLATE_LOOPS


def _lint_given(known: frozenset[str] | None) -> tuple[object, ...]:
    """What a lint's verdict depends on besides the template: the variables given and the
    limits its trial render runs under."""
    return (tuple(sorted(known)) if known is not None else None, *lint_limits())


def lint_passed(path: Path, known: frozenset[str] | None) -> bool:
    """Whether the lint with the variables ``known`` passed before on ``path``'s content: a
    render can then skip it without even importing the linter. Asked once per file version
    and process (a batch renders the same templates for every mine)."""
    given = _lint_given(known)
    version = _version(path, given)
    if version is None:
        return False
    if version in _LINTS_PASSED:
        return True
    real, mtime_ns, size, _ = version
    if not version_passed("lint", real, mtime_ns, size, given):
        return False
    _passed_here(version)
    return True


# the template versions (path, modification time, size) and lint inputs found passed in this
# process (at most _LINTS_KEPT): only passes, as the user's cache keeps only passes
_LINTS_PASSED: dict[tuple[object, ...], bool] = {}
_LINTS_KEPT = 64


def _version(path: Path, given: tuple[object, ...]
             ) -> tuple[str, int, int, tuple[object, ...]] | None:
    """The template file's version (real path, modification time, size) with the lint's
    ``given``; None when the file cannot be looked at."""
    from ..safety.inputs import input_stat, real_path

    try:
        stat = input_stat(path)  # (each once in a batch's mine: safety.inputs.one_look)
    except OSError:
        return None
    return (real_path(path), stat.st_mtime_ns, stat.st_size, given)


def _passed_here(version: tuple[object, ...]) -> None:
    remember(_LINTS_PASSED, version, True, _LINTS_KEPT)


def lint_passed_here(real: str, mtime_ns: int, size: int, known: frozenset[str] | None
                     ) -> None:
    """Remember in this process that the lint with the variables ``known`` passed on the
    version of a template that was linted: its real path, modification time and size as
    they were when it was read (without a cache folder too: the next render of that version
    asks no more; a file changed since is a new version, linted again)."""
    _passed_here((real, mtime_ns, size, _lint_given(known)))


def record_lint_pass(real: str, mtime_ns: int, size: int, known: frozenset[str] | None
                     ) -> None:
    """Remember in the user's cache that the lint with the variables ``known`` passed on the
    content of the template version that was linted (:func:`record_version_pass`)."""
    record_version_pass("lint", real, mtime_ns, size, _lint_given(known))


def record_version_pass(check: str, real: str, mtime_ns: int, size: int, *parts: object
                        ) -> None:
    """Remember in the user's cache that ``check`` passed, under ``parts``, on the content of
    the file version that was checked: its real path, modification time and size as they were
    before it was read. The file is not looked at again: the content's hash is the one taken
    for that version when the cache was asked, before the check (a file changed since is not
    the content that passed)."""
    digest = _version_digest(check, real, mtime_ns, size, parts)
    if digest is not None:
        usercache.store(KIND, digest, _PASSED, keep=256)


def _version_digest(check: str, real: str, mtime_ns: int, size: int,
                    parts: tuple[object, ...]) -> str | None:
    """The cache key of ``check`` under ``parts`` on the content of a file version (real path,
    modification time, size); None without a cache folder or when the file cannot be read."""
    if usercache.user_dir() is None:
        return None
    try:
        return usercache.key(check, _content_digest(real, mtime_ns, size), parts)
    except OSError:
        return None


@functools.lru_cache(maxsize=32)
def _content_digest(path: str, mtime_ns: int, size: int) -> str:
    """The SHA-256 of a file, once per file version (the caller has checked it is a regular
    file within the size limit)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
