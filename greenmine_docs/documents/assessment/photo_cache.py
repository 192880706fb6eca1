"""Prepared photos kept by content: in a folder (a batch's output folder has one) when given.

A prepared photo (:mod:`.photos`) depends only on the bytes of the file and on how photos are
prepared (the preparation's version, the target size, the pixel limit), so it is stored under
the SHA-256 of those: a second run over the same inputs, and every document or mine showing the
same photo, reads it back instead of decoding the original again. One entry per photo,
``photos/<key>.entry``, in :mod:`greenmine_docs.usercache`'s format (its length and SHA-256
checked when read, written atomically): a JSON line (format, original size, ratio, whether the
original went in as it is), then the prepared bytes (none when the original goes in unchanged:
the caller has them). An entry that cannot be read, does not match or cannot be written is
simply not used.

A run without a cache folder of its own (``greenmine build``, the web desk) keeps its photos in
the user's cache folder (:func:`user_dir`), and beside each the file's version (size, times,
inode) naming its content key (:func:`remember`, kind :data:`VERSIONS`): rebuilding a mine after
editing its text, the usual way of working, then costs two small look-ups per phone photo
instead of a decode (a 12-MP photo: ~0.3 ms instead of ~50 ms; by content alone it was a read
and a hash, ~4 ms), and a copy of the photo (the same mine uploaded again) is still found by
content. Small photos too: one decodes in about the time the look-ups take, but a rebuild that
decodes none does not import Pillow at all (~20 ms). That folder keeps the :data:`USER_KEEP`
photos used last.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ...frozen import frozen
from ...usercache import ENV, entry_path, load_entry, store_entry, user_dir

__all__ = ["ENV", "Prepared", "folder_for", "key", "load", "remember", "remembered", "store",
           "user_dir"]

FOLDER = "photos"  # under the run's cache folder
VERSIONS = "photo-versions"  # a photo file's version -> its content key (the user's folder)
USER_KEEP = 500  # prepared photos kept in the user's cache folder (~40 MB)


@frozen(quick_init=False)
class Prepared:
    """A photo as the document shows it, and what the original was."""

    data: bytes
    ratio: float  # height / width as shown
    format: str  # of the original: JPEG or PNG
    width: int  # of the original, in pixels
    height: int
    as_is: bool = False  # ``data`` is the original file (as Word takes it)


def key(sha256: str, *parts: object) -> str:
    """The content key of a photo file whose content has the SHA-256 ``sha256`` (hex),
    prepared under ``parts`` (version, sizes, limits). (From the content's digest, which the
    image verdicts' keys use too: a photo is hashed once.)"""
    return hashlib.sha256(repr((sha256, parts)).encode()).hexdigest()


def load(cache_dir: Path | None, digest: str) -> Prepared | None:
    """The prepared photo stored under ``digest``, or None (no cache, not there, unreadable);
    for a photo that goes in as it is, without its bytes (``as_is``: the caller has them)."""
    if cache_dir is None:
        return None
    body = load_entry(entry_path(cache_dir, FOLDER, digest))
    if body is None:
        return None  # cut short or damaged: prepared again (and stored again)
    head, _, data = body.partition(b"\n")
    try:
        meta = json.loads(head)
        as_is = bool(meta["as_is"])
        return Prepared(b"" if as_is else data, float(meta["ratio"]), str(meta["format"]),
                        int(meta["width"]), int(meta["height"]), as_is)
    except (ValueError, KeyError, TypeError):
        return None


def store(cache_dir: Path | None, digest: str, prepared: Prepared,
          keep: int | None = None) -> None:
    """Keep ``prepared`` under ``digest`` (nothing without a cache folder; errors ignored);
    ``keep``: how many entries the folder keeps at most (the ones used last)."""
    if cache_dir is None:
        return
    meta = {"format": prepared.format, "width": prepared.width, "height": prepared.height,
            "ratio": prepared.ratio, "as_is": prepared.as_is}
    body = json.dumps(meta).encode() + b"\n" + (b"" if prepared.as_is else prepared.data)
    store_entry(entry_path(cache_dir, FOLDER, digest), body, keep)


def remembered(cache_dir: Path | None, version: str) -> str | None:
    """The content key :func:`remember` noted for the file version ``version``, or None."""
    if cache_dir is None:
        return None
    body = load_entry(entry_path(cache_dir, VERSIONS, version))
    if body is None or len(body) != 64 or body.strip(b"0123456789abcdef"):
        return None  # not a SHA-256 in hex: not ours
    return body.decode("ascii")


def remember(cache_dir: Path | None, version: str, digest: str, keep: int | None) -> None:
    """Note that the photo file of ``version`` is stored under the content key ``digest``."""
    if cache_dir is not None:
        store_entry(entry_path(cache_dir, VERSIONS, version), digest.encode("ascii"), keep)


def folder_for(cache_dir: Path | None) -> tuple[Path | None, int | None]:
    """Where to keep a photo prepared in a run whose cache folder is ``cache_dir``, and how
    many entries that folder keeps (None: no limit): the run's own folder, else the user's
    (None: none)."""
    if cache_dir is not None:
        return cache_dir, None
    return user_dir(), USER_KEEP
