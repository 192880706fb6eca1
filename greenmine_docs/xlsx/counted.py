"""A workbook layout that depends only on how many rows its sheets have, remembered across
processes.

The batch summary (:func:`greenmine_docs.batch.write_summary`) is such a layout: openpyxl lays
out its sheets (header row, widths, frozen header, print setup) and only the filter's range —
``A1:O10001`` in a sheet and ``$A$1:$O$10001`` in the workbook's defined names — says how many
rows follow. Importing openpyxl and saving that layout cost a 10,000-mine ``--validate-only``
command about 0.2 s at its very end, with every worker already done. So the layout is made once
for stand-in last rows (numbers no real sheet can reach: Excel has 1,048,576 rows), kept in the
user's cache folder (:mod:`greenmine_docs.usercache`: by this code and openpyxl's), and
each later run puts its own last rows in place of the stand-ins and dates ``core.xml`` now: the
parts are those openpyxl saves for the real rows (``tests/test_batch_summary.py`` compares them
byte for byte). Without a cache folder the layout is simply made for the real rows.
"""
from __future__ import annotations

import re
import zipfile
from typing import Callable, Sequence

from .. import usercache
from ..clock import now as clock_now
from .fill import CORE_PART, core_dated, unzipped

Parts = list[tuple[str, bytes]]  # a package's members (name, uncompressed bytes), in order

STAND_INS = (9_876_543, 8_765_432, 7_654_321)  # one per sheet, first sheet first


def counted_parts(kind: str, make: Callable[[Sequence[int]], bytes], lasts: Sequence[int]
                  ) -> Parts:
    """The parts of ``make(lasts)`` (a package saved now; ``lasts``: each sheet's last row,
    which ``make`` writes only as cell references' row numbers), from the user's cache folder
    when a process before kept ``make``'s package for the stand-ins."""
    if usercache.user_dir() is None or len(lasts) > len(STAND_INS):
        return unzipped(make(lasts))
    stand_ins = STAND_INS[:len(lasts)]
    digest = usercache.key(kind, stand_ins)  # (the code's version covers openpyxl's)
    kept = usercache.load(kind, digest)
    if kept is None:
        kept = make(stand_ins)
        usercache.store(kind, digest, kept, keep=4)
    try:
        parts = unzipped(kept)
    except (zipfile.BadZipFile, ValueError, KeyError, OSError):
        return unzipped(make(lasts))
    rows = {str(s): str(last) for s, last in zip(stand_ins, lasts)}
    pattern = re.compile(rb"(?<=[A-Z$])(" + b"|".join(s.encode() for s in rows) + rb")(?=[\"<])")
    stamp = clock_now().strftime("%Y-%m-%dT%H:%M:%SZ")

    def part(name: str, data: bytes) -> bytes:
        if name == CORE_PART:
            return core_dated(data, stamp)
        return pattern.sub(lambda m: rows[m.group(1).decode()].encode(), data)

    return [(name, part(name, data)) for name, data in parts]

