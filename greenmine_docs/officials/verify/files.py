"""Writing a set of rendered files into one folder: every file rendered first, every target
checked before the first byte is written, then each written atomically."""
from __future__ import annotations

from pathlib import Path

from ...outputs import check_output, write_bytes_atomic


def write_all(files: dict[Path, bytes], *, force: bool, inputs: list[Path]) -> list[Path]:
    for path in files:
        check_output(path, force=force, inputs=inputs)
    written = []
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_bytes_atomic(path, data, force=force, inputs=inputs))
    return written
