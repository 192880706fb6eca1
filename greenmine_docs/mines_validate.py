"""Validating every mine of a mines table (one mine per row), on several cores.

Each row is validated with the stages ``greenmine validate`` runs for one input
(:func:`~greenmine_docs.api.load`, :func:`~greenmine_docs.api.check`) in forked
worker processes. Only each row's findings come back, as plain tuples, and become one
:class:`~greenmine_docs.findings.Report` per row here, in row order — the same reports
validating the rows one after the other gives (a test compares them). A first mine is
validated here before any fork, so that the workers share what it loaded (modules, the
indicator set) instead of each loading it again.

Given a workbook, the workers also read it: reading the main sheet is a third of the work,
and done here it would leave the other cores idle. Here the workbook is opened (sheet names,
the main sheet's header) and the main sheet's rows cut into runs; each worker reads its runs
while the 行政处罚 sheet is read here, sends back what needs the whole sheet (编号, names), gets
what that settles (repeated 编号, 行政处罚 rows naming no mine, the workbook's errors, its own
mines' 行政处罚 rows; see :class:`~greenmine_docs.excel_input.mines.MinesReader`), then makes
and checks its mines; one done with its own runs takes over the last runs another has not
started yet (reading them again), so that neither core idles while the other finishes.
A sheet the fast reader cannot cut is read here and its rows handed to the workers instead.

``greenmine batch TABLE.xlsx --validate-only`` and the benchmark (``benchmarks/run.py``) use it.
"""
from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import re
import time
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from . import api  # (not in the functions a row goes through: ~1 µs an import statement)
from .errors import GreenmineError
from .findings import Finding, Location, Report, Severity, listing_key
from .frozen import frozen
from .rawinput import mine_name

if TYPE_CHECKING:
    from .api import IndicatorSets
    from .excel_input.mines import MinesReader
    from .pipeline import Run
    from .rawinput import RawInput

RowHook = Callable[[int, "Run", Any], "tuple[Any, bool]"]
"""``hook(index, run, context) -> (extra, skip_checks)``: called in the worker after the row
is loaded and before its checks run, with the context ``on_row`` gave for the row; ``extra``
(picklable) is handed back in :attr:`MineCheck.extra`, and ``skip_checks`` leaves the checks
out (batch runs: a row whose earlier result is reused)."""

_CHUNK = (50, 250)  # rows per task handed to a worker: fewest, most (a short tail)
_SPLIT_MIN_BYTES = 1 << 20  # a main sheet smaller than this is read here (about 400 mines)
_SEND = 250  # results a reading worker sends at a time
# runs of the main sheet per reading worker, handed out in turn (worker 0 the first, worker 1
# the second, …): results then come back nearly in row order, in which they are taken, not
# the second worker's all waiting until the first is done
_RUNS = 16
# a worker done with its own runs checks another's last runs not yet started (reading them
# again: a fifth of checking them), at most this many of each other worker's: two workers
# sharing two cores with this process seldom get the same share of them, and a static split
# left one idle for 0.1–0.7 s at the end
_SHARED = 6
_SEVERITY = {s.value: s for s in Severity}
_LOCATION_FIELDS = tuple(Location.__dataclass_fields__)
_where = attrgetter(*_LOCATION_FIELDS)  # a Location's fields as a tuple


@frozen(quick_init=False)
class RowInfo:
    """Where a row is (``sheet`` and ``row`` of its 编号 cell, or ``None``) and the mine
    name written there, known before the row is loaded."""

    sheet: str | None
    row: int | None
    name: str

    @classmethod
    def of(cls, raw: "RawInput") -> "RowInfo":
        where = next(iter(raw.positions.values()), None)
        m = re.search(r"\d+", (where.cell or "") if where is not None else "")
        return cls(where.sheet if where is not None else None,
                   int(m.group(0)) if m else None, mine_name(raw.data))


