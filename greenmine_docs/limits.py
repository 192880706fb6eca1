"""Input limits, in one place. Each can be changed with an environment variable
(``GREENMINE_MAX_INPUT_MB`` …) for provinces with unusually large files; a value that is not a
positive number is ignored (the default applies). The variables are read once, at import.

| variable | default | what |
|---|---|---|
| GREENMINE_MAX_INPUT_MB | 20 | Excel input workbooks, mine lists, score sheets, self-check tables |
| GREENMINE_MAX_YAML_MB | 5 | YAML inputs, indicator-set and outline files |
| GREENMINE_MAX_TEXT_MB | 5 | Markdown narrative files, CSV lists |
| GREENMINE_MAX_DOCX_MB | 50 | Word documents checked or compared, user templates |
| GREENMINE_MAX_IMAGE_MB | 30 | one image (site photo, figure) |
| GREENMINE_MAX_IMAGE_MEGAPIXELS | 40 | pixels of one image (decompression bombs) |
| GREENMINE_MAX_YAML_NODES | 500000 | values in one YAML file after aliases are expanded |
| GREENMINE_MAX_YAML_DEPTH | 64 | nesting of YAML mappings and lists |
| GREENMINE_MAX_ZIP_ENTRIES | 5000 | members of one .xlsx/.docx package |
| GREENMINE_MAX_ZIP_UNCOMPRESSED_MB | 500 | total uncompressed size of one package |
| GREENMINE_MAX_ZIP_RATIO | 200 | compression ratio of one member larger than 1 MB |
| GREENMINE_TEMPLATE_SECONDS | 10 | time one document's Word template may take to render |
| GREENMINE_MAX_TEMPLATE_TEXT | 10000000 | characters and list items a template may compute |
| GREENMINE_MAX_TEMPLATE_LOOPS | 100000 | loop iterations of one document's template |
| GREENMINE_MAX_PART_MB | 64 | uncompressed size of any one member of an .xlsx/.docx package |
| GREENMINE_MAX_TABLE_PART_MB | 10 | the same, for workbooks read cell by cell with openpyxl |
| GREENMINE_MAX_ROWS | 50000 | rows of a mines list (``sample``) or of a mines table (``batch``) |
| GREENMINE_MAX_MD_BLOCKS | 10000 | paragraphs, list items, table cells… of a plan's narrative |
| GREENMINE_MAX_MD_MARKS | 50000 | inline markup characters (``* _ [ < & : -`` …) of the same |

Fixed, not configurable: a narrative table has at most :data:`MD_MAX_COLUMNS` columns (Word's
own limit) and lists and quotes nest at most :data:`MD_MAX_DEPTH` levels (the Markdown parser
silently drops whatever is nested deeper than about ten levels).

Why these numbers (measured on a 2-core machine): openpyxl reads about 1 MB of sheet or
shared-strings XML a second, markdown-it-py parses about 100,000 tokens a second, the sample
workbook is written at about 1,000 mines a second; a real 10,000-mine table has a 23 MB main
sheet and 5 MB of shared strings, a real plan a few hundred paragraphs.
"""
from __future__ import annotations

import os

MB = 1024 * 1024


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 and value == value and value != float("inf") else default


MAX_INPUT_BYTES = int(_env_number("GREENMINE_MAX_INPUT_MB", 20) * MB)
"""Largest Excel input (and any other input without a limit of its own) read at all."""

MAX_YAML_BYTES = int(_env_number("GREENMINE_MAX_YAML_MB", 5) * MB)
"""Largest YAML file: a real submission is ~50 KB; 5 MB is a hundred times that."""

MAX_TEXT_BYTES = int(_env_number("GREENMINE_MAX_TEXT_MB", 5) * MB)
"""Largest Markdown narrative file or CSV list."""

MAX_DOCX_BYTES = int(_env_number("GREENMINE_MAX_DOCX_MB", 50) * MB)
"""Largest Word document read (plans with photos are often tens of MB)."""

MAX_YAML_NODES = int(_env_number("GREENMINE_MAX_YAML_NODES", 500_000))
"""Largest number of values in one YAML document after alias expansion (billion-laughs guard)."""

MAX_YAML_DEPTH = int(_env_number("GREENMINE_MAX_YAML_DEPTH", 64))
"""Deepest nesting of mappings/lists accepted in YAML."""

MAX_ZIP_ENTRIES = int(_env_number("GREENMINE_MAX_ZIP_ENTRIES", 5000))
"""Most members an .xlsx/.docx package may have."""

