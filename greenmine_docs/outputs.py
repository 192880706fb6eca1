"""Writing outputs safely: temporary file + rename, no overwrite without ``force``, never over an
input, never over anything but a regular file, file names derived from user data sanitised.
Every generator writes through here.

Temporary files are named ``.~gm-<pid>-<host>-<random><suffix>`` next to their target. A run
that is killed leaves its temporary file behind; the next write into that folder removes the
leftovers (:func:`clean_leftovers`) — only ours (the ``.~gm-`` prefix), and only stale ones:
from this machine, when the process that made it has ended; from another machine sharing the
folder, or in an older naming, when unchanged for a day. A run writing into the same folder at
the same time keeps its files.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from .errors import OutputError

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                     *(f"{dev}{n}" for dev in ("COM", "LPT") for n in "123456789¹²³")}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# deflate level of the .docx/.xlsx packages we generate: level 1 compresses about twice as fast
# as the default 6, for files 4–20 % larger (30–200 KB documents; pictures are stored as they are)
PACKAGE_COMPRESSLEVEL = 1
# the extended properties (``docProps/app.xml``) of every .docx/.xlsx package we write: none.
# python-docx's default package says it was written by "Microsoft Macintosh Word" and has one
# page and no words, openpyxl names itself and its version, a template carries its own page and
# word counts: none of it is true of a generated document (Word and Excel count again on save)
APP_PART = "docProps/app.xml"
APP_XML = (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'extended-properties"/>')
MAX_NAME_BYTES = 200  # UTF-8 bytes of a derived name; file systems allow 255 with the suffix


def _fit(text: str, max_len: int, max_bytes: int) -> str:
    """``text`` shortened in the middle (``头部…尾部``) to ``max_len`` characters and
    ``max_bytes`` UTF-8 bytes: the end of a derived name says what the document is
    (``…第三方评估报告``), so it is kept."""
    if len(text) <= max_len and len(text.encode("utf-8")) <= max_bytes:
        return text
    head_n = (max_len - 1) * 2 // 3
    tail_n = max_len - 1 - head_n
    while True:
        out = text[:head_n].rstrip() + "…" + (text[-tail_n:].lstrip() if tail_n else "")
        if len(out.encode("utf-8")) <= max_bytes or head_n <= 1:
            return out
        head_n, tail_n = head_n * 9 // 10, tail_n * 9 // 10


def safe_filename(name: str, *, max_len: int = 80, default: str = "未命名",
                  max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name (no directory) made from user text: no separators, no ``..``, no Windows
    reserved names or characters, no invisible or direction-changing characters, no leading
    ``-`` or ``~`` (options, Office lock files),
    bounded length in characters and in UTF-8 bytes (shortened in the middle), never empty."""
    text = _invisible_out(unicodedata.normalize("NFC", str(name)))
    text = _trimmed(_BAD_CHARS.sub("_", text))
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_+", "_", text)
    text = re.sub(r"\.{2,}", ".", text)  # no ".." anywhere
    if not text or set(text) <= {"_", " ", ".", "-", "~"}:
        text = default
    if text[0] in "-~":
        text = "_" + text[1:]
    text = _fit(text, max_len, max_bytes).rstrip(" .") or default
    stem = text.split(".")[0].strip().upper()
    if stem in _WINDOWS_RESERVED:
        text = "_" + text
    return text


def _trimmed(text: str) -> str:
    """``text`` without the spaces and dots around it, mixed as they come (". 0" -> "0")."""
    start, end = 0, len(text)
    while start < end and (text[start] == "." or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] == "." or text[end - 1].isspace()):
        end -= 1
    return text[start:end]


def _invisible_out(text: str) -> str:
    """Characters a file name must not carry invisibly: bidirectional overrides (U+202E
    shows ``报告<U+202E>xcod.exe`` as ``报告exe.docx``), zero-width and other format characters,
    C1 controls; line and paragraph separators become spaces."""
    if text.isascii() or text.isprintable():  # (printable: none of those categories)
        return text
    return "".join(" " if unicodedata.category(ch) in ("Zl", "Zp") else ch for ch in text
                   if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch in "\t\n\r")


_SPECIAL = "是设备、管道或套接字等特殊文件，不能写入（加 --force 也不会替换它）"


