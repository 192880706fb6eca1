"""The files an input refers to: which ones they are, where they may be, how they are read.

A submission names other files by path: Markdown narratives (and the images inside them), site
photos, an indicator set, a filled score sheet, an outline. Three rules hold for all of them,
here in one place:

- **Only regular files are read** (:func:`file_problem`, :func:`regular_file`,
  :func:`read_regular`). A FIFO named ``basis.md`` would block the reader forever, a device
  would never end; both are refused with a message, and the file is opened without blocking
  and checked again on the open descriptor (it cannot be swapped in between).
- **They stay inside the input's folder** (:func:`inside`): no ``../``, no absolute path
  elsewhere, no symbolic link out of it, so an input cannot pull arbitrary local files into a
  document. Folders listed in the environment variable ``GREENMINE_ALLOWED_DIRS`` (separated
  by ``os.pathsep``: ``:`` on Linux, ``;`` on Windows) are allowed too, e.g. a province's
  shared folder of indicator sets.
- **They are the files of the input's path fields** (:func:`referenced_files`), not whatever
  a free text happens to name: ``batch`` fingerprints them, the writers never overwrite them
  (:func:`input_files`), not even with ``--force``.

Within :func:`one_look` (a batch's mine) each path is resolved, and each input file's status
read, once: a mine's fingerprint, checks and documents ask about the same photos three times.
"""
from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import posixpath
import stat
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from ..errors import InputError

ALLOWED_DIRS_ENV = "GREENMINE_ALLOWED_DIRS"
OUTSIDE = "指向输入文件所在目录之外"
OUTSIDE_HINT = (f"请把该文件放在输入文件所在目录（或其子目录）中；共用的文件夹（例如全省统一的指标体系）"
                f"可加入环境变量 {ALLOWED_DIRS_ENV}。")


# ------------------------------------------------------------------ one look at the file system

class _Looks:
    """What :func:`one_look` remembers: real paths and file statuses, by the path's text."""

    def __init__(self) -> None:
        self.real: dict[str, str] = {}
        self.status: dict[str, os.stat_result] = {}


_LOOKS: contextvars.ContextVar[_Looks | None] = contextvars.ContextVar("greenmine_looks",
                                                                      default=None)


@contextlib.contextmanager
def one_look() -> Iterator[None]:
    """Within the block, :func:`inside` resolves each path and :func:`input_stat` (so
    :func:`file_problem`) reads each file's status once, answering the same question again
    from memory: a batch's mine names each photo to its fingerprint, its checks and its report
    (~30 resolutions of ~7 ``lstat`` calls each, ~60 ``stat`` calls a mine). The inputs are
    taken to stay as they are while the block runs — what a file is is decided on the open
    descriptor anyway (:func:`open_regular`), and an input changed in the middle of a mine
    would give an inconsistent result with or without this."""
    token = _LOOKS.set(_Looks())
    try:
        yield
    finally:
        _LOOKS.reset(token)


def input_stat(path: str | Path) -> os.stat_result:
    """``os.stat(path)`` (raising as it does); within :func:`one_look`, read once."""
    looks = _LOOKS.get()
    if looks is None:
        return os.stat(path)
    key = os.fspath(path)
    found = looks.status.get(key)
    if found is None:
        found = looks.status[key] = os.stat(key)
    return found


# ------------------------------------------------------------------ regular files

_UNREADABLE = {errno.ENAMETOOLONG: "文件名过长", errno.EACCES: "没有读取权限",
               errno.EPERM: "没有读取权限", errno.ENOTDIR: "路径中有一部分不是文件夹",
               errno.ELOOP: "符号链接循环", errno.EISDIR: "这是一个文件夹"}


def why_unreadable(error: OSError) -> str:
    """The reason a file could not be read, in Chinese where it is a common one."""
    return _UNREADABLE.get(error.errno or 0, error.strerror or type(error).__name__)


