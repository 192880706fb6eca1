"""The user's cache folder: what one ``greenmine`` process works out and the next can reuse.

A new process pays once for things that depend only on files that rarely change — the blank
documents built from python-docx's default package, the checks of a Word template — and a user
who rebuilds a mine after editing it pays them at every command. Such a result is kept here
under a key made of everything it depends on: its inputs' content and :func:`code_version`
(this package's source files, those of the libraries that write the packages and the Python
version), so an edit of the code or an upgrade simply makes new keys.

Where: ``GREENMINE_CACHE_DIR`` ("none": no cache across runs; the tests run so), else
``%LOCALAPPDATA%/greenmine-docs`` (Windows), ``$XDG_CACHE_HOME/greenmine-docs`` or
``~/.cache/greenmine-docs``. One file per entry, ``<kind>/<key>.entry``: a header line with the
body's length and SHA-256, checked when read, then the body. Entries are written atomically; an
entry that cannot be read, does not match or cannot be written is simply not used, so a stale,
cut-short or damaged cache never changes a result and never stops a command. Each kind keeps
the entries used last (:func:`store`'s ``keep``). Another cache folder (a batch's, which keeps
prepared photos) holds entries of the same format: :func:`load_entry`, :func:`store_entry`.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Callable

from . import envvars
from .rawio import read_file

ENV = "GREENMINE_CACHE_DIR"  # the user's cache folder; "none": no cache across runs
SUFFIX = ".entry"


def user_dir() -> Path | None:
    """The user's cache folder: ``GREENMINE_CACHE_DIR`` ("none": none), else
    ``%LOCALAPPDATA%/greenmine-docs`` (Windows), ``$XDG_CACHE_HOME/greenmine-docs`` or
    ``~/.cache/greenmine-docs``."""
    get = envvars.get  # (os.environ.get of an unset variable costs microseconds)
    value = get(ENV, "")
    base = get("LOCALAPPDATA" if os.name == "nt" else "XDG_CACHE_HOME", "")
    said = (value, base, *map(get, _HOME_VARIABLES))
    if said not in _FOUND:  # asked a few dozen times a mine: worked out once per settings
        _FOUND.clear()
        _FOUND[said] = _user_dir(value, base)
    return _FOUND[said]


_HOME_VARIABLES = ("HOME", "USERPROFILE", "HOMEDRIVE", "HOMEPATH")  # what Path.home reads
_FOUND: dict[tuple[str | None, ...], Path | None] = {}


def _user_dir(value: str, base: str) -> Path | None:
    value, base = value.strip(), base.strip()
    if value.lower() == "none":
        return None
    if value:
        return Path(value)
    try:
        return Path(base or Path.home() / ".cache") / "greenmine-docs"
    except RuntimeError:  # no home folder
        return None


_CODE: list[str] = []
# the libraries whose output or judgement a kept result holds (Word and Excel packages, template
# and image checks, prepared images, parsed Markdown and YAML): an upgrade of one of them makes
# new keys
LIBRARIES = ("docx", "docxtpl", "jinja2", "lxml", "openpyxl", "pydantic", "PIL", "markdown_it",
             "yaml")


def code_version() -> str:
    """A digest of this package's code as installed — every source file's name, size and
    modification time —, of the :data:`LIBRARIES`' (their ``__init__.py`` likewise: an
    installation writes them anew) and of the Python version (~2 ms, once per process): a
    result kept under it is never used by other code."""
    if not _CODE:
        import importlib.util

        root = Path(__file__).resolve().parent
        h = hashlib.sha256(sys.version.encode())
        for name in LIBRARIES:  # found without importing them
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            if origin:
                st = os.stat(origin)
                h.update(f"{name}\0{origin}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        folders = [root]
        while folders:
            with os.scandir(folders.pop()) as found:
                entries = sorted(found, key=lambda e: e.name)
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "__pycache__":
                        folders.append(Path(e.path))
                elif e.name.endswith(".py"):
                    st = e.stat()
                    h.update(f"{e.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def key(*parts: object) -> str:
    """The key of a result that depends on ``parts`` (texts, numbers, digests of content,
    library versions) and on this code."""
    return hashlib.sha256(repr((code_version(), parts)).encode("utf-8")).hexdigest()


def content_key(kind: str, content: bytes, *parts: object, digest: str | None = None
                ) -> str | None:
    """The key of a ``kind`` of result about ``content`` (by its SHA-256, ``digest`` when the
    caller has it already) under ``parts`` (limits, formats…) and this code; None without a
    user cache folder (nothing to hash)."""
    if user_dir() is None:
        return None
    return key(kind, digest or hashlib.sha256(content).hexdigest(), *parts)


def derived_text(kind: str, source: str, make: Callable[[str], str], keep: int) -> str:
    """``make(source)`` for a pure function ``make`` of the text alone, kept as ``kind`` in the
    user's cache folder by ``source``'s content (and this code): a new process reads the text
    it made before instead of working it out again."""
    digest = content_key(kind, source.encode("utf-8", "surrogatepass"))
    if digest is None:
        return make(source)
    body = load(kind, digest)
    if body is not None:
        try:
            return body.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            pass
    made = make(source)
    store(kind, digest, made.encode("utf-8", "surrogatepass"), keep)
    return made


def entry_path(folder: Path, kind: str, digest: str) -> Path:
    """Where the entry ``kind``/``digest`` lives in the cache folder ``folder``."""
    return Path(os.path.join(folder, kind, digest + SUFFIX))  # one path parsed, not three


def load(kind: str, digest: str) -> bytes | None:
    """The body kept as ``kind``/``digest`` in the user's cache folder, or None (no cache
    folder, not there, unreadable, cut short or damaged)."""
    folder = user_dir()
    return None if folder is None else load_entry(entry_path(folder, kind, digest))


def store(kind: str, digest: str, body: bytes, keep: int) -> None:
    """Keep ``body`` as ``kind``/``digest`` in the user's cache folder (nothing without one;
    errors ignored); the folder of ``kind`` keeps the ``keep`` entries used last."""
    folder = user_dir()
    if folder is not None:
        store_entry(entry_path(folder, kind, digest), body, keep)


def load_entry(path: Path) -> bytes | None:
    """The body of the entry file ``path`` (in the user's cache folder or another cache
    folder, such as a batch's), or None: not there, unreadable, cut short or damaged."""
    try:
        blob = read_file(path)
        head, _, body = blob.partition(b"\n")
        if head != _head(body):
            return None
        touch(path)
        return body
    except (OSError, ValueError):
        return None


def store_entry(path: Path, body: bytes, keep: int | None) -> None:
    """Write the entry file ``path`` holding ``body`` (atomically, with its check; errors
    ignored); its folder keeps the ``keep`` entries used last (None: all of them)."""
    from .errors import GreenmineError
    from .outputs import write_bytes_atomic

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's own
        write_bytes_atomic(path, _head(body) + b"\n" + body, force=True)
        if keep is not None:
            prune(path.parent, keep)
    except (OSError, GreenmineError):
        pass


def _head(body: bytes) -> bytes:
    return f"{len(body)} {hashlib.sha256(body).hexdigest()}".encode()


def touch(path: Path) -> None:
    """Mark an entry as used now (what :func:`prune` keeps)."""
    try:
        os.utime(path)
    except OSError:
        pass


# files of an older layout that nothing reads any more: prepared photos before they were
# entries (``photos/<key>.photo``), removed where they are found
_OLD_SUFFIXES = (".photo",)


def prune(folder: Path, keep: int) -> None:
    """Remove the entries (files ending in :data:`SUFFIX`) used longest ago beyond ``keep``
    (when 10 % more have gathered, so that not every store lists the folder's entries again
    and again to remove one), and files of an older layout (:data:`_OLD_SUFFIXES`): the
    first store in a folder after an upgrade sweeps them out."""
    entries = []
    for e in os.scandir(folder):
        if e.name.endswith(SUFFIX):
            entries.append(e)
        elif e.name.endswith(_OLD_SUFFIXES):
            _remove(e.path)
    if len(entries) <= keep + keep // 10:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
    for entry in entries[keep:]:
        _remove(entry.path)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
