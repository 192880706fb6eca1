"""Many mines at once: validate and build every input under a folder (or every row of a mines
workbook), in parallel, continuing past broken inputs, with a summary workbook.

A second run with unchanged inputs reuses the previous results: each mine's fingerprint (tool
version, options, input bytes or row data, and the files its path fields name) is stored in
``.greenmine-batch.json`` in the output folder, next to the files it produced; a mine is
reused when its fingerprint is unchanged and its files are all there (:func:`_reusable`).

A run that is killed leaves no ``.greenmine-batch.json`` but a journal,
``.greenmine-batch.journal``: one line per mine built, written as each one finishes (from the
start, so the folder is known as a batch folder: :func:`check_out_dir`). The next run into
that folder needs no ``--force``; it reads the journal with the cache (:func:`_read_cache`),
reuses the mines the killed run finished and builds the rest (a mine that was half written is
built again; its temporary files are removed by :mod:`greenmine_docs.outputs`). The journal
goes once the cache is written.

Intermediate results keyed by content (prepared photos) are kept in the output folder's
``.greenmine-cache/``: a mine whose input changed, and every mine showing the same photo, reuses them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from . import __version__, limits
from .errors import GreenmineError, InputError, OutputError
from .findings import Report
from .rawinput import mine_name
from .outputs import ensure_dir, safe_filename
from .safety.inputs import hash_file, referenced_files

if TYPE_CHECKING:
    from .rawinput import RawInput
    from .mines_validate import RowInfo

CACHE_FILE = ".greenmine-batch.json"
JOURNAL_FILE = ".greenmine-batch.journal"
CACHE_DIR = ".greenmine-cache"  # content-keyed intermediate results (Run.cache_dir)
INPUT_SUFFIXES = {".yaml", ".yml", ".xlsx"}
STATUS_OK, STATUS_ERRORS, STATUS_BROKEN = "已生成", "有错误未生成", "无法读取"
STATUS_UNWRITABLE = "无法写入"
STATUS_VALID = "校验通过"
STATUS_PARTIAL = "有错误部分生成"  # the documents the errors do not stop were written


@dataclass
class MineTask:
    key: str  # what the summary calls this input: a relative path or 矿山名录!第12行
    out_dir: Path
    path: Path | None = None  # an input file, or
    raw: "RawInput | None" = None  # one row of a mines workbook
    as_of: dt.date | None = None
    strict: bool = False
    zip_bundle: bool = False
    validate_only: bool = False
    pdf: bool = False  # a PDF beside each Word document
    toc_pages: bool = False  # page numbers in the tables of contents (LibreOffice)


@dataclass
class MineOutcome:
    key: str
    status: str
    mine: str = ""
    enterprise: str = ""
    city: str = ""
    county: str = ""
    errors: int = 0
    warnings: int = 0
    self_score: float | None = None  # the enterprise's self-check, converted total
    self_result: str = ""
    score: float | None = None  # the third-party assessment, converted total
    result: str = ""
    files: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    fingerprint: str = ""
    reused: bool = False


@dataclass
class BatchResult:
    outcomes: list[MineOutcome]
    out_dir: Path
    summary: Path | None = None
    skipped: list[Path] = field(default_factory=list)  # folders of a verification round

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.status] = out.get(o.status, 0) + 1
        return out

    def reports(self) -> list[Report]:
        """One report per mine, for the text/JSON/HTML formats."""
        from .findings import Finding, Location, Severity

        reports = []
        for o in self.outcomes:
            r = Report(source=f"{o.key}（{o.mine}）" if o.mine else o.key)
            for f in o.findings:
                r.add(Finding(f["code"], Severity(f["severity"]), f["message"], f.get("hint", ""),
                              Location(**f.get("location", {}))))
            reports.append(r)
        return reports


def collect_tasks(src: Path, out_dir: Path, *, skipped: list[Path] | None = None,
                  **options: Any) -> list[MineTask]:
    """Inputs under a folder (recursively, skipping hidden folders, ``out_dir`` and the folders
    of a verification round, each added to ``skipped``), or the rows of a mines workbook."""
    src = Path(src)
    if not src.exists():
        raise InputError(f"{src} 不存在。", hint="请指定输入文件夹或矿山名录工作簿。")
    if not src.is_dir():
        if src.suffix.lower() in (".yaml", ".yml"):
            raise InputError(f"{src} 是单个矿山的输入文件；批量处理要的是存放各矿山输入的文件夹，"
                             "或矿山名录工作簿（.xlsx）。",
                             hint=f"单个矿山请用 greenmine build {src} -o 输出文件夹；"
                                  "批量处理请给出它所在的文件夹。")
        from .safety.inputs import regular_file

        regular_file(src, "矿山名录工作簿")  # a FIFO or a device is refused, not read
        from .excel_input import read_mines_table
        from .mines_validate import RowInfo

        taken: set[str] = set()
        return [_row_task(src, out_dir, i, RowInfo.of(raw), taken, raw=raw, **options)
                for i, raw in enumerate(read_mines_table(src))]
    out_resolved = out_dir.resolve()
    candidates = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in INPUT_SUFFIXES or path.name.startswith("~$"):
            continue
        if out_resolved in path.resolve().parents or path.name == "expected-findings.yaml":
            continue
        candidates.append(path)
    rounds = sorted({p.parent for p in candidates if _format_tag(p) == "verification-round"})
    if skipped is not None:
        skipped.extend(rounds)
    files = [p for p in candidates if not _format_tag(p)  # a data file an input names
             and not any(r == p.parent or r in p.parents for r in rounds)]
    if not files:
        if src in rounds:
            raise InputError(f"{src} 是实地核查轮次的文件夹（{_ROUND_FILE}），不是矿山输入。",
                             hint="实地核查请用 greenmine verify 的各个子命令。")
        raise InputError(f"文件夹 {src} 中没有找到 .yaml/.yml/.xlsx 输入文件。",
                         hint="请确认文件夹路径，或直接给出矿山名录工作簿。")
    used: set[str] = set()
    tasks = []
    for path in files:
        rel = path.relative_to(src)
        parts = [*rel.parent.parts]
        if not parts or path.stem.lower() not in {"mine", "input", "submission"}:
            parts.append(path.stem)
        stem = "-".join(parts)
        folder = _unique(safe_filename(stem), used)
        tasks.append(MineTask(key=str(rel), out_dir=out_dir / folder, path=path, **options))
    return tasks


# the data files an input names (a citation list, outline, indicator set) and the file that
# makes a folder a verification round (its records, sample and ledger are not mines)
_DATA_TAG = re.compile(rb"^format:\s*[\"']?greenmine-(citations|outline|indicator-set|"
                       rb"verification-round)/", re.MULTILINE)
_ROUND_FILE = "format: greenmine-verification-round"


def _format_tag(path: Path) -> str | None:
    """The kind of greenmine data file ``path`` is (its ``format:`` tag), ``None`` if none."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    m = _DATA_TAG.search(head)
    return m.group(1).decode() if m else None


