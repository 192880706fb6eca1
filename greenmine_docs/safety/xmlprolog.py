"""Finding a document type declaration (DTD) in the parts of an Office package.

Office Open XML forbids DTDs (ECMA-376 Part 2, the package conventions: a part that declares
one is invalid) and no Office program writes one. A DTD in a workbook or a document is either
damage or an attack: entities that expand to gigabytes ("billion laughs") or that pull in a
local file (``<!ENTITY x SYSTEM "file:///etc/passwd">``). Parsers differ in what they do with
one — defusedxml refuses, lxml without entity resolution keeps ``&x;`` as it is, the fast
workbook reader shows the reference as text — so the package is refused before any of them
sees it, with one clear message.

A DTD can only stand in the prolog, before the root element. :func:`declares_dtd` reads a part
just far enough to pass its XML declaration, comments and processing instructions: a few
dozen bytes for every part Office writes, so checking all parts of a package costs little.
"""
from __future__ import annotations

import codecs
import zipfile
from typing import IO

_CHUNK = 4096
_CLOSING = {"<?": "?>", "<!--": "-->"}  # what may stand before the root besides a DTD
MAX_PROLOG_CHARS = 1 << 20  # a prolog longer than this is refused as if it declared a DTD


def _decoder(head: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for a part that starts like XML, in the encodings XML allows without a
    declaration (UTF-8, UTF-16 with or without a byte-order mark); ``None`` for anything
    that is not XML (a picture, a binary part)."""
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return codecs.getincrementaldecoder("utf-16-le")("replace")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return codecs.getincrementaldecoder("utf-16-be")("replace")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return codecs.getincrementaldecoder("utf-8")("replace")
    return None


def declares_dtd(stream: IO[bytes]) -> bool:
    """True when the XML read from ``stream`` has a ``<!DOCTYPE`` in its prolog (or a prolog
    too long to be one Office wrote); False at the root element or for a part that is no XML."""
    head = stream.read(_CHUNK)
    decode = _decoder(head)
    if decode is None:
        return False
    text = decode.decode(head).lstrip("\ufeff")
    pos = 0
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text) or (text[pos] == "<" and len(text) - pos < 9):
            more = stream.read(_CHUNK)
            if not more:
                return False  # ended inside the prolog: the parser reports a broken part
            text = text[pos:] + decode.decode(more)
            pos = 0
            if len(text) > MAX_PROLOG_CHARS:
                return True
            continue
        if text[pos:pos + 9].upper() == "<!DOCTYPE":
            return True
        opener = next((o for o in _CLOSING if text.startswith(o, pos)), None)
        if opener is None:
            return False  # the root element: no DTD can follow
        end = text.find(_CLOSING[opener], pos + len(opener))
        while end < 0:
            more = stream.read(_CHUNK)
            if not more:
                return False
            text += decode.decode(more)
            if len(text) > MAX_PROLOG_CHARS:
                return True
            end = text.find(_CLOSING[opener], pos + len(opener))
        pos = end + len(_CLOSING[opener])


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def part_with_dtd(zf: zipfile.ZipFile) -> str | None:
    """The name of the first member of ``zf`` whose XML declares a DTD, or ``None``."""
    for info in zf.infolist():
        if info.is_dir():
            continue
        with zf.open(info) as stream:
            if declares_dtd(stream):
                return info.filename
    return None
