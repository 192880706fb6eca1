"""Writing outputs safely: temporary file + rename, no overwrite without ``force``, never over an
input, file names derived from user data sanitised. Every generator writes through here."""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
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
    reserved names or characters, no leading ``-`` or ``~`` (options, Office lock files),
    bounded length in characters and in UTF-8 bytes (shortened in the middle), never empty."""
    text = unicodedata.normalize("NFC", str(name))
    text = _BAD_CHARS.sub("_", text).strip().strip(".")
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


def check_output(path: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> Path:
    """Refuse to overwrite an input (ever) or an existing file (without ``force``)."""
    path = Path(path)
    # an output that does not exist yet cannot be an (existing) input: the comparisons below,
    # a resolve() per input, are only needed when something is there to be replaced
    exists = path.exists()
    target = path.resolve() if exists else path
    for inp in inputs if exists else ():
        try:
            same = Path(inp).resolve() == target or (
                Path(inp).exists() and os.path.samefile(inp, path))
        except OSError:  # hard links and case-insensitive file systems are caught by samefile
            continue
        if same:  # raised outside the try: OutputError is itself an OSError
            raise OutputError(f"输出文件 {path} 与输入文件相同，拒绝覆盖输入。",
                              hint="请用 -o 指定另一个输出文件名。")
    if path.is_dir():
        raise OutputError(f"输出路径 {path} 是一个目录。", hint="请指定文件名，例如 -o 结果.docx。")
    if exists and not force:
        raise OutputError(f"输出文件 {path} 已存在，未覆盖。",
                          hint="确认要覆盖请加 --force，或换一个输出文件名。")
    return path


@contextlib.contextmanager
def atomic_path(path: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path`` in one
    rename, on failure it is removed, so the old file (or none) stays."""
    path = check_output(Path(path), force=force, inputs=inputs)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".~gm-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not force and path.exists():  # appeared meanwhile
            raise OutputError(f"输出文件 {path} 已存在，未覆盖。", hint="确认要覆盖请加 --force。")
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600: others could not open the result
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _mode_for(path: Path) -> int:
    """The permissions a new file would get (0666 minus the umask), or the replaced file's."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(path: Path, data: bytes, *, force: bool = False,
                       inputs: Iterable[Path] = ()) -> Path:
    with atomic_path(path, force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: Path, text: str, *, force: bool = False,
                      inputs: Iterable[Path] = ()) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force, inputs=inputs)