def _row_task(src: Path, out_dir: Path, index: int, info: "RowInfo", used: set[str],
              **options: Any) -> MineTask:
    """The task of the ``index``-th row of mines table ``src`` (its own output folder)."""
    folder = _unique(safe_filename(info.name or f"第{index + 1}个矿山"), used)
    return MineTask(key=_row_key(src, index, info), out_dir=out_dir / folder, **options)


def _row_key(src: Path, index: int, info: "RowInfo") -> str:
    """What the summary calls the ``index``-th row of mines table ``src``."""
    return (f"{info.sheet}!第{info.row if info.row is not None else '?'}行" if info.sheet
            else f"{src.name}#{index + 1}")


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate, n = f"{name}-{n}", n + 1
    used.add(candidate.lower())
    return candidate


# a table row's data as the fingerprint reads it (json.dumps with these options, the encoder
# made once rather than for every row). Without the check for circular references, which
# changes nothing written: a row's data is a tree the reader made (about 0.1 of the encoding)
_ROW_JSON = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=False,
                             check_circular=False)


def fingerprint(task: MineTask, raw: "RawInput",
                known: dict[tuple[Path, str], Path | None] | None = None) -> str:
    """What a mine's outcome depends on: the tool's version, the options, the input (its
    bytes, or a table row's data) and the files its path fields name inside its folder
    (:func:`~greenmine_docs.safety.inputs.referenced_files`: not every text that happens to
    name a file), each read in chunks; a file bigger than any reader takes counts by its
    size and time stamp. ``known``: the names resolved so far in this run."""
    largest = max(limits.MAX_INPUT_BYTES, limits.MAX_IMAGE_BYTES, limits.MAX_TEXT_BYTES,
                  limits.MAX_YAML_BYTES)
    h = hashlib.sha256(_options_text(__version__, task.as_of, task.strict, task.zip_bundle,
                                     task.validate_only, task.pdf, task.toc_pages))
    if task.path is not None:
        hash_file(h, task.path, largest)
    else:
        h.update(_ROW_JSON.encode(raw.data).encode())
    base = _folder(raw.source)
    refs = referenced_files(raw.data, base, known)
    folder = base.resolve() if refs else base  # (a row of a table names none: no file system)
    for ref in refs:
        h.update(os.path.relpath(ref, folder).encode())  # where the input is does not count
        hash_file(h, ref, largest)
    return h.hexdigest()


