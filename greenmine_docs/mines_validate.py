"""Validating every mine of a mines table (one mine per row), on several cores.

:func:`validate_mines` reads the workbook once, here, then forks ``jobs`` worker processes that
inherit the rows (copy on write: nothing is pickled on the way in) and validate contiguous
slices of them with the calls ``greenmine validate`` makes for one input
(:func:`~greenmine_docs.api.load_raw`, :func:`~greenmine_docs.api.run_checks`). Only each row's
findings come back, as plain tuples, and become one :class:`~greenmine_docs.findings.Report` per
row here, in row order — the same reports validating the rows one after the other gives (a test
compares them). The first row is validated here before forking, so that the workers share what
it loaded (modules, the indicator set) instead of each loading it again.

``greenmine batch TABLE.xlsx --validate-only`` and the benchmark (``benchmarks/run.py``) use it.
"""
from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import time
from operator import attrgetter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .errors import GreenmineError
from .findings import Finding, Location, Report, Severity

if TYPE_CHECKING:
    from .api import Loaded
    from .load.raw import RawInput

RowHook = Callable[[int, "Loaded"], "tuple[Any, bool]"]
"""``hook(index, loaded) -> (extra, skip_checks)``: called in the worker after the row is loaded
and before its checks run; ``extra`` (picklable) is handed back in :attr:`MineCheck.extra`, and
``skip_checks`` leaves the checks out (batch runs: a row whose earlier result is reused)."""

_CHUNK = (50, 250)  # rows per task handed to a worker: fewest, most (a short tail)
_SEVERITY = {s.value: s for s in Severity}
_where = attrgetter(*Location.__dataclass_fields__)  # a Location's fields as a tuple


class MineCheck:
    """One row's result: its report (findings from reading, loading and checking it) and who
    the mine is. ``failure`` is set instead when loading or checking raised (see
    :class:`Failure`); ``extra`` is what the row hook returned. The report is built from the
    worker's plain tuples when first asked for: counting errors needs no objects."""

    __slots__ = ("source", "strict", "mine", "enterprise", "city", "county", "extra",
                 "failure", "_packed", "_meta", "_report")

    def __init__(self, source: str, strict: bool, packed: list[tuple[Any, ...]],
                 meta: dict[str, Any], names: tuple[str, str, str, str] = ("", "", "", ""),
                 extra: Any = None, failure: "Failure | None" = None) -> None:
        self.source, self.strict = source, strict
        self.mine, self.enterprise, self.city, self.county = names
        self.extra, self.failure = extra, failure
        self._packed, self._meta = packed, meta
        self._report: Report | None = None

    @property
    def report(self) -> Report:
        if self._report is None:
            self._report = Report(source=self.source, strict=self.strict, meta=self._meta,
                                  findings=[Finding(code, _SEVERITY[severity], message, hint,
                                                    Location(*where))
                                            for code, severity, message, hint, where
                                            in self._packed])
        return self._report

    @property
    def errors(self) -> int:
        """Error findings (without building the report)."""
        return sum(1 for f in self._packed if f[1] == "error")


@dataclass
class Failure:
    """An exception while handling a row: ``loading`` when reading it into the model raised a
    :class:`~greenmine_docs.errors.GreenmineError` (``message``/``hint`` are that error's), else
    an internal error; ``text`` is ``str(error)`` (internal: ``"TypeError: …"``)."""

    loading: bool
    text: str
    message: str = ""
    hint: str = ""


@dataclass
class MinesValidation:
    """Every row of a mines table and its check result, in row order."""

    rows: Sequence["RawInput"]
    results: list[MineCheck]
    read_s: float = 0.0  # wall time reading the workbook

    @property
    def with_errors(self) -> int:
        """Rows with an error finding (or that could not be checked at all)."""
        return sum(1 for r in self.results if r.failure is not None or r.errors)


def validate_mines(source: str | Path | Sequence["RawInput"], *, jobs: int = 1,
                   as_of: dt.date | None = None, strict: bool = False,
                   hook: RowHook | None = None,
                   on_result: Callable[[int, MineCheck], None] | None = None
                   ) -> MinesValidation:
    """Read a mines table (or take rows already read) and validate every row with ``jobs``
    processes. ``on_result(index, result)`` is called here, in row order, as results arrive.
    Raises :class:`~greenmine_docs.errors.InputError` when the workbook cannot be read at all;
    problems with single rows are findings (or a :class:`Failure`) in that row's result."""
    from .excel_input.xlsxread import gc_paused

    t0 = time.perf_counter()
    # The rows are millions of objects that live until the end and make no cycles: the
    # collector is kept off them (frozen), or it would scan them all again and again while
    # the checks allocate — and, in forked workers, write to their pages (copy on write).
    with gc_paused():
        if isinstance(source, (str, Path)):
            from .excel_input import read_mines_table

            rows: Sequence[RawInput] = read_mines_table(source)
        else:
            rows = source
        gc.freeze()
    read_s = time.perf_counter() - t0
    results: list[MineCheck] = []
    try:
        for packed in _check_all(rows, jobs, as_of, strict, hook):
            result = _unpack(packed, rows[len(results)], strict)
            if on_result is not None:
                on_result(len(results), result)
            results.append(result)
    finally:
        gc.unfreeze()
    return MinesValidation(rows=rows, results=results, read_s=read_s)


