"""Whole files read with the fewest system calls.

A batch's mine reads some thirty small files whole (photos, cache entries, narratives, the
files its fingerprint hashes). Python's buffered ``open(path, "rb").read()`` asks the system
nine times for one of them (open, status, whether it is a terminal, its position twice, status
again, two reads, close), and ``read(limit)`` on it allocates a buffer of the limit (megabytes,
mapped and unmapped) for a file of kilobytes. Reading the descriptor directly takes five (open,
status, a read of the file's size and one byte more, the read that finds the end, close); where
system calls are slow (a few microseconds each in a container), that is most of a small read.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

_LATER = 1 << 16  # what a read asks for beyond the size the file had (kept below mmap's sizes)


def read_up_to(fd: int, most: int, size: int) -> bytes:
    """At most ``most`` bytes from ``fd``'s position to its end, for a file that was ``size``
    bytes long when looked at (a file that grew meanwhile is read on to its new end). Reads
    until the end is seen, so a short read never shortens the result."""
    parts: list[bytes] = []
    got = 0
    while got < most:
        chunk = os.read(fd, min(most - got, max(size + 1 - got, _LATER)))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def read_file(path: str | Path) -> bytes:
    """``Path(path).read_bytes()`` (the same bytes, the same ``OSError``\\s) in five system
    calls rather than nine."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        return read_up_to(fd, sys.maxsize, size)
    finally:
        os.close(fd)