@functools.lru_cache(maxsize=8, typed=True)  # (True and 1 are written differently)
def _options_text(version: str, as_of: dt.date | None, strict: bool, zip_bundle: bool,
                  validate_only: bool, pdf: bool, toc_pages: bool) -> bytes:
    """A fingerprint's start, the tool's version and the options, made once for the many
    mines of a run."""
    return (f"{version}|{as_of}|{strict}|{zip_bundle}|{validate_only}".encode()
            + (b"|pdf" if pdf else b"")  # (absent when off: earlier fingerprints still hold)
            + (b"|toc-pages" if toc_pages else b""))


@functools.lru_cache(maxsize=64)
def _folder(source: Path) -> Path:
    """The folder of an input: one path object for the rows of a table, whose hash (the
    key of ``known``'s names) is then worked out once."""
    return Path(source).parent


def process(task: MineTask, previous: dict[str, Any] | None = None) -> MineOutcome:
    """Validate and build one mine (through :mod:`greenmine_docs.api`, as ``greenmine build``
    does); never raises for a bad input. Each input path is resolved once meanwhile
    (:func:`~greenmine_docs.safety.inputs.one_look`)."""
    from .safety.inputs import one_look

    with contextlib.nullcontext() if task.validate_only else _collected_once(), one_look():
        return _process(task, previous)


def _process(task: MineTask, previous: dict[str, Any] | None) -> MineOutcome:
    """:func:`process`, with the collector as it set it."""
    from . import api

    source = task.path if task.path is not None else task.raw
    assert source is not None
    try:
        # each mine is read once a run, and a rerun reuses the batch's own results: its parse is
        # not kept in the user's cache folder (storing it would cost ~1.5 ms a mine)
        run = api.load(source, as_of=task.as_of, kept_parse=False)
    except GreenmineError as e:
        return _unreadable(task.key, str(e), e.message, e.hint)
    assert run.raw is not None
    run.cache_dir = task.out_dir.parent / CACHE_DIR
    fp = fingerprint(task, run.raw)
    if _reusable(task.out_dir.parent, previous, fp):
        return MineOutcome(**{**(previous or {}), "reused": True})
    try:
        written, manifest = _checked_or_built(task, run)
    except OutputError as e:  # read and checked, but its documents could not be written
        return _unwritable(task.key, e)
    finally:
        run.forget_derived()  # the run is then freed without the collector (see there)
    data = run.raw.data if isinstance(run.raw.data, dict) else {}
    sub = run.model
    outcome = _checked(task, run.report, fp, mine=sub.mine.name if sub else mine_name(data),
                       enterprise=sub.enterprise.name if sub else "",
                       city=sub.mine.location.city if sub else "",
                       county=sub.mine.location.county if sub else "",
                       files=[f"{task.out_dir.name}/{p.name}" for p in written])
    if task.zip_bundle and manifest is not None:
        bundle = task.out_dir / f"{safe_filename(outcome.mine or task.key)}.zip"
        _zip(bundle, [*written, manifest])
        outcome.files.append(f"{task.out_dir.name}/{bundle.name}")
    return outcome


def _checked_or_built(task: MineTask, run: Any) -> tuple[list[Path], Path | None]:
    """Check the mine (``--validate-only``) or build its documents: the files written and
    the manifest."""
    from . import api

    if task.validate_only:
        api.check(run, strict=task.strict)
        return [], None
    result = api.build(run, task.out_dir, strict=task.strict, force=True, pdf=task.pdf,
                       toc_pages=task.toc_pages)
    return result.written, result.manifest


def _checked(task: MineTask, report: Report, fp: str, *, mine: str, enterprise: str, city: str,
             county: str, files: list[str]) -> MineOutcome:
    """The outcome of a mine that was loaded and checked (and maybe built)."""
    return _outcome(task.key, task.validate_only, fp,
                    (len(report.errors), len(report.warnings)), report.strict,
                    [f.to_dict() for f in report.sorted()], report.meta, mine=mine,
                    enterprise=enterprise, city=city, county=county, files=files)


def _outcome(key: str, validate_only: bool, fp: str, counts: tuple[int, int], strict: bool,
             findings: list[dict[str, Any]], meta: dict[str, Any], *, mine: str,
             enterprise: str, city: str, county: str, files: list[str]) -> MineOutcome:
    """:func:`_checked` from what a report gives: its errors and warnings (``counts``), its
    findings as dictionaries (listed in order) and its ``meta``."""
    errors, warnings = counts
    if not errors and not (strict and warnings):  # Report.valid, from the counts
        status = STATUS_VALID if validate_only else STATUS_OK
    else:
        status = STATUS_PARTIAL if files else STATUS_ERRORS
    outcome = MineOutcome(
        key=key,
        status=status,
        mine=mine, enterprise=enterprise, city=city, county=county,
        errors=errors, warnings=warnings,
        files=files, fingerprint=fp,
        findings=findings,
    )
    scores = meta.get("scores")
    if isinstance(scores, dict):
        own, assessed = scores.get("self_check") or {}, scores.get("assessment") or {}
        outcome.self_score, outcome.self_result = own.get("total"), own.get("verdict", "")
        outcome.score, outcome.result = assessed.get("total"), assessed.get("verdict", "")
    return outcome