def _status(path: Path) -> tuple[str, os.stat_result | int]:
    """What is at ``path`` — "missing", "dir", "file" (regular) or "special" (a device, a
    FIFO, a socket) — and its status (or the error number of why there is none: not the error
    itself, whose traceback would tie the callers' frames into a cycle), from one ``stat``.
    Symbolic links are followed: a link to /dev/null is a device."""
    try:
        status = os.stat(path)
    except OSError as e:  # missing, below a file, unreachable: the write itself reports the last
        return "missing", e.errno or 0
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        return "dir", status
    return ("file" if stat.S_ISREG(mode) else "special"), status


def _refuse_special(path: Path, kind: str) -> None:
    if kind == "special":
        raise OutputError(f"输出路径 {path} {_SPECIAL}。", hint="请用 -o 指定一个普通文件名。")


def check_output_dir(path: Path) -> Path:
    """Refuse an output folder that exists and is not a folder (a file, a device, a FIFO)."""
    _folder_kind(Path(path))
    return Path(path)


def _folder_kind(path: Path) -> str:
    """:func:`check_output_dir`, saying what the folder is ("missing" or "dir")."""
    kind = _status(path)[0]
    if kind in ("file", "special"):
        what = "是文件，不是目录" if kind == "file" else _SPECIAL
        raise OutputError(f"输出目录 {path} {what}。", hint="请用 -o 指定一个目录。")
    return kind


def check_output(path: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> Path:
    """Refuse to overwrite an input (ever), anything but a regular file (ever: ``-o /dev/null
    --force`` must not replace the device with a file) or an existing file (without
    ``force``)."""
    return _checked(Path(path), force, inputs)[0]


_UNSEEN = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what Path.exists calls absent


def _checked(path: Path, force: bool, inputs: Iterable[Path]) -> tuple[Path, str]:
    """:func:`check_output`, and what its folder is ("missing" or "dir"); the target looked
    at with one ``stat`` (kind, existence, folder or not)."""
    kind, status = _status(path)
    _refuse_special(path, kind)
    folder = _folder_kind(path.parent)
    # an output that does not exist yet cannot be an (existing) input: the comparisons below,
    # a ``stat`` per input, are only needed when something is there to be replaced
    if isinstance(status, int) and status not in _UNSEEN:
        exists = path.exists()  # (raises as it did when asked by itself: no permission …)
    else:
        exists = kind != "missing"
    target = status if exists and isinstance(status, os.stat_result) else None
    for inp in inputs if exists else ():
        try:  # the same file (as ``os.path.samefile`` tells: by device and inode, so also
            # through links, other spellings of the path, case-insensitive file systems)
            same = os.path.samestat(os.stat(inp), target or os.stat(path))
        except OSError:  # an input that is not there (or cannot be looked at) is not the output
            continue
        if same:  # raised outside the try: OutputError is itself an OSError
            raise OutputError(f"输出文件 {path} 与输入文件相同，拒绝覆盖输入。",
                              hint="请用 -o 指定另一个输出文件名。")
    if kind == "dir":
        raise OutputError(f"输出路径 {path} 是一个目录。", hint="请指定文件名，例如 -o 结果.docx。")
    if exists and not force:
        raise OutputError(f"输出文件 {path} 已存在，未覆盖。",
                          hint="确认要覆盖请加 --force，或换一个输出文件名。")
    return path, folder


@contextlib.contextmanager
def atomic_path(path: Path, *, force: bool = False, inputs: Iterable[Path] = (),
                tidy: bool = True) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path`` in one
    rename, on failure it is removed, so the old file (or none) stays. A write the system
    refuses (disk full, read-only, no permission) becomes an :class:`OutputError` that says so.
    ``tidy``: remove the folder's stale temporary files first (:func:`clean_leftovers`; a
    caller writing several files into one folder asks once)."""
    path, folder = _checked(Path(path), force, inputs)
    try:
        if folder != "dir":
            path.parent.mkdir(parents=True, exist_ok=True)
        if tidy:
            clean_leftovers(path.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-{_HOST}-",
                                        suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OutputError:
        raise
    except OSError as e:
        raise write_failure(path, e) from e
    tmp, replaced = Path(tmp_name), False
    try:
        yield tmp
        if not force and path.exists():  # appeared meanwhile
            raise OutputError(f"输出文件 {path} 已存在，未覆盖。", hint="确认要覆盖请加 --force。")
        kind, status = _status(path)
        _refuse_special(path, kind)  # put there meanwhile
        os.chmod(tmp, _mode_for(status))  # mkstemp makes 0600: others could not open the result
        os.replace(tmp, path)
        replaced = True
    except OutputError:
        raise
    except OSError as e:
        raise write_failure(path, e) from e
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


_WHY = {
    errno.ENOSPC: ("磁盘空间不足", "请清理磁盘空间，或用 -o 把输出写到其他磁盘。"),
    errno.EDQUOT: ("超出磁盘配额", "请清理空间或联系管理员，或用 -o 把输出写到其他位置。"),
    errno.EROFS: ("所在文件系统是只读的", "请用 -o 把输出写到可写入的位置。"),
    errno.EACCES: ("没有写入权限", "请检查该文件夹的权限，或用 -o 把输出写到其他位置。"),
    errno.EPERM: ("没有写入权限", "请检查该文件夹的权限，或用 -o 把输出写到其他位置。"),
    errno.EFBIG: ("文件超过文件系统允许的大小", "请用 -o 把输出写到其他磁盘。"),
    errno.ENAMETOOLONG: ("文件名过长", "请用 -o 指定较短的输出路径。"),
}


def write_failure(path: Path, error: OSError) -> OutputError:
    """The Chinese message for an output the system refused to write, naming the cause."""
    why, hint = _WHY.get(error.errno or 0, (
        f"{error.strerror or type(error).__name__}", "请检查输出位置是否可写入、空间是否充足。"))
    return OutputError(f"无法写入输出文件 {path}：{why}。未留下不完整的文件。", hint=hint)


def ensure_dir(path: Path) -> Path:
    """Create the output folder ``path`` (and its parents), with a clear message when the
    system refuses."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise write_failure(Path(path), e) from e
    return Path(path)


