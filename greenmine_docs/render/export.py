"""``greenmine templates export DIR``: copy the built-in templates (DOCX/XLSX, the plan outline
and their notes) out of the package so users can restyle them in Word and pass them back with
``--template``. Build scripts and caches are not exported."""
from __future__ import annotations

from pathlib import Path

from ..errors import OutputError

_EXPORTED_SUFFIXES = {".docx", ".xlsx", ".yaml", ".yml", ".md"}


def template_files() -> list[tuple[Path, Path]]:
    """(source file, path relative to the export folder) for every exportable template."""
    from ..resources import template_path

    root = template_path()
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in _EXPORTED_SUFFIXES and \
                "__pycache__" not in path.parts and path.parent != root:
            out.append((path, path.relative_to(root)))
    return out


def export_templates(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write every template into ``directory`` (created if needed). Refuses, before writing
    anything, when a file exists and ``force`` is not given."""
    from ..outputs import check_output, write_bytes_atomic

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{directory} 已存在且不是目录。", hint="请指定一个目录。")
    files = template_files()
    for _, rel in files:
        check_output(directory / rel, force=force)
    written = []
    for src, rel in files:
        target = directory / rel
        write_bytes_atomic(target, src.read_bytes(), force=force)
        written.append(target)
    return written