def _reusable(folder: Path, previous: dict[str, Any] | None, fp: str) -> bool:
    """The previous run's outcome still holds: same fingerprint, its files (named relative to
    the batch's output ``folder``) still there."""
    return bool(previous and previous.get("fingerprint") == fp and all(
        (folder / f).exists() for f in previous.get("files", [])))


def _unreadable(key: str, text: str, message: str, hint: str) -> MineOutcome:
    """A mine whose input could not be loaded (a :class:`GreenmineError` while reading)."""
    return MineOutcome(key=key, status=STATUS_BROKEN, errors=1, message=text,
                       findings=[{"code": "GM-E690", "severity": "error", "message": message,
                                  "hint": hint, "location": {"file": key}}])


def _unwritable(key: str, error: OutputError) -> MineOutcome:
    """A mine whose documents could not be written (disk full, read-only, no permission):
    its input is fine, so it is not reported as unreadable."""
    return MineOutcome(key=key, status=STATUS_UNWRITABLE, errors=1, message=str(error),
                       findings=[{"code": "GM-E692", "severity": "error",
                                  "message": error.message, "hint": error.hint,
                                  "location": {"file": key}}])


def _internal_error(key: str, text: str) -> MineOutcome:
    """A mine whose processing raised an unexpected exception (``text``: ``"Type: message"``)."""
    return MineOutcome(key=key, status=STATUS_BROKEN, errors=1, message=text,
                       findings=[{"code": "GM-E691", "severity": "error",
                                  "message": f"处理时出现内部错误：{text}",
                                  "hint": "请用 greenmine build 单独处理该输入并加 --debug 查看详情。",
                                  "location": {"file": key}}])


def _zip(bundle: Path, files: list[Path]) -> None:
    from .clock import StampedZip
    from .outputs import atomic_path

    with atomic_path(bundle, force=True) as tmp:
        with StampedZip(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, f.name)


def _worker(args: tuple[MineTask, dict[str, Any] | None]) -> MineOutcome:
    task, previous = args
    try:
        return process(task, previous)
    except Exception as e:  # noqa: BLE001 — one broken mine must not stop the batch
        return _internal_error(task.key, f"{type(e).__name__}: {e}")


def run_batch(src: Path, out_dir: Path, *, jobs: int | None = None, as_of: dt.date | None = None,
              strict: bool = False, zip_bundles: bool = False, validate_only: bool = False,
              pdf: bool = False, toc_pages: bool = False,
              on_done: Callable[[MineOutcome], None] | None = None,
              on_start: Callable[[int], None] | None = None, force: bool = False) -> BatchResult:
    """Process every mine under ``src`` into ``out_dir`` and write 批量处理汇总.xlsx.
    ``pdf``/``toc_pages``: as :func:`greenmine_docs.api.build`; each worker process keeps one
    LibreOffice running for all its mines (:mod:`greenmine_docs.docx.office`), a document it
    fails on is that mine's finding (GM-E693), and every LibreOffice is stopped at the end."""
    out_dir, src = Path(out_dir), Path(src)
    check_out_dir(out_dir, force=force)
    if (pdf or toc_pages) and not validate_only:
        from .docx.pdf import find_soffice, missing_soffice

        if find_soffice() is None:
            raise missing_soffice()
    options = dict(as_of=as_of, strict=strict, zip_bundle=zip_bundles, validate_only=validate_only,
                   pdf=pdf and not validate_only, toc_pages=toc_pages and not validate_only)
    jobs = max(1, jobs or os.cpu_count() or 1)
    skipped: list[Path] = []
    # the cache's entries and the summary's rows are made as the outcomes come, while the
    # workers are still busy, rather than all at the end
    entries, rows = _CacheEntries(), SummaryRows()

    def done(outcome: MineOutcome, prepared: "_Prepared | None" = None) -> None:
        entries.add(outcome, None if prepared is None else prepared[0])
        rows.add(outcome, None if prepared is None else prepared[1])
        if on_done:
            on_done(outcome)

    def prepare(outcome: MineOutcome) -> _Prepared:
        return (entries.encode(outcome) if outcome.fingerprint else None), rows.cells(outcome)

    if validate_only and src.is_file():  # the rows of one mines table
        from .mines_validate import validate_mines

        table = _TableValidation(src, out_dir, options, on_start, done, prepare)
        validate_mines(src, jobs=jobs, as_of=as_of, strict=strict, hook=table.hook,
                       on_row=table.row, on_read=table.read, on_result=table.take,
                       on_arrival=table.arrive, keep_results=False)
        outcomes = table.outcomes
    else:
        outcomes = _process_all(collect_tasks(src, out_dir, skipped=skipped, **options),
                                out_dir, jobs, validate_only, on_start, done)
    # the cache file is written (the system's write, without the interpreter's lock: 11 MB
    # for 10,000 mines) while the summary is made
    cache_written = _meanwhile(_write_cache, out_dir / CACHE_FILE, entries)
    result = BatchResult(outcomes=outcomes, out_dir=out_dir, skipped=skipped)
    try:
        result.summary = write_summary(result, out_dir / "批量处理汇总.xlsx", rows)
    except BaseException:
        # the summary's failure is the one to report: the cache's, if it failed too, would
        # hide it (the cache only saves work on a re-run)
        with contextlib.suppress(Exception):
            cache_written()
        raise
    cache_written()
    (out_dir / JOURNAL_FILE).unlink(missing_ok=True)  # the cache holds it all now
    return result