# -- the work ----------------------------------------------------------------------------------
_JOB: tuple[Any, ...] | None = None  # (rows, as_of, strict, hook, sets) for forked workers


def _check_all(rows: Sequence["RawInput"], jobs: int, as_of: dt.date | None, strict: bool,
               hook: RowHook | None) -> Any:
    """Packed results of every row, in order: here, or in ``jobs`` forked workers."""
    global _JOB
    n = len(rows)
    if n == 0:
        return
    sets: dict[Any, dict[str, Any]] = {}  # indicator sets resolved so far (see _checks)
    yield _check_row(rows, 0, as_of, strict, hook, sets)  # also loads what every row needs
    if n == 1:
        return
    if jobs <= 1 or n < 2 * _CHUNK[0] or "fork" not in multiprocessing.get_all_start_methods():
        for i in range(1, n):
            yield _check_row(rows, i, as_of, strict, hook, sets)
        return
    chunk = max(_CHUNK[0], min(_CHUNK[1], (n - 1) // (jobs * 8)))
    ranges = [(lo, min(n, lo + chunk)) for lo in range(1, n, chunk)]
    _JOB = (rows, as_of, strict, hook, sets)
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(ranges))) as pool:
            for part in pool.imap(_check_range, ranges):
                yield from part
    finally:
        _JOB = None


def _check_range(bounds: tuple[int, int]) -> list[tuple[Any, ...]]:
    assert _JOB is not None, "runs in a worker forked by _check_all"
    rows, as_of, strict, hook, sets = _JOB
    gc.disable()  # checking makes no reference cycles worth collecting; the rows are shared
    try:
        return [_check_row(rows, i, as_of, strict, hook, sets) for i in range(*bounds)]
    finally:
        gc.enable()


def _check_row(rows: Sequence["RawInput"], index: int, as_of: dt.date | None, strict: bool,
               hook: RowHook | None, sets: dict[Any, dict[str, Any]]) -> tuple[Any, ...]:
    """One row loaded and checked, packed as plain tuples: ``("ok", findings, meta, names,
    extra)`` or ``("failed", loading, text, message, hint)``."""
    from .api import load_raw

    raw = rows[index]
    try:
        loaded = load_raw(raw)
    except GreenmineError as e:
        return ("failed", True, str(e), e.message, e.hint)
    except Exception as e:  # noqa: BLE001 — one broken row must not stop the others
        return ("failed", False, f"{type(e).__name__}: {e}", "", "")
    try:
        loaded.report.strict = strict
        extra, skip = hook(index, loaded) if hook is not None else (None, False)
        if not skip:
            _checks(loaded, as_of, sets)
        sub = loaded.submission
        if sub is not None:
            names = (sub.mine.name, sub.enterprise.name, sub.mine.location.city,
                     sub.mine.location.county)
        else:
            names = (_mine_name(loaded.raw.data), "", "", "")
        findings = [(f.code, f.severity.value, f.message, f.hint, _where(f.location))
                    for f in loaded.report.findings]
        return ("ok", findings, loaded.report.meta, names, extra)
    except Exception as e:  # noqa: BLE001
        return ("failed", False, f"{type(e).__name__}: {e}", "", "")


def _checks(loaded: "Loaded", as_of: dt.date | None, sets: dict[Any, dict[str, Any]]) -> None:
    """``run_checks``, resolving the indicator set the row names once per run: the mines of a
    table name the same set (``campaign.indicator_set``, relative to the same folder), which
    every row would otherwise look up again — for a set file, read and build again. Only a set
    that resolved without findings is shared; a row naming another is resolved on its own."""
    from .api import run_checks

    sub = loaded.submission
    key = (sub.campaign.indicator_set, loaded.raw.source.parent) if sub is not None else None
    seed = sets.get(key) if key is not None else None
    ctx = run_checks(loaded, as_of, seed=seed)
    if seed is None and ctx is not None and key is not None:
        iset = ctx.cache.get("indicator_set")  # what selfcheck.checks.indicator_set_for keeps
        if iset is not None and not ctx.cache.get("indicator_set_findings"):
            sets[key] = {"indicator_set": iset, "indicator_set_findings": []}


def _unpack(packed: tuple[Any, ...], raw: "RawInput", strict: bool) -> MineCheck:
    if packed[0] == "failed":
        return MineCheck(str(raw.source), strict, [], {}, (_mine_name(raw.data), "", "", ""),
                         failure=Failure(*packed[1:]))
    _, findings, meta, names, extra = packed
    return MineCheck(str(raw.source), strict, findings, meta, names, extra)


def _mine_name(data: Any) -> str:
    try:
        return str(data["mine"]["name"] or "")
    except (KeyError, TypeError):
        return ""