TEMP_PREFIX = ".~gm-"


def host_name() -> str:
    """This machine's name as ``socket.gethostname`` gives it: where there is ``os.uname``,
    its node name (the same answer, from the same place in the kernel) without importing
    ``socket`` (~1.5 ms at every start of the command)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


_HOST = hashlib.sha256(host_name().encode()).hexdigest()[:8]
_TEMP_NAME = re.compile(r"\.~gm-(\d{1,10})-([0-9a-f]{8})-")
STALE_SECONDS = 24 * 3600  # a leftover we cannot tell is dead (other machine, old name)


def clean_leftovers(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove the stale temporary files of earlier runs in ``folder`` (see the module's
    docstring); returns what was removed. Never raises: tidying must not stop a write."""
    removed: list[Path] = []
    now = time.time() if now is None else now
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False) or not _stale(entry, now):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _stale(entry: os.DirEntry, now: float) -> bool:
    m = _TEMP_NAME.match(entry.name)
    if m is not None and m.group(2) == _HOST and os.name == "posix":
        pid = int(m.group(1))
        return pid != os.getpid() and not _alive(pid)
    return now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (POSIX: signal 0 tests, sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or unknown: keep its files
        return True
    return True


def _mode_for(status: os.stat_result | int) -> int:
    """The permissions a new file would get (0666 minus the umask), or those of the file
    replaced (``status``: its status; or why there is none)."""
    if not isinstance(status, int):
        return status.st_mode & 0o7777
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(path: Path, data: bytes, *, force: bool = False,
                       inputs: Iterable[Path] = ()) -> Path:
    with atomic_path(path, force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_all_atomic(files: dict[Path, bytes], *, force: bool = False,
                     inputs: Iterable[Path] = ()) -> list[Path]:
    """Write every file or none: each goes to its temporary file first, and the renames
    happen only after all of them were written — a disk that fills up half-way leaves the
    previous outputs (or nothing) behind, not a mix of new and old."""
    tidied: set[Path] = set()  # folders whose stale temporary files are gone
    with contextlib.ExitStack() as stack:
        for path, data in files.items():
            folder = Path(path).parent
            tmp = stack.enter_context(atomic_path(path, force=force, inputs=inputs,
                                                  tidy=folder not in tidied))
            tidied.add(folder)
            try:
                tmp.write_bytes(data)
            except OSError as e:
                raise write_failure(Path(path), e) from e
    return [Path(p) for p in files]


def write_text_atomic(path: Path, text: str, *, force: bool = False,
                      inputs: Iterable[Path] = ()) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force, inputs=inputs)