def _meanwhile(work: Callable[..., None], *args: Any) -> Callable[[], None]:
    """Start ``work(*args)`` in a thread; the function returned waits for it to end and
    raises what it raised."""
    import threading

    failed: list[BaseException] = []

    def run() -> None:
        try:
            work(*args)
        except BaseException as e:  # noqa: BLE001 — raised again by the waiting caller
            failed.append(e)

    thread = threading.Thread(target=run, name="greenmine-write")
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


def _process_all(tasks: list[MineTask], out_dir: Path, jobs: int, validate_only: bool,
                 on_start: Callable[[int], None] | None,
                 on_done: Callable[[MineOutcome], None] | None) -> list[MineOutcome]:
    """Every task through :func:`process`, here or in ``jobs`` forked workers."""
    ensure_dir(out_dir)
    cache = _read_cache(out_dir)
    if on_start:
        on_start(len(tasks))
    work = [(t, cache.get(t.key)) for t in tasks]
    outcomes: list[MineOutcome] = []
    with _journal(out_dir, enabled=not validate_only) as record:
        def take(outcome: MineOutcome) -> None:
            outcomes.append(outcome)
            record(outcome)
            if on_done:
                on_done(outcome)

        _run_tasks(work, jobs, validate_only, take)
    return outcomes