class MineCheck:
    """One row's result: its report (findings from reading, loading and checking it) and who
    the mine is. ``failure`` is set instead when loading or checking raised (see
    :class:`Failure`); ``extra`` is what the row hook returned. The worker's plain tuples
    come in the order a report lists them (:func:`~greenmine_docs.findings.listing_key`;
    ``order``: where each stands in the report, ``None`` when the same): the report is built
    from them when first asked for, while counting errors and listing the findings as
    dictionaries (:meth:`listed`) need no objects."""

    __slots__ = ("source", "strict", "mine", "enterprise", "city", "county", "extra",
                 "failure", "_packed", "_order", "_meta", "_report")

    def __init__(self, source: str, strict: bool, packed: list[tuple[Any, ...]],
                 meta: dict[str, Any], names: tuple[str, str, str, str] = ("", "", "", ""),
                 extra: Any = None, failure: "Failure | None" = None,
                 order: list[int] | None = None) -> None:
        self.source, self.strict = source, strict
        self.mine, self.enterprise, self.city, self.county = names
        self.extra, self.failure = extra, failure
        self._packed, self._order, self._meta = packed, order, meta
        self._report: Report | None = None

    @property
    def report(self) -> Report:
        if self._report is None:
            found = [Finding(code, _SEVERITY[severity], message, hint, Location(*where))
                     for code, severity, message, hint, where in self._packed]
            if self._order is not None:
                found = [f for _, f in sorted(zip(self._order, found), key=_first)]
            self._report = Report(source=self.source, strict=self.strict, meta=self._meta,
                                  findings=found)
        return self._report

    @property
    def errors(self) -> int:
        """Error findings (without building the report)."""
        return sum(1 for f in self._packed if f[1] == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self._packed if f[1] == "warning")

    @property
    def meta(self) -> dict[str, Any]:
        return self._meta

    def listed(self) -> list[dict[str, Any]]:
        """``[f.to_dict() for f in report.sorted()]``, made from the plain tuples."""
        return [{"code": code, "severity": severity, "message": message, "hint": hint,
                 "location": {k: v for k, v in zip(_LOCATION_FIELDS, where) if v is not None}}
                for code, severity, message, hint, where in self._packed]


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


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

    rows: list[RowInfo]
    results: list[MineCheck]
    read_s: float = 0.0  # wall time until every row was read (and, here, the first checked)

    @property
    def with_errors(self) -> int:
        """Rows with an error finding (or that could not be checked at all)."""
        return sum(1 for r in self.results if r.failure is not None or r.errors)


def validate_mines(source: str | Path | Sequence["RawInput"], *, jobs: int = 1,
                   as_of: dt.date | None = None, strict: bool = False,
                   hook: RowHook | None = None,
                   on_row: Callable[[int, RowInfo], Any] | None = None,
                   on_read: Callable[[int], None] | None = None,
                   on_result: Callable[[int, MineCheck], None] | None = None,
                   on_arrival: Callable[[int, MineCheck], None] | None = None,
                   keep_results: bool = True) -> MinesValidation:
    """Read a mines table (or take rows already read) and validate every row with ``jobs``
    processes. Called here, in row order: ``on_row(index, info)`` once every row is read,
    returning the row's context for ``hook`` (a batch run makes the row's task); then
    ``on_read(count)``; then ``on_result(index, result)`` as results arrive. ``on_arrival``
    gets each result as soon as it is here, before ``on_result`` and not necessarily in row
    order (workers check different runs of rows at once): work that does not depend on the
    order is done then, while the workers are busy, not in a burst once the row before has
    come (the last run of rows waits for the one before it, which ends last).
    ``keep_results=False``: the results are only handed to the callbacks (the validation's
    ``results`` stay empty), so a caller that keeps what it needs of each frees the rest as it
    goes — not 10,000 of them at once when the run is over.
    Raises :class:`~greenmine_docs.errors.InputError` when the workbook cannot be read at all;
    problems with single rows are findings (or a :class:`Failure`) in that row's result."""
    run = _Run(jobs, as_of, strict, hook, on_row, on_read, on_result, on_arrival, keep_results)
    if not isinstance(source, (str, Path)):
        return run.rows(list(source))
    from .excel_input.mines_file import open_mines_file

    # the main sheet is unpacked (in a thread) from here on, while the reader's modules are
    # imported (its layout imports the model: ~0.1 s, more than the unpacking)
    xlsx = open_mines_file(Path(source))
    try:
        from .excel_input.mines import MinesReader, Unsplittable

        reader = MinesReader(source, xlsx)
    except BaseException:
        xlsx.close()
        raise
    with reader:
        cuts = reader.cuts(jobs * _RUNS) if jobs > 1 and _can_fork() else None
        if cuts is not None and len(cuts) > 1 and reader.size >= _SPLIT_MIN_BYTES:
            try:
                return run.split(reader, cuts)
            except Unsplittable:  # a run of rows only the whole-sheet reader handles
                pass
        return run.rows(reader.read_all())


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# -- the work ----------------------------------------------------------------------------------
_JOB: "_Run | None" = None  # what forked workers inherit


