"""Narrative text of a document section: Markdown written in the input, or a ``.md`` file named
there (read from the input's folder, never from outside it). Shared by every document that takes
Markdown narrative (the implementation plan, the self-evaluation report, the zone plan)."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..findings import Location


def is_md_path(value: str) -> bool:
    """A value that names a Markdown file rather than being Markdown itself."""
    v = value.strip()
    return "\n" not in v and v.lower().endswith((".md", ".markdown")) and len(v) < 300


def read_markdown(path: Path, location: Location) -> str:
    """The text of a Markdown file (UTF-8, GBK …; size-limited); :class:`InputError` located at
    the field that named it when it cannot be read."""
    from ..limits import MAX_TEXT_BYTES
    from .text import decode_text, read_bytes

    try:
        data = read_bytes(path, what="Markdown 文件", limit=MAX_TEXT_BYTES,
                          limit_env="GREENMINE_MAX_TEXT_MB")
        return decode_text(data, path, what="Markdown 文件").text
    except InputError as e:
        raise InputError(e.message, hint=e.hint, location=str(location)) from e


def narrative_value(value: object, base_dir: Path, location: Location) -> tuple[str, Path | None]:
    """(text, file) of a narrative value: the Markdown as written, or a ``.md`` file's text.
    Raises :class:`InputError` for a file that cannot be used."""
    from .paths import resolve_inside

    text = str(value)
    if is_md_path(text):
        file = resolve_inside(base_dir, text.strip(), location)
        return read_markdown(file, location), file
    return text, None