def _run_tasks(work: list[tuple[MineTask, dict[str, Any] | None]], jobs: int,
               validate_only: bool, take: Callable[[MineOutcome], None]) -> None:
    """Every task through :func:`_worker`, here or in ``jobs`` forked workers, each outcome
    handed to ``take`` as it comes."""
    if not work:
        return
    if jobs == 1 or len(work) == 1:
        try:
            for outcome in map(_worker, work[:1]):
                take(outcome)
            if len(work) > 1:  # what the first mine set up is kept out of the collector's way
                with _settled_heap():
                    for outcome in map(_worker, work[1:]):
                        take(outcome)
        finally:
            _close_office()
    else:
        import multiprocessing

        # building a mine takes about a second: hand them out one at a time so no worker sits
        # idle at the end; validating takes a millisecond: batches of them
        chunk = max(1, min(64, len(work) // (jobs * 8) or 1)) if validate_only else 1
        _warm_up(validate_only)
        try:
            if not validate_only and not (work[0][0].pdf or work[0][0].toc_pages):
                # the first mine is built here, before forking: the workers then inherit what
                # it set up once per process (templates opened, workbook layouts, fonts,
                # indicator sets) instead of each building it again. Not with LibreOffice: a
                # third one started here only for the first mine costs more than the workers'
                # own set-up
                take(_worker(work[0]))
                work = work[1:]
            with _settled_heap(), multiprocessing.get_context("fork").Pool(jobs) as pool:
                for outcome in pool.imap(_worker, work, chunksize=chunk):
                    take(outcome)
                # workers that end on their own stop their LibreOffice (a finalizer of the
                # session); leaving the block early terminates them, and each one's helper
                # then stops its LibreOffice when its input closes
                pool.close()
                pool.join()
        finally:
            _cool_down()


class _TableValidation:
    """``--validate-only`` for the rows of a mines table
    (:func:`~greenmine_docs.mines_validate.validate_mines`: worker processes read and check
    the rows); each outcome equals what :func:`process` gives for that row's task (a test
    compares them). Nothing is written for a row: it needs its key, not a folder of its own,
    and its fingerprint reads only the options, which every row's task has (``self.task``)."""

    def __init__(self, src: Path, out_dir: Path, options: dict[str, Any],
                 on_start: Callable[[int], None] | None,
                 on_done: Callable[[MineOutcome, "_Prepared"], None],
                 prepare: Callable[[MineOutcome], "_Prepared"]) -> None:
        self.src, self.out_dir = src, out_dir
        self.task = MineTask(key="", out_dir=out_dir, **options)  # the rows' options
        self.on_start, self.on_done, self.prepare = on_start, on_done, prepare
        self.work: list[tuple[str, dict[str, Any] | None]] = []
        self.outcomes: list[MineOutcome] = []
        self.arrived: dict[int, tuple[MineOutcome, _Prepared]] = {}  # by row, until taken
        self.cache: dict[str, Any] | None = None  # the previous run's, read with the first row
        self.known: dict[tuple[Path, str], Path | None] = {}  # each worker's own, this run

    def row(self, index: int, info: Any) -> dict[str, Any] | None:
        """Here, once the table is read: the row's key, and its previous outcome (the context
        the hook gets in the worker)."""
        if self.cache is None:
            self.cache = _read_cache(self.out_dir)
        key = _row_key(self.src, index, info)
        previous = self.cache.get(key)
        self.work.append((key, previous))
        return previous

    def hook(self, index: int, loaded: Any, previous: dict[str, Any] | None
             ) -> tuple[Any, bool]:
        """In the worker, before the checks: the row's fingerprint, and whether its previous
        outcome can be reused (then the checks are left out)."""
        fp = fingerprint(self.task, loaded.raw, self.known)
        reuse = _reusable(self.out_dir, previous, fp)
        return (fp, reuse), reuse

    def read(self, count: int) -> None:
        ensure_dir(self.out_dir)
        if self.on_start:
            self.on_start(count)

    def arrive(self, index: int, check: Any) -> None:
        """Here, as the row's result arrives (in any order): its outcome, and what the cache
        and the summary make of it."""
        outcome = self._outcome(index, check)
        self.arrived[index] = outcome, self.prepare(outcome)

    def take(self, index: int, check: Any) -> None:
        """Here, in row order."""
        outcome, prepared = self.arrived.pop(index)
        self.outcomes.append(outcome)
        self.on_done(outcome, prepared)

    def _outcome(self, index: int, check: Any) -> MineOutcome:
        key, previous = self.work[index]
        if check.failure is not None:
            f = check.failure
            outcome = (_unreadable(key, f.text, f.message, f.hint) if f.loading
                       else _internal_error(key, f.text))
        elif check.extra[1]:
            outcome = MineOutcome(**{**(previous or {}), "reused": True})
        else:
            outcome = _outcome(key, self.task.validate_only, check.extra[0],
                               (check.errors, check.warnings),
                               check.strict, check.listed(), check.meta, mine=check.mine,
                               enterprise=check.enterprise, city=check.city,
                               county=check.county, files=[])
        return outcome


@contextlib.contextmanager
def _collected_once() -> Iterator[None]:
    """Reading, checking and building a mine makes some hundred thousand short-lived
    objects: the cyclic collector would run tens of times meanwhile and promote survivors into
    older generations, whose collections walk the whole warm process (templates, layouts,
    caches). Paused for the mine, it collects the young generation once afterwards (the mine's
    own cycles, such as its documents' packages). The batch command's :func:`_settled_heap`
    gets about as much from its thresholds; this holds for every caller of :func:`process`.
    Not when only validating: a mine then takes a millisecond, and the collector's own
    thresholds suit that better."""
    import gc

    from .collector import gc_paused

    with gc_paused():
        yield
    if gc.isenabled():
        gc.collect(0)


@contextlib.contextmanager
def _settled_heap() -> Iterator[None]:
    """While the workers are forked and run (or the rest of the mines, with one job):
    everything set up so far (modules, templates, workbook layouts) is out of the garbage
    collector's view, so collections do not walk it again and again (nor touch its pages,
    which then stay shared with the workers), and the young generation is collected less often
    (a mine makes tens of thousands of short-lived objects). Measured in one process over 30
    mines: collection time 14 → 6.5 ms per mine, peak memory +7 MB. This process's own
    settings come back afterwards."""
    import gc

    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _close_office() -> None:
    """Stop this process's LibreOffice, if it started one (before forking workers, and when a
    run in this process ends or is interrupted)."""
    import sys

    office_module = sys.modules.get("greenmine_docs.docx.office")
    if office_module is not None:
        office_module.close_shared()


def _warm_up(validate_only: bool) -> None:
    """Import, before forking, what every worker needs: the workers then share it (copy on
    write) instead of each paying a second or more for it on its first mine."""
    from . import api, documents, model  # noqa: F401 — the checks come with the documents
    from .xlsx.write import eager_skeletons

    eager_skeletons()  # workbook layouts made on the first mine, here, for every worker
    if not validate_only:
        import docx  # noqa: F401
        import docxtpl  # noqa: F401
        import openpyxl  # noqa: F401
        import PIL.Image  # noqa: F401


def _cool_down() -> None:
    """Undo what :func:`_warm_up` set for the workers that this process would keep after the
    run (a program that runs a batch with workers and then builds documents itself): a
    workbook layout's first document is again written by openpyxl, not from a skeleton made
    for it at once."""
    from .xlsx.write import eager_skeletons

    eager_skeletons(False)


def check_out_dir(out_dir: Path, *, force: bool = False) -> None:
    """The output folder is new, empty or an earlier batch's (it has ``.greenmine-batch.json``,
    whose files a new run replaces); any other folder is refused without ``force``."""
    from .errors import OutputError
    from .outputs import check_output_dir

    check_output_dir(out_dir)  # a file, a device, a FIFO: refused whatever --force says
    if force or not out_dir.is_dir() or (out_dir / CACHE_FILE).is_file() \
            or (out_dir / JOURNAL_FILE).is_file():  # a run that was killed
        return
    if any(out_dir.iterdir()):
        raise OutputError(f"输出目录 {out_dir} 已有其他文件，且不是批量处理的结果目录，未写入。",
                          hint="请换一个新目录；确认可以覆盖其中的同名文件请加 --force。")


def _read_cache(out_dir: Path) -> dict[str, Any]:
    """The previous runs' outcomes by key: the cache of the last finished run, updated by
    the journal of a run killed since (its lines in order; a line cut by the kill is
    left out)."""
    try:
        data = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
        cache = data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        cache = {}
    try:
        with (out_dir / JOURNAL_FILE).open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                    cache[entry["key"]] = entry
    except OSError:
        pass
    return cache


def _cache_entry(outcome: MineOutcome) -> dict[str, Any]:
    # (asdict() would deep-copy every finding; the instance's own attributes are its fields,
    # in their order)
    return {**vars(outcome), "reused": False}


# the cache file's JSON: json.dumps with these options, the encoder made once
_CACHE_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


# an outcome's cache entry and summary rows, made as it arrives (see _TableValidation.arrive)
_Prepared = tuple["bytes | None", "SummaryCells"]


class _CacheEntries:
    """The cache file's content, each outcome's entry encoded as it comes: the text is what
    ``json.dumps({key: entry, …})`` gives (a key that comes again keeps its place and takes
    the later entry, as in a dict)."""

    def __init__(self) -> None:
        self.encoded: dict[str, bytes] = {}  # key -> its '"key": {entry}', UTF-8

    def add(self, outcome: MineOutcome, encoded: bytes | None = None) -> None:
        """The outcome's entry (``encoded``: its :meth:`encode`, made already)."""
        if outcome.fingerprint:
            self.encoded[outcome.key] = self.encode(outcome) if encoded is None else encoded

    @staticmethod
    def encode(outcome: MineOutcome) -> bytes:
        """The outcome's ``"key": {entry}``, UTF-8."""
        encode = _CACHE_JSON.encode
        return f"{encode(outcome.key)}: {encode(_cache_entry(outcome))}".encode("utf-8")

    def data(self) -> bytes:
        """The file's bytes: :meth:`text`, UTF-8."""
        return b"{" + b", ".join(self.encoded.values()) + b"}"

    def text(self) -> str:
        return self.data().decode("utf-8")


def _write_cache(path: Path, entries: _CacheEntries) -> None:
    from .outputs import write_bytes_atomic

    write_bytes_atomic(path, entries.data(), force=True)


@contextlib.contextmanager
def _journal(out_dir: Path, enabled: bool) -> Iterator[Callable[[MineOutcome], None]]:
    """A function recording each finished mine in the journal (see the module's docstring),
    the file opened (so the folder is marked) before the first mine is built. Off for
    ``--validate-only``: nothing is written before the end, it is all quick to redo."""
    if not enabled:
        yield lambda outcome: None
        return
    from .outputs import write_failure

    path = out_dir / JOURNAL_FILE
    try:
        fh = path.open("a", encoding="utf-8")
    except OSError as e:
        raise write_failure(path, e) from e

    def record(outcome: MineOutcome) -> None:
        if outcome.fingerprint:
            try:
                fh.write(json.dumps(_cache_entry(outcome), ensure_ascii=False, default=str)
                         + "\n")
                fh.flush()
            except OSError as e:  # a full disk: said as such, not an internal error
                raise write_failure(path, e) from e

    try:
        yield record
    finally:
        with contextlib.suppress(OSError):  # what a full disk kept unwritten stays so
            fh.close()


SUMMARY_SHEETS = ("汇总", "问题清单")  # the summary's sheets: a row per mine, a row per finding
SUMMARY_HEADERS = ("序号", "输入", "矿山名称", "企业名称", "所在市", "所在县（市、区）", "处理结果",
                   "错误数", "警告数", "自查得分", "自查结论", "第三方评估得分", "评估结论",
                   "生成的文件", "说明")
FINDING_HEADERS = ("序号", "输入", "矿山名称", "代码", "级别", "位置", "问题", "处理建议")


class SummaryRows:
    """The rows of the summary workbook's two sheets (:func:`write_summary`), added an
    outcome at a time: one row per mine, one per finding."""

    LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

    def __init__(self) -> None:
        from .xlsx.write import RowsXml

        self.mines, self.findings = RowsXml(2, numbered=True), RowsXml(2, numbered=True)

    def add(self, o: MineOutcome, prepared: "SummaryCells | None" = None) -> None:
        """The outcome's rows (``prepared``: its :meth:`cells`, made already)."""
        mine, found = self.cells(o) if prepared is None else prepared
        self.mines.put(mine)
        for cells in found:
            self.findings.put(cells)
        if len(self.mines) == _LEAD_AFTER:
            self._lead()

    def _lead(self) -> None:
        """A long run's rows are deflated as they come from here on (:meth:`RowsXml.lead`),
        after the sheets' heads of the layout :func:`write_summary` takes (they do not depend on
        the number of rows): the summary is then written in a fraction of the time once the
        last mine is in. Not without the user's cache folder, where the layout would be saved
        by openpyxl once more."""
        from . import usercache
        from .xlsx.counted import counted_parts
        from .xlsx.write import sheet_heads

        if usercache.user_dir() is None:
            return
        layout = counted_parts("batch-summary", _summary_layout, (1, 1))
        heads = sheet_heads(layout, SUMMARY_SHEETS)
        self.mines.lead(heads[SUMMARY_SHEETS[0]])
        self.findings.lead(heads[SUMMARY_SHEETS[1]])

    def cells(self, o: MineOutcome) -> "SummaryCells":
        """The outcome's rows without their numbers (序号 and the row's): the same wherever
        they land, so made as the outcome comes, in any order (see :meth:`add`)."""
        from .findings import location_text

        note = o.message or ("沿用上次结果（输入未变化）" if o.reused else "")
        mine = self.mines.tails([o.key, o.mine, o.enterprise, o.city, o.county, o.status,
                                 o.errors, o.warnings, o.self_score, o.self_result, o.score,
                                 o.result, "；".join(o.files), note], 1)
        # each finding's row starts with the mine's 输入 and 矿山名称, in the same columns
        lead = [cell for cell in mine if cell[0] < 3]
        found = [[*lead, *self.findings.tails([f["code"],
                                               self.LABELS.get(f["severity"], f["severity"]),
                                               location_text(f.get("location", {})),
                                               f["message"], f.get("hint", "")], 3)]
                 for f in o.findings]
        return mine, found


_LEAD_AFTER = 1000  # mines in the summary before its rows are deflated as they come

# an outcome's summary rows without their numbers: the mine's cells, each finding's
SummaryCells = tuple[list[tuple[int, str]], list[list[tuple[int, str]]]]


def write_summary(result: BatchResult, path: Path, rows: SummaryRows | None = None) -> Path:
    """The summary workbook: one row per mine, and a sheet with every finding (``rows``:
    those of ``result.outcomes``, made already as they came).

    openpyxl lays out the two sheets (:func:`_summary_layout`; kept in the user's cache
    folder, see :mod:`~greenmine_docs.xlsx.counted`); the rows — tens of thousands for a
    10,000-mine run — are added as XML (:func:`~greenmine_docs.xlsx.write.with_rows`). Nothing
    in it is a formula: any text starting with ``=`` is stored as text."""
    from .outputs import write_bytes_atomic
    from .xlsx.counted import counted_parts
    from .xlsx.write import with_rows

    if rows is None:
        rows = SummaryRows()
        for o in result.outcomes:
            rows.add(o)
    layout = counted_parts("batch-summary", _summary_layout,
                           (len(rows.mines) + 1, len(rows.findings) + 1))
    added = dict(zip(SUMMARY_SHEETS, (rows.mines, rows.findings)))
    write_bytes_atomic(path, with_rows(layout, added), force=True)
    return path


def _summary_layout(lasts: Sequence[int]) -> bytes:
    """The summary workbook without its data rows, saved by openpyxl: header rows, widths,
    frozen header, filter (down to row ``lasts[i]`` of sheet ``i``) and print setup."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    from .xlsx.write import column_letter, new_workbook, save_workbook, set_widths

    wb = new_workbook(write_only=True)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheets = ((SUMMARY_SHEETS[0], SUMMARY_HEADERS,
               (6, 28, 36, 30, 10, 14, 12, 8, 8, 10, 10, 14, 10, 60, 30)),
              (SUMMARY_SHEETS[1], FINDING_HEADERS, (6, 28, 36, 10, 8, 40, 60, 40)))
    for (title, headers, widths), last in zip(sheets, lasts):
        sheet = wb.create_sheet(title)
        set_widths(sheet, widths)
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = 9  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        head = []
        for text in headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font, cell.fill, cell.alignment = head_font, head_fill, head_align
            head.append(cell)
        sheet.append(head)
        sheet.auto_filter.ref = f"A1:{column_letter(len(headers))}{last}"
    return save_workbook(wb)
