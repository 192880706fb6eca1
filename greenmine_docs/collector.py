"""The cyclic garbage collector paused around work that allocates much and makes no cycles.

Reading a workbook in bulk allocates millions of small tuples, and a build allocates for a
process that ends with it; neither makes reference cycles worth finding, and the collector would
rescan the new objects over and over (measured: a third of a workbook's read time). A module of
its own, so that the command line pauses it without importing a workbook reader.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def gc_paused(*, restore: bool = True) -> Iterator[None]:
    """The collector off while the ``with`` block runs; ``restore=False``: left off afterwards
    (a process that ends right after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and restore:
            gc.enable()
