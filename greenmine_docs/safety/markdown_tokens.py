"""The parsed tokens of a narrative, kept in the user's cache folder by the text's content.

A plan's narratives rarely change between two builds of a mine, and their tokens depend only on
the text, the parser's settings (this code) and markdown-it-py's version
(:data:`greenmine_docs.usercache.LIBRARIES`). Kept as data (a JSON list, one list of the
:data:`FIELDS` per token) and read back as :class:`Token` objects with the same attributes, they
spare a rebuild importing the parser (~20 ms of a new process) and parsing again. A kept list
whose shape is not a token list's is not taken: the text is parsed again. Without a cache folder
(``GREENMINE_CACHE_DIR=none``, the tests) nothing is read or kept.
"""
from __future__ import annotations

import json
from typing import Any

from .. import usercache

KIND = "markdown-tokens"
KEEP = 256  # texts kept: a plan has a few dozen narrative sections
# markdown-it-py's Token attributes, in the order a kept token lists them
FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup",
          "info", "meta", "block", "hidden")
_TEXTS = (0, 1, 7, 8, 9)  # the FIELDS that are strings
_KINDS = ((2, int), (3, dict), (5, int), (10, dict), (11, bool), (12, bool))


class Token:
    """A kept token: the attributes of markdown-it-py's ``Token`` that the checks and the
    renderer read, without its methods (and without importing it)."""

    __slots__ = FIELDS
    type: str
    tag: str
    nesting: int
    attrs: dict[str, Any]
    map: list[int] | None
    level: int
    children: list[Any] | None
    content: str
    markup: str
    info: str
    meta: dict[Any, Any]
    block: bool
    hidden: bool

    def __init__(self, values: list[Any]) -> None:
        for name, value in zip(FIELDS, values):
            setattr(self, name, value)


def recalled(text: str) -> list[Any] | None:
    """The tokens kept for ``text``, or None: not kept, not a token list, or no cache folder."""
    digest = _key(text)
    body = None if digest is None else usercache.load(KIND, digest)
    if body is None:
        return None
    try:
        return _tokens(json.loads(body))
    except (ValueError, TypeError):
        return None


def keep(text: str, tokens: list[Any]) -> list[Any]:
    """Keep ``tokens``, the parse of ``text``, and return them."""
    digest = _key(text)
    if digest is not None:
        try:
            body = json.dumps(_listed(tokens), ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError):  # something a plug-in put in meta: not kept
            return tokens
        usercache.store(KIND, digest, body, keep=KEEP)
    return tokens


def _key(text: str) -> str | None:
    return usercache.content_key(KIND, text.encode("utf-8", "surrogatepass"))


def _listed(tokens: list[Any]) -> list[list[Any]]:
    """``tokens`` as lists of their :data:`FIELDS`; ``ValueError`` for a token with ``meta``
    (JSON would not give back its keys as they were)."""
    if any(tok.meta for tok in tokens):
        raise ValueError("a token with meta")
    return [[_listed(tok.children) if name == "children" and tok.children is not None
             else getattr(tok, name) for name in FIELDS] for tok in tokens]


def _tokens(rows: Any) -> list[Token]:
    """``rows`` (kept by :func:`keep`) as tokens; raises ``TypeError`` for any other shape."""
    if not isinstance(rows, list):
        raise TypeError("not a token list")
    out = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == len(FIELDS)
                and all(isinstance(row[i], str) for i in _TEXTS)
                and all(isinstance(row[i], kind) for i, kind in _KINDS)
                and (row[4] is None or isinstance(row[4], list))):
            raise TypeError("not a token")
        if row[6] is not None:
            row[6] = _tokens(row[6])
        out.append(Token(row))
    return out