class _Run:
    """One validation: its options, and the state forked workers inherit."""

    def __init__(self, jobs: int, as_of: dt.date | None, strict: bool, hook: RowHook | None,
                 on_row: Callable[[int, RowInfo], Any] | None,
                 on_read: Callable[[int], None] | None,
                 on_result: Callable[[int, MineCheck], None] | None,
                 on_arrival: Callable[[int, MineCheck], None] | None = None,
                 keep: bool = True) -> None:
        self.jobs, self.as_of, self.strict, self.hook = jobs, as_of, strict, hook
        self.on_row, self.on_read, self.on_result = on_row, on_read, on_result
        self.on_arrival, self.keep = on_arrival, keep
        self.taken = 0  # results taken so far
        self.sets = api.IndicatorSets()  # the rows name the same set: resolved once
        self.t0 = time.perf_counter()
        self.read_s = 0.0
        self.results: list[MineCheck] = []
        self.reader: "MinesReader | None" = None
        self.items: list["RawInput"] = []
        self.contexts: list[Any] = []

    def check(self, rows: Sequence["RawInput"], i: int, index: int, context: Any
              ) -> tuple[Any, ...]:
        return _check_row(rows[i], index, context, self.as_of, self.strict, self.hook,
                          self.sets)

    def _read(self, infos: list[RowInfo]) -> None:
        """Every row is read: tell the caller, get each row's context."""
        if self.on_row is not None:
            self.contexts = [self.on_row(i, info) for i, info in enumerate(infos)]
        self.read_s = time.perf_counter() - self.t0
        if self.on_read is not None:
            self.on_read(len(infos))

    def _arrive(self, index: int, packed: tuple[Any, ...], source: str, info: RowInfo
                ) -> MineCheck:
        """Row ``index``'s result, as it arrives (see ``on_arrival``)."""
        result = _unpack(packed, source, info, self.strict)
        if self.on_arrival is not None:
            self.on_arrival(index, result)
        return result

    def _take(self, result: MineCheck) -> None:
        """The next row's result, in row order."""
        if self.on_result is not None:
            self.on_result(self.taken, result)
        if self.keep:
            self.results.append(result)
        self.taken += 1

    def _here(self, packed: tuple[Any, ...], source: str, info: RowInfo) -> None:
        """The next row's result, arrived in row order."""
        self._take(self._arrive(self.taken, packed, source, info))

    # -- rows read here -----------------------------------------------------------------
    def rows(self, rows: list["RawInput"]) -> MinesValidation:
        """Rows already read: checked here, or by ``jobs`` workers forked from here, which
        inherit them (copy on write: nothing is pickled on the way in)."""
        global _JOB
        infos = [RowInfo.of(raw) for raw in rows]
        self._read(infos)
        n = len(rows)
        context = self.contexts.__getitem__ if self.contexts else (lambda i: None)
        self.items = rows
        # The rows are millions of objects that live until the end and make no cycles: the
        # collector is kept off them (frozen), or it would scan them all again and again while
        # the checks allocate — and, in forked workers, write to their pages (copy on write).
        gc.freeze()
        _JOB = self
        try:
            if n:  # also loads what every row needs, before any fork
                self._here(self.check(rows, 0, 0, context(0)), str(rows[0].source), infos[0])
            if self.jobs <= 1 or n < 2 * _CHUNK[0] + 1 or not _can_fork():
                for i in range(1, n):
                    self._here(self.check(rows, i, i, context(i)), str(rows[i].source), infos[i])
            else:
                chunk = max(_CHUNK[0], min(_CHUNK[1], (n - 1) // (self.jobs * 8)))
                ranges = [(lo, min(n, lo + chunk)) for lo in range(1, n, chunk)]
                with multiprocessing.get_context("fork").Pool(min(self.jobs, len(ranges))) as pool:
                    i = 1
                    for part in pool.imap(_check_range, ranges):
                        for packed in part:
                            self._here(packed, str(rows[i].source), infos[i])
                            i += 1
        finally:
            _JOB = None
            gc.unfreeze()
        return MinesValidation(infos, self.results, self.read_s)

    # -- rows read by the workers -------------------------------------------------------
    def split(self, reader: "MinesReader", cuts: list[tuple[int, int]]) -> MinesValidation:
        """Each worker reads its runs of the main sheet (runs ``w``, ``w + jobs``, …), then
        checks their mines (see the module docstring); results come back in batches and are
        taken in row order."""
        global _JOB
        from multiprocessing.connection import wait

        from .excel_input.mines import Unsplittable

        first = reader.first_mine()
        if first is not None:  # what every row needs, loaded before the forks
            try:
                _checks(_load(first, self.as_of), self.strict, self.sets)
            except Exception:  # noqa: BLE001 — its own row reports it
                pass
        ctx = multiprocessing.get_context("fork")
        self.reader = reader
        _JOB = self
        workers: list[tuple[Any, Any]] = []
        finished = False
        # What is loaded so far lives until the end and the results taken here make no
        # reference cycles: the collector is kept off both (measured on 10,000 rows: three
        # full collections, 0.17 s of this process's time), and the workers' copies of the
        # loaded objects stay shared
        gc.freeze()
        collecting = gc.isenabled()
        gc.disable()
        jobs = min(self.jobs, len(cuts))
        owned = [list(range(w, len(cuts), jobs)) for w in range(jobs)]  # each worker's runs
        # what each may check: its own runs, then others' last ones (see _SHARED)
        shared = [k for runs in owned for k in runs[::-1][:_SHARED]]
        checked = [[*runs, *(k for k in shared if k not in runs)] for runs in owned]
        claims = _Claims(ctx, len(cuts))
        try:
            for runs, may in zip(owned, checked):
                here, there = ctx.Pipe()
                process = ctx.Process(target=_read_and_check,
                                      args=(runs, may, cuts, claims, there), daemon=True)
                process.start()
                there.close()
                workers.append((process, here))
            # the 行政处罚 sheet, read here while the workers read the main sheet. (The workers
            # read the main sheet's bytes, read before the fork, never the workbook file: its
            # descriptor, and so its position, is shared with this process)
            reader.lists()
            read = [_receive(here) for _, here in workers]
            if any(s[0] == "unsplittable" for s in read):
                raise Unsplittable
            summaries: list[Any] = [None] * len(cuts)
            for runs, message in zip(owned, read):
                for k, summary in zip(runs, message[1]):
                    summaries[k] = summary
            settled = reader.settle(summaries)
            infos = [RowInfo(reader.sheet, row, name) for s in summaries for row, _, name in s.rows]
            self._read(infos)
            bounds = [*settled.offsets, len(infos)]
            for may, (_, here) in zip(checked, workers):
                # each worker gets the 行政处罚 rows of the mines it may check
                idents = {ident or str(bounds[k] + i)
                          for k in may for i, (_, ident, _) in enumerate(summaries[k].rows, 1)}
                here.send((settled.only(idents),
                           {k: self.contexts[bounds[k]:bounds[k + 1]] for k in may}
                           if self.contexts else None))
            del settled  # the 行政处罚 rows went to the workers: freed here while they check
            reader.drop_lists()
            # results in row order: run k's are taken once run k - 1 is done (each is
            # unpacked, and handed to on_arrival, when it arrives)
            waiting: list[list[MineCheck]] = [[] for _ in cuts]
            arrived = bounds[:-1]  # the index of each run's next result
            done = [False] * len(cuts)
            busy = [True] * len(workers)
            source, k = str(reader.path), 0
            while k < len(cuts):
                ready = wait([h for (_, h), b in zip(workers, busy) if b])
                for j, (_, here) in enumerate(workers):
                    if here in ready:
                        message = _receive(here)
                        if message[0] == "done":
                            done[message[1]] = True
                        elif message[0] == "finished":
                            busy[j] = False
                        else:
                            run_k, n = message[1], arrived[message[1]]
                            waiting[run_k].extend(
                                self._arrive(n + i, packed, source, infos[n + i])
                                for i, packed in enumerate(message[2]))
                            arrived[run_k] = n + len(message[2])
                while k < len(cuts):
                    for result in waiting[k]:
                        self._take(result)
                    waiting[k] = []
                    if not done[k]:
                        break
                    k += 1
            finished = True
        finally:
            _JOB = None
            for process, here in workers:
                if not finished:
                    process.terminate()
                process.join()
                here.close()
            # What the run made here (the results: some hundred thousand objects, no cycles
            # among them) joins the old generation with what was frozen, untraversed: left
            # in the young one, the first collection once the collector is on again would
            # walk it all (0.1 s at 10,000 rows, with nothing to free)
            gc.freeze()
            gc.unfreeze()
            if collecting:
                gc.enable()
        return MinesValidation(infos, self.results, self.read_s)


def _receive(connection: Any) -> tuple[Any, ...]:
    try:
        message = connection.recv()
    except EOFError:
        raise RuntimeError("检查工作簿的一个工作进程意外退出（内存不足？）。") from None
    if message[0] == "error":
        raise RuntimeError(message[1])
    return message


def _read_and_check(runs: list[int], may: list[int], cuts: list[tuple[int, int]],
                    claims: "_Claims", connection: Any) -> None:
    """A worker of :meth:`_Run.split`: read its ``runs`` of the main sheet (``cuts[k]``: run
    ``k``), report, then make and check the mines of each run in ``may`` it claims first —
    its own in order, then others' (read again here) — and say when it has none left."""
    from .excel_input.mines import Unsplittable

    run = _JOB
    assert run is not None and run.reader is not None
    gc.disable()  # reading and checking make no reference cycles worth collecting
    try:
        try:
            parts: dict[int, Any] = {k: run.reader.read_part(cuts[k]) for k in runs}
        except Unsplittable:
            connection.send(("unsplittable",))
            return
        connection.send(("read", [parts[k].summary for k in runs]))
        settled, contexts = connection.recv()
        for k in may:
            if not claims.take(k):
                parts.pop(k, None)
                continue
            part = parts.pop(k, None) or run.reader.read_part(cuts[k])
            mines = run.reader.mines(part, settled, k)
            del part
            offset, own = settled.offsets[k], contexts[k] if contexts else None
            for lo in range(0, len(mines), _SEND):
                connection.send(("rows", k, [
                    run.check(mines, i, offset + i, own[i] if own else None)
                    for i in range(lo, min(len(mines), lo + _SEND))]))
            connection.send(("done", k))
        connection.send(("finished",))
    except Exception as e:  # noqa: BLE001 — reported by the parent, not printed here
        connection.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        connection.close()


class _Claims:
    """Which runs of the main sheet a worker has started to check, shared by the workers
    :meth:`_Run.split` forks: each run is checked by the first that claims it."""

    def __init__(self, ctx: Any, count: int) -> None:
        import mmap

        self.started = mmap.mmap(-1, count)  # (anonymous: shared with the forked workers)
        self.lock = ctx.Lock()

    def take(self, k: int) -> bool:
        """Claim run ``k``: false when another worker did first."""
        with self.lock:
            if self.started[k]:
                return False
            self.started[k] = 1
            return True


def _check_range(bounds: tuple[int, int]) -> list[tuple[Any, ...]]:
    """Rows ``[lo, hi)`` of :meth:`_Run.rows`, in a worker it forked."""
    run = _JOB
    assert run is not None, "runs in a worker forked by _Run.rows"
    gc.disable()  # checking makes no reference cycles worth collecting; the rows are shared
    try:
        return [run.check(run.items, i, i, run.contexts[i] if run.contexts else None)
                for i in range(*bounds)]
    finally:
        gc.enable()


def _load(raw: RawInput, as_of: dt.date | None) -> Run:
    return api.load(raw, as_of=as_of)


def _check_row(raw: RawInput, index: int, context: Any, as_of: dt.date | None, strict: bool,
               hook: RowHook | None, sets: IndicatorSets) -> tuple[Any, ...]:
    """One row loaded and checked, packed as plain tuples: ``("ok", findings, meta, names,
    extra, order)`` (the findings in the order a report lists them, ``order`` where each
    stands in the report, see :class:`MineCheck`) or ``("failed", loading, text, message,
    hint)``."""
    try:
        run = _load(raw, as_of)
    except GreenmineError as e:
        return ("failed", True, str(e), e.message, e.hint)
    except Exception as e:  # noqa: BLE001 — one broken row must not stop the others
        return ("failed", False, f"{type(e).__name__}: {e}", "", "")
    try:
        extra, skip = hook(index, run, context) if hook is not None else (None, False)
        _checks(run, strict, sets, skip)
        sub = run.model
        if sub is not None:
            names = (sub.mine.name, sub.enterprise.name, sub.mine.location.city,
                     sub.mine.location.county)
        else:
            names = (mine_name(raw.data), "", "", "")
        found = run.report.findings
        order = sorted(range(len(found)), key=lambda i: listing_key(found[i]))
        findings = [(f.code, f.severity.value, f.message, f.hint, _where(f.location))
                    for f in map(found.__getitem__, order)]
        return ("ok", findings, run.report.meta, names, extra,
                None if order == list(range(len(found))) else order)
    except Exception as e:  # noqa: BLE001
        return ("failed", False, f"{type(e).__name__}: {e}", "", "")


def _checks(run: Run, strict: bool, sets: IndicatorSets, skip: bool = False) -> None:
    """The row's checks (``skip``: only ``--strict`` recorded, as for a reused row)."""
    if skip:
        run.report.strict = strict
    else:
        api.check(run, strict=strict, sets=sets)


def _unpack(packed: tuple[Any, ...], source: str, info: RowInfo, strict: bool) -> MineCheck:
    if packed[0] == "failed":
        return MineCheck(source, strict, [], {}, (info.name, "", "", ""),
                         failure=Failure(*packed[1:]))
    _, findings, meta, names, extra, order = packed
    return MineCheck(source, strict, findings, meta, names, extra, order=order)