def file_problem(path: str | Path) -> str:
    """Why ``path`` cannot be read as an input file ("" when it can): it is missing, a folder,
    or not a regular file (a FIFO, a device, a socket)."""
    try:
        mode = input_stat(path).st_mode
    except FileNotFoundError:
        return "不存在"
    except OSError as e:  # a name too long, a component that is a file, no permission
        return f"无法访问（{why_unreadable(e)}）"
    except ValueError as e:  # a NUL character in the name
        return f"无法访问（{e}）"
    if stat.S_ISDIR(mode):
        return "是文件夹，不是文件"
    if not stat.S_ISREG(mode):
        return "不是普通文件（是管道、设备或套接字等特殊文件），不能读取"
    return ""


def regular_file(path: str | Path, what: str = "文件") -> Path:
    """``path`` when it is an existing regular file; :class:`InputError` otherwise."""
    problem = file_problem(path)
    if problem:
        raise InputError(f"{what} {path} {problem}。", hint=_problem_hint(problem))
    return Path(path)


def _problem_hint(problem: str) -> str:
    if problem.startswith("是文件夹"):
        return "请指定具体的文件。"
    if problem.startswith("不是普通文件"):
        return "请指定一个普通文件（不能是命名管道、设备文件或套接字）。"
    return "请检查文件路径是否正确。"


def open_regular(path: str | Path, what: str = "文件") -> BinaryIO:
    """``path`` opened for reading when it is a regular file (else :class:`InputError`).
    Opened without blocking and checked on the descriptor, so a FIFO put in its place after
    a check still cannot hang the reader."""
    return os.fdopen(_regular_fd(path, what)[0], "rb")


