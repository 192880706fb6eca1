"""The Python code Jinja compiles a template part into, kept in the user's cache folder by the
part's source.

The built-in templates' parts compile to the same code in every process (~6 ms of a cold build
for the three templates rendered with docxtpl). The code depends only on the source, on the
environment :func:`~greenmine_docs.render.jinja_env.make_env` makes (autoescaping on or off; the
sandbox's code generator, filters and finalizer are this code), on Jinja's version
(:data:`greenmine_docs.usercache.LIBRARIES`) and on Python's (the bytecode): all in the key. Kept
as marshalled bytecode, it is read back as Python reads its own ``__pycache__``; a body that is
not a code object is not used. Without a cache folder (``GREENMINE_CACHE_DIR=none``, the tests)
nothing is read or kept.
"""
from __future__ import annotations

import marshal
import types
from typing import Callable

from .. import usercache

KIND = "template-code"
KEEP = 64  # template parts kept: the built-in templates have about ten


def compiled(source: str, autoescape: bool, compile_source: Callable[[str], types.CodeType]
             ) -> types.CodeType:
    """``compile_source(source)`` — the standard environment's ``compile`` with autoescaping
    ``autoescape`` — or the code it gave an earlier process."""
    digest = usercache.content_key(KIND, source.encode("utf-8", "surrogatepass"), autoescape)
    if digest is not None:
        body = usercache.load(KIND, digest)
        if body is not None:
            try:
                code = marshal.loads(body)
            except (EOFError, ValueError, TypeError):
                code = None
            if type(code) is types.CodeType:
                return code
    code = compile_source(source)
    if digest is not None:
        usercache.store(KIND, digest, marshal.dumps(code), keep=KEEP)
    return code
