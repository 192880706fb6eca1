"""The current date and time, asked in one place.

Every output that records when it was made asks here: the zip members' timestamps of the
.docx/.xlsx/.zip packages, a workbook's created/modified in ``docProps/core.xml`` (a Word
document records neither), the score sheet's ``created``, a sample's 抽取日期 and the
reference date when neither ``--as-of`` nor the input gives one. Setting
``GREENMINE_FIXED_CLOCK`` to an ISO date-time (read as UTC, e.g. ``2023-09-20T08:00:00``)
freezes that clock, so the same input gives the same bytes: the output hash test
(``tests/test_outputs_unchanged.py``) depends on it. It is for tests, not for users (a user
who wants another reference date passes ``--as-of``).
"""
from __future__ import annotations

import datetime as dt
import time
import zipfile
from typing import Any, Literal

from . import envvars

ENV = "GREENMINE_FIXED_CLOCK"


def fixed() -> dt.datetime | None:
    """The frozen moment (naive, UTC) when ``GREENMINE_FIXED_CLOCK`` is set, else ``None``."""
    text = envvars.get(ENV, "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as e:
        raise ValueError(f"{ENV}={text!r}: not an ISO date-time such as 2023-09-20T08:00:00") \
            from e
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def now() -> dt.datetime:
    """Now, in UTC without a time zone (what ``core.xml`` records)."""
    moment = fixed()
    if moment is not None:
        return moment
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def today() -> dt.date:
    """Today's date (local), or the frozen moment's."""
    moment = fixed()
    return moment.date() if moment is not None else dt.date.today()


def zip_date_time() -> tuple[int, int, int, int, int, int]:
    """A zip member's timestamp (local time, as :mod:`zipfile` stamps members written from
    bytes), or the frozen moment's."""
    moment = fixed()
    if moment is not None:
        return (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                moment.second)
    t = time.localtime(time.time())
    return t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec


class StampedZip(zipfile.ZipFile):
    """A :class:`zipfile.ZipFile` that stamps every member it writes (from bytes or from a
    file) with :func:`zip_date_time`, otherwise writing exactly as ``ZipFile`` does: every
    package we write (.docx, .xlsx, batch bundles) is made through it."""

    def open(self, name: Any, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, *,
             force_zip64: bool = False) -> Any:
        if mode == "w" and isinstance(name, zipfile.ZipInfo):  # writestr and write come here
            name.date_time = zip_date_time()
        return super().open(name, mode, pwd, force_zip64=force_zip64)