def _regular_fd(path: str | Path, what: str = "文件") -> tuple[int, os.stat_result]:
    """:func:`open_regular`'s descriptor, and its status."""
    path = regular_file(path, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise InputError(f"无法读取{what} {path}：{why_unreadable(e)}。",
                         hint="请检查文件权限。") from e
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(f"{what} {path} 不是普通文件，不能读取。",
                         hint=_problem_hint("不是普通文件"))
    return fd, info


def read_regular(path: str | Path, *, what: str, limit: int, limit_env: str) -> bytes:
    """The bytes of regular file ``path`` (:func:`open_regular`), at most ``limit`` of them
    (else :class:`InputError` naming ``limit_env``), read from the descriptor itself
    (:mod:`greenmine_docs.rawio`: half the system calls of a buffered read)."""
    from ..limits import megabytes
    from ..rawio import read_up_to

    fd, info = _regular_fd(path, what)
    try:
        size = info.st_size
        if size > limit:
            raise InputError(
                f"{what} {path} 大小为 {size / 1048576:.1f} MB，超过上限 {megabytes(limit)}。",
                hint=f"请确认文件是否正确；确需处理大文件可设置环境变量 {limit_env}。")
        try:
            data = read_up_to(fd, limit + 1, size)
        except OSError as e:
            raise InputError(f"无法读取{what} {path}：{why_unreadable(e)}。",
                             hint="请检查文件权限。") from e
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise InputError(f"{what} {path} 超过上限 {megabytes(limit)}。",
                         hint=f"确需处理大文件可设置环境变量 {limit_env}。")
    return data


def hash_file(h: Any, path: str | Path, limit: int) -> None:
    """Feed regular file ``path`` into hash ``h`` in 1 MB chunks (memory stays flat); a file
    over ``limit`` — which no reader will read — by its size and time stamp only; a file
    that cannot be read by its problem."""
    try:
        fd, info = _regular_fd(path)
        try:
            if info.st_size > limit:
                h.update(f"size={info.st_size};mtime={info.st_mtime_ns}".encode())
                return
            step = min(1 << 20, info.st_size + 1)  # (unbuffered: half the system calls)
            while chunk := os.read(fd, step):
                h.update(chunk)
        finally:
            os.close(fd)
    except (InputError, OSError) as e:
        h.update(f"unreadable:{e}".encode())


# ------------------------------------------------------------------ confinement

def allowed_roots(base: str | Path, *, resolved: Path | None = None) -> list[Path]:
    """The input's folder (``resolved``: resolved already) and the folders of
    ``GREENMINE_ALLOWED_DIRS``, resolved."""
    roots = [resolved or Path(base).resolve()]
    for entry in os.environ.get(ALLOWED_DIRS_ENV, "").split(os.pathsep):
        if entry.strip():
            try:
                roots.append(Path(entry.strip()).expanduser().resolve())
            except (OSError, RuntimeError, ValueError):
                continue
    return roots


def inside(base: str | Path, relative: str | Path) -> Path | None:
    """``base / relative`` resolved (symbolic links followed), or ``None`` when it lies outside
    ``base`` and every folder of ``GREENMINE_ALLOWED_DIRS`` — the one confinement rule for
    every file an input names."""
    try:
        folder = _resolved(os.fspath(base))
        real = _resolved_under(folder, os.fspath(relative))
    except (OSError, RuntimeError, ValueError):
        return None
    if _text_under(real, folder):  # the usual answer, told without Path objects
        return Path(real)
    path = Path(real)
    for root in allowed_roots(base, resolved=Path(folder)):
        if path.is_relative_to(root):  # the root itself or anything under it
            return path
    return None


def _text_under(path: str, folder: str) -> bool:
    """Whether resolved ``path`` is resolved ``folder`` or under it, by their text: a "yes"
    is one ``Path.is_relative_to`` would give too (a "no" is asked of it again)."""
    path, folder = os.path.normcase(path), os.path.normcase(folder)
    return path == folder or path.startswith(folder + os.sep)


def real_path(path: str | Path) -> str:
    """``str(Path(path).resolve())`` (:func:`_resolved`; within :func:`one_look`, once)."""
    return _resolved(os.fspath(path))


def _resolved(path: str) -> str:
    """``Path(path).resolve()`` as text, without its ``Path`` objects (half the time of
    :func:`inside`, which every photo and narrative of a mine passes several times): the real
    path, and ``RuntimeError`` for a symbolic link loop, as ``resolve`` raises it.
    Within :func:`one_look`, each path once."""
    looks = _LOOKS.get()
    real = looks.real.get(path) if looks is not None else None
    if real is not None:
        return real
    return _found(looks, path, os.path.realpath(path or "."))


def _found(looks: _Looks | None, path: str, real: str) -> str:
    """``real``, the real path of ``path``, remembered within :func:`one_look`; a symbolic
    link loop (which ``realpath`` leaves unresolved) raised as ``resolve`` raises it."""
    try:
        input_stat(real)  # realpath leaves a loop unresolved: stat tells it, as resolve does
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise RuntimeError(f"Symlink loop from {e.filename!r}") from e
    if looks is not None:
        looks.real[path] = real
    return real


def _resolved_under(folder: str, relative: str) -> str:
    """``_resolved(os.path.join(folder, relative))`` for a ``folder`` that :func:`_resolved`
    gave (a real path): ``os.path.realpath`` would ``lstat`` each of the folder's components
    again (~8 calls for each photo of a mine); here only those of ``relative`` are looked at,
    as ``realpath`` looks at them, and the whole path is left to ``realpath`` once one of them
    is a symbolic link (or on a system whose paths are not POSIX's, or for an absolute
    ``relative``)."""
    joined = os.path.join(folder, relative)
    looks = _LOOKS.get()
    real = looks.real.get(joined) if looks is not None else None
    if real is not None:
        return real
    if os.path is not posixpath or relative.startswith("/"):
        return _resolved(joined)
    path = folder
    for name in relative.split("/"):
        if not name or name == ".":
            continue
        if name == "..":  # (of a real path: its parent, by the text, as realpath takes it)
            path = posixpath.split(path)[0]
            continue
        step = posixpath.join(path, name)
        try:
            link = stat.S_ISLNK(os.lstat(step).st_mode)
        except OSError:  # (missing: the rest joined as it is, as realpath does)
            link = False
        if link:
            return _resolved(joined)
        path = step
    return _found(looks, joined, posixpath.abspath(path))


# ------------------------------------------------------------------ the files an input names

def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for sub in value.values():
            if isinstance(sub, str):
                yield sub


def _is_path(text: str) -> bool:
    """Could ``text`` name a file? Every file an input names has a suffix (``.md``, ``.jpg``,
    ``.yaml``, ``.xlsx``): a built-in indicator set's id costs no file system call."""
    return 0 < len(text) < 300 and "." in text and "\n" not in text and "://" not in text


def markdown_targets(text: str) -> Iterator[str]:
    """Link and image targets in Markdown ``text`` — each ``](target)`` — found by plain
    string search (linear, no parser): a superset of the images, enough to know which files
    a narrative may pull in."""
    at = text.find("](")
    while at >= 0:
        end = at + 2
        while end < len(text) and end - at < 300 and text[end] not in ") \t\n\"'":
            end += 1
        target = text[at + 2:end].strip("<>")
        if target:
            yield target
        at = text.find("](", end)


def path_fields(data: Any) -> Iterator[str]:
    """The texts of the input's path fields, in a fixed order: ``campaign.indicator_set``,
    ``plan.outline``, Markdown files of ``plan.narrative`` (and the targets of the narrative
    texts written inline), ``assessment.photos[].file``, ``assessment.score_sheet``."""
    for value in (_get(data, "campaign", "indicator_set"), _get(data, "plan", "outline")):
        if isinstance(value, str):
            yield value.strip()
    narrative = _get(data, "plan", "narrative")
    for value in narrative.values() if isinstance(narrative, dict) else ():
        for text in _texts(value):
            name = text.strip()
            if _is_path(name) and name.lower().endswith((".md", ".markdown")):
                yield name
            else:
                yield from markdown_targets(text)
    for photo in _get(data, "assessment", "photos") or []:
        if isinstance(photo, dict) and isinstance(photo.get("file"), str):
            yield photo["file"].strip()
    sheet = _get(data, "assessment", "score_sheet")
    if isinstance(sheet, str):
        yield sheet.strip()


def referenced_files(data: Any, base: Path,
                     known: dict[tuple[Path, str], Path | None] | None = None) -> list[Path]:
    """The regular files the input's path fields name (:func:`path_fields`), each once, that
    lie where an input may refer (:func:`inside`); with the targets inside the Markdown files
    among them (their figures). Names that are no file (a built-in indicator set id, a
    missing photo) are left out: the checks report those. ``known``: what each name was
    found to be earlier in the same run (the rows of a mines table repeat their names)."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(text: str, origin: Path) -> Path | None:
        if not _is_path(text):
            return None
        if known is not None and (origin, text) in known:
            path = known[(origin, text)]
        else:
            path = inside(origin, text)
            path = None if path is None or file_problem(path) else path
            if known is not None:
                known[(origin, text)] = path
        if path is None or path in seen:
            return None
        seen.add(path)
        out.append(path)
        return path

    for text in path_fields(data):
        path = add(text, base)
        if path is not None and path.suffix.lower() in (".md", ".markdown"):
            for target in _targets_in_file(path):
                add(target, base)
    return out


def _targets_in_file(path: Path) -> Iterator[str]:
    from ..limits import MAX_TEXT_BYTES

    try:
        text = read_regular(path, what="Markdown 文件", limit=MAX_TEXT_BYTES,
                            limit_env="GREENMINE_MAX_TEXT_MB").decode("utf-8", "replace")
    except InputError:
        return  # the plan checks report an unusable Markdown file
    yield from markdown_targets(text)


def input_files(raw: Any) -> "InputFiles":
    """The input file itself and every file it refers to (for ``inputs=`` of the writers)."""
    return InputFiles(raw)


class InputFiles:
    """:func:`input_files`, found on first use: a writer compares an output with the inputs
    only when a file is already there (a new output cannot be an existing input), so a build
    into a new folder never needs to resolve every path the input mentions."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._files: list[Path] | None = None

    def __iter__(self) -> Iterator[Path]:
        if self._files is None:
            source = Path(self.raw.source)
            self._files = [source, *referenced_files(self.raw.data, source.parent)]
        return iter(self._files)
