"""Limits of file names: a path with a name longer than file systems allow makes every look-up
fail with an error (``ENAMETOOLONG``) instead of “not found”, so such paths are refused where
they enter — on the command line (:mod:`greenmine_docs.cli`) and in the input's fields
(:data:`greenmine_docs.model.bounds.FilePath`) — with the reason."""
from __future__ import annotations

MAX_NAME_BYTES = 255  # one file or folder name (every common file system)
MAX_PATH_BYTES = 4096  # a whole path (Linux PATH_MAX)


def path_problem(text: str) -> str:
    """Why ``text`` cannot name a file (``""`` when it can), in Chinese."""
    if len(text.encode("utf-8", "surrogateescape")) > MAX_PATH_BYTES:
        return f"文件路径过长（超过 {MAX_PATH_BYTES} 字节）"
    names = text.replace("\\", "/").split("/")
    if any(len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for name in names):
        return f"路径中有超过 {MAX_NAME_BYTES} 字节的文件名或文件夹名，文件系统不允许"
    if "\x00" in text:
        return "文件路径中有空字符（\\0）"
    return ""
