"""Verdicts on images that passed, remembered across processes by the image's content.

Whether an image is complete and within the limits (:func:`.images.inspect_image`: format, size
in pixels) and what a Word document holds of it (:func:`.images.for_word`: the file as it is,
with a JFIF header put in front, or bytes made anew) depend only on the image's bytes, the
limits in force, this code and Pillow's (:data:`greenmine_docs.usercache.LIBRARIES`). The user's
cache folder (:mod:`greenmine_docs.usercache`) keeps them under a key made of those, so a
rebuild of a mine hashes its images (a few microseconds for a photo of 25 KB) instead of
importing Pillow (~20 ms) and decoding them again. Only passes are kept: an image with a problem
is examined, and its problem reported, every time; without a cache folder
(``GREENMINE_CACHE_DIR=none``, the tests) nothing is read or kept.
"""
from __future__ import annotations

from .. import usercache

KIND = "image-verdicts"
KEEP = 512  # entries kept: a check and a Word form for each of 256 images


def recalled(check: str, data: bytes, *parts: object, sha256: str | None = None
             ) -> bytes | None:
    """What :func:`record` kept for ``check`` on an image of ``data``'s content under
    ``parts`` (limits, formats…), or None: not kept, or no cache folder. ``sha256``: the
    content's digest (hex), when the caller has it."""
    digest = usercache.content_key(check, data, *parts, digest=sha256)
    return None if digest is None else usercache.load(KIND, digest)


def record(check: str, data: bytes, body: bytes, *parts: object, sha256: str | None = None
           ) -> None:
    """Keep ``body``, the outcome of ``check`` that passed on ``data`` under ``parts``."""
    digest = usercache.content_key(check, data, *parts, digest=sha256)
    if digest is not None:
        usercache.store(KIND, digest, body, keep=KEEP)