MAX_ZIP_UNCOMPRESSED = int(_env_number("GREENMINE_MAX_ZIP_UNCOMPRESSED_MB", 500) * MB)
"""Largest total uncompressed size of an .xlsx/.docx package."""

MAX_ZIP_RATIO = _env_number("GREENMINE_MAX_ZIP_RATIO", 200)
"""Largest compression ratio of one member (a zip bomb compresses far better than any XML)."""

MAX_PART_UNCOMPRESSED = int(_env_number("GREENMINE_MAX_PART_MB", 64) * MB)
"""Largest uncompressed member of an .xlsx/.docx package (a worksheet, the shared strings, the
document body), checked before any XML parser reads it: a member can claim 4 GB in a 3 MB
file within the ratio limit. A plan's ``document.xml`` of 300 pages with tables is 5–20 MB
(parsing a 100 MB part into a tree took gigabytes), a 10,000-mine table's main sheet 23 MB."""

MAX_TABLE_PART_BYTES = int(_env_number("GREENMINE_MAX_TABLE_PART_MB", 10) * MB)
"""Largest member of a workbook parsed whole: the parts the workbook reader
(:mod:`greenmine_docs.xlsx.read`) reads into a tree (workbook, relationships, styles), and a
sheet and its shared strings when the sheet is written in a form only openpyxl reads (about a
second for each MB); the real ones are far below 1 MB."""

MAX_ROWS = int(_env_number("GREENMINE_MAX_ROWS", 50_000))
"""Most rows of a mines list (``greenmine sample``) or of a mines table's main sheet
(``greenmine batch``); see :func:`check_rows`. A province lists a few thousand mines."""

MAX_MD_BLOCKS = int(_env_number("GREENMINE_MAX_MD_BLOCKS", 10_000))
"""Most paragraphs, headings, list items, code lines and table cells over all narrative
Markdown of one plan (each becomes at least one Word paragraph)."""

MAX_MD_MARKS = int(_env_number("GREENMINE_MAX_MD_MARKS", 50_000))
"""Most inline markup characters (those the Markdown parser stops at) over all narrative
Markdown of one plan: each costs the parser a round of its inline rules."""

MD_MAX_COLUMNS = 63
"""Most columns of a narrative table: Word's own limit."""

MD_MAX_DEPTH = 8
"""Deepest nesting of lists and block quotes in narrative Markdown (the parser keeps about
ten levels and silently drops the rest; the document numbers three list levels)."""

MAX_IMAGE_BYTES = int(_env_number("GREENMINE_MAX_IMAGE_MB", 30) * MB)
"""Largest image file (photo or figure)."""

MAX_IMAGE_PIXELS = int(_env_number("GREENMINE_MAX_IMAGE_MEGAPIXELS", 40) * 1_000_000)
"""Most pixels of one image: more is no camera photo but a decompression bomb."""

TEMPLATE_SECONDS = _env_number("GREENMINE_TEMPLATE_SECONDS", 10)
"""Wall-clock time one document's template parts may take to render (ours take milliseconds)."""

MAX_TEMPLATE_TEXT = int(_env_number("GREENMINE_MAX_TEMPLATE_TEXT", 10_000_000))
"""Characters (and list items) a template may produce in all, output and intermediate values
together: a cover page needs a few thousand; the template's own text is allowed on top."""

MAX_TEMPLATE_LOOPS = int(_env_number("GREENMINE_MAX_TEMPLATE_LOOPS", 100_000))
"""Loop iterations of one document's template in all (also the longest ``range``)."""


def check_rows(count: int, *, what: str, where: str, exact: bool = True) -> None:
    """Raise :class:`~greenmine_docs.errors.InputError` when a list or table has more than
    :data:`MAX_ROWS` rows, header rows included (``what``: the Chinese name, e.g. "名录";
    ``where``: file and sheet; ``exact=False``: reading stopped at ``count``, there are more).
    Readers call it before building anything per row, so a sheet of a million rows is refused
    in seconds instead of filling the memory."""
    if count > MAX_ROWS:
        from .errors import InputError

        rows = f"有 {count} 行，" if exact else "的行数"
        raise InputError(f"{what} {where} {rows}超过上限 {MAX_ROWS} 行。",
                         hint="请确认文件内容（是否含有大量空行或误把其他数据粘贴进来），或拆分后分批处理；"
                              "确需处理可设置环境变量 GREENMINE_MAX_ROWS。")


def megabytes(n: int) -> str:
    """``n`` bytes as a short Chinese-friendly figure: ``20 MB``, ``0.5 MB``."""
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / MB:.2g} MB"
