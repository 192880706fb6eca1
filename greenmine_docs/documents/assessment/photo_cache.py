"""Prepared photos kept by content: in a folder (a batch's output folder has one) when given.

A prepared photo (:mod:`.photos`) depends only on the bytes of the file and on how photos are
prepared (the preparation's version, the target size, the pixel limit), so it is stored under
the SHA-256 of those: a second run over the same inputs, and every document or mine showing the
same photo, reads it back instead of decoding the original again. One file per photo,
``<key>.photo``: a JSON header line (format, original size, ratio, whether the original went in
as it is) and the prepared bytes (none when the original goes in unchanged: the caller has
them). Written atomically; a cache that cannot be read or written is simply not used.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

FOLDER = "photos"  # under the run's cache folder


@dataclass(frozen=True)
class Prepared:
    """A photo as the document shows it, and what the original was."""

    data: bytes
    ratio: float  # height / width as shown
    format: str  # of the original: JPEG or PNG
    width: int  # of the original, in pixels
    height: int
    as_is: bool = False  # ``data`` is the original file (as Word takes it)


def key(data: bytes, *parts: object) -> str:
    """The content key of a photo file prepared under ``parts`` (version, sizes, limits)."""
    h = hashlib.sha256(repr(parts).encode())
    h.update(data)
    return h.hexdigest()


def _path(cache_dir: Path, digest: str) -> Path:
    return Path(cache_dir) / FOLDER / f"{digest}.photo"


def load(cache_dir: Path | None, digest: str, original: bytes) -> Prepared | None:
    """The prepared photo stored under ``digest``, or None (no cache, not there, unreadable)."""
    if cache_dir is None:
        return None
    try:
        blob = _path(cache_dir, digest).read_bytes()
        head, _, body = blob.partition(b"\n")
        meta = json.loads(head)
        as_is = bool(meta["as_is"])
        return Prepared(original if as_is else body, float(meta["ratio"]), str(meta["format"]),
                        int(meta["width"]), int(meta["height"]), as_is)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(cache_dir: Path | None, digest: str, prepared: Prepared) -> None:
    """Keep ``prepared`` under ``digest`` (nothing without a cache folder; errors ignored)."""
    if cache_dir is None:
        return
    from ...errors import GreenmineError
    from ...outputs import write_bytes_atomic

    meta = {"format": prepared.format, "width": prepared.width, "height": prepared.height,
            "ratio": prepared.ratio, "as_is": prepared.as_is}
    blob = json.dumps(meta).encode() + b"\n" + (b"" if prepared.as_is else prepared.data)
    path = _path(cache_dir, digest)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, blob, force=True)
    except (OSError, GreenmineError):
        pass
