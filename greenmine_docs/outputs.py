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

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_filename(name: str, *, max_len: int = 80, default: str = "未命名") -> str:
    """A file name (no directory) made from user text: no separators, no ``..``, no Windows
    reserved names or characters, bounded length (in characters), never empty."""
    text = unicodedata.normalize("NFC", str(name))
    text = _BAD_CHARS.sub("_", text).strip().strip(".")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_+", "_", text)
    if not text or set(text) <= {"_", " ", "."}:
        text = default
    stem = text.split(".")[0].upper()
    if stem in _WINDOWS_RESERVED:
        text = "_" + text
    return text[:max_len].rstrip(" .") or default


def check_output(path: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> Path:
    """Refuse to overwrite an input (ever) or an existing file (without ``force``)."""
    path = Path(path)
    target = path.resolve()
    for inp in inputs:
        try:
            same = Path(inp).resolve() == target
        except OSError:
            continue
        if same:  # raised outside the try: OutputError is itself an OSError
            raise OutputError(f"输出文件 {path} 与输入文件相同，拒绝覆盖输入。",
                              hint="请用 -o 指定另一个输出文件名。")
    if path.is_dir():
        raise OutputError(f"输出路径 {path} 是一个目录。", hint="请指定文件名，例如 -o 结果.docx。")
    if path.exists() and not force:
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
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes_atomic(path: Path, data: bytes, *, force: bool = False,
                       inputs: Iterable[Path] = ()) -> Path:
    with atomic_path(path, force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: Path, text: str, *, force: bool = False,
                      inputs: Iterable[Path] = ()) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force, inputs=inputs)
