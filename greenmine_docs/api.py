"""The library's front door: load an input, validate it, build its documents.

Every CLI command and every test goes through these functions::

    from greenmine_docs.api import validate
    report = validate("mine.yaml")          # Report: .valid, .findings, .to_dict()
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .findings import Report

if TYPE_CHECKING:
    from .checks.context import CheckContext
    from .load.raw import RawInput
    from .model import Submission


@dataclass
class Loaded:
    """An input read and (if possible) validated against the model."""

    raw: "RawInput"
    submission: "Submission | None"
    report: Report

    @property
    def source(self) -> Path:
        return self.raw.source


def load(path: str | Path) -> Loaded:
    """Read YAML or Excel into the model. Raises :class:`~greenmine_docs.errors.InputError` when
    the file cannot be used at all; problems inside it are findings in ``.report``."""
    from .load import read_input

    raw = read_input(Path(path))
    return load_raw(raw)


def load_raw(raw: "RawInput") -> Loaded:
    """Validate already-read raw data (used for workbooks holding many mines)."""
    from pydantic import ValidationError

    from .checks.raw_rules import check_formats, check_placeholders
    from .load.model_errors import findings_from_validation
    from .load.raw import all_texts
    from .model import Submission

    from .sanitize import sanitize_raw

    report = Report(source=str(raw.source))
    report.extend(raw.findings)
    texts: list[str] | None = all_texts(raw.data)  # one walk for both whole-text scans
    cleaned = list(sanitize_raw(raw, texts))
    if cleaned:
        report.extend(cleaned)
        texts = None  # the data was rebuilt: read it again
    report.extend(check_formats(raw))
    report.extend(check_placeholders(raw, texts))
    submission = None
    try:
        submission = Submission.model_validate(raw.data)
    except ValidationError as e:
        report.extend(findings_from_validation(e, raw, Submission))
    return Loaded(raw=raw, submission=submission, report=report)


def reference_date(submission: "Submission | None", as_of: dt.date | None) -> dt.date:
    """``--as-of`` first, then the campaign's reference date, else today. An ``as_of`` the
    checks cannot count years back and forth from is refused (:class:`InputError`)."""
    if as_of is not None:
        from .errors import InputError
        from .model.bounds import day_problem

        if day_problem(as_of):
            raise InputError(f"基准日期：{day_problem(as_of)}。", hint="请指定实际的基准日期。")
        return as_of
    if submission is not None and submission.campaign.reference_date is not None:
        return submission.campaign.reference_date
    from .clock import today

    return today()


def run_checks(loaded: Loaded, as_of: dt.date | None = None, *,
               seed: dict[str, Any] | None = None) -> "CheckContext | None":
    """Run every model check (core and document sections) into ``loaded.report``.
    ``seed``: entries the check context's cache starts with (what an earlier mine of the same
    batch already worked out, e.g. the indicator set both name — see ``mines_validate``)."""
    from .checks.context import SECTION_CHECKS, CheckContext

    if loaded.submission is None:
        return None
    ctx = CheckContext(submission=loaded.submission, raw=loaded.raw,
                       as_of=reference_date(loaded.submission, as_of),
                       cache=dict(seed) if seed else {})
    loaded.report.meta["as_of"] = ctx.as_of.isoformat()
    for module in _section_checks(SECTION_CHECKS):
        loaded.report.extend(module.check(ctx))
    from .results import scores

    found = scores(ctx)
    if found:
        loaded.report.meta["scores"] = found  # for summaries (batch)
    return ctx


_SECTION_MODULES: dict[tuple[str, ...], list[Any]] = {}


def _section_checks(names: tuple[str, ...]) -> list[Any]:
    """The section check modules that exist, imported once (not again for every mine)."""
    modules = _SECTION_MODULES.get(names)
    if modules is None:
        modules = []
        for name in names:
            try:
                modules.append(import_module(name))
            except ModuleNotFoundError as e:
                if e.name is not None and name.startswith(e.name):
                    continue  # that section's checks are not written yet
                raise
        _SECTION_MODULES[names] = modules
    return modules


def validate(path: str | Path, as_of: dt.date | None = None, strict: bool = False) -> Report:
    """All findings about one input (completeness, formats, eligibility, consistency).
    A filled-in self-check record table (.xlsx written by ``greenmine selfcheck``) is
    recognised and checked cell by cell instead."""
    if Path(path).suffix.lower() in {".xlsx", ".xlsm"}:
        from .documents.selfcheck.reader import is_table, read_table

        if is_table(Path(path)):
            report = read_table(path).report
            report.strict = strict
            return report
    loaded = load(path)
    loaded.report.strict = strict
    run_checks(loaded, as_of)
    return loaded.report


@dataclass
class BuildResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    skipped: list[str] = field(default_factory=list)  # documents the input does not support
    notes: list[str] = field(default_factory=list)  # tables of contents, PDF fonts

    @property
    def ok(self) -> bool:
        return self.report.valid


def build(path: str | Path, out_dir: str | Path, *, as_of: dt.date | None = None,
          strict: bool = False, force: bool = False, only: Iterable[str] | None = None,
          pdf: bool = False) -> BuildResult:
    """Validate, then render every document the input supports (with ``pdf``, a PDF of each
    Word document too) and write them with a manifest. Nothing is written when validation
    fails or when any document fails to render."""
    return build_loaded(load(path), out_dir, as_of=as_of, strict=strict, force=force, only=only,
                        pdf=pdf)


def build_loaded(loaded: Loaded, out_dir: str | Path, *, as_of: dt.date | None = None,
                 strict: bool = False, force: bool = False, only: Iterable[str] | None = None,
                 pdf: bool = False) -> BuildResult:
    """:func:`build` for an input already loaded (a row of a mines workbook, say)."""
    from .docx.finish import finish_documents
    from .outputs import check_output_dir

    check_output_dir(Path(out_dir))  # a file or a device there: said before any work
    loaded.report.strict = strict
    ctx = run_checks(loaded, as_of)
    result = BuildResult(report=loaded.report)
    if ctx is None or not loaded.report.valid:
        return result
    finished = finish_documents(render_documents(ctx, only, skipped=result.skipped), pdf=pdf)
    result.notes = finished.notes
    return _write_build(result, finished.files, Path(out_dir), loaded, force=force)


def render_documents(ctx: "CheckContext", only: Iterable[str] | None = None,
                     skipped: list[str] | None = None) -> dict[str, bytes]:
    """Render (in memory) every registered document the input supports."""
    from .pipeline.spec import registered

    wanted = set(only) if only else None
    files: dict[str, bytes] = {}
    for spec in registered():
        if wanted is not None and spec.key not in wanted:
            continue
        if not spec.supports(ctx):
            if skipped is not None:
                skipped.append(spec.title)
            continue
        for name, data in spec.render(ctx).items():
            files[_unused_name(name, files)] = data  # two documents never share one name
    return files


def _unused_name(name: str, taken: dict[str, bytes]) -> str:
    """``name``, or ``stem-2.suffix`` … when another document already has it (a plan title
    chosen equal to the report's name, say)."""
    if name.lower() not in {n.lower() for n in taken}:
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot else (name, "")
    n = 2
    while f"{stem}-{n}{suffix}".lower() in {t.lower() for t in taken}:
        n += 1
    return f"{stem}-{n}{suffix}"


def _write_build(result: BuildResult, files: dict[str, bytes], out_dir: Path, loaded: Loaded,
                 *, force: bool) -> BuildResult:
    from . import __version__
    from .outputs import check_output, write_all_atomic

    from .safety.inputs import input_files

    source = loaded.source
    source_bytes = source.read_bytes() if source.is_file() else b""
    inputs = input_files(loaded.raw)  # the input and the files it names: never overwritten
    targets = {name: out_dir / name for name in files}
    manifest_path = out_dir / "manifest.json"
    for target in [*targets.values(), manifest_path]:  # refuse before writing anything
        check_output(target, force=force, inputs=inputs)
    entries = [{"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
               for name, data in files.items()]
    manifest = {
        "generator": f"greenmine-docs {__version__}",
        "input": {"file": str(source), "sha256": hashlib.sha256(source_bytes).hexdigest()},
        "as_of": result.report.meta.get("as_of"),
        "files": entries,
        "skipped": result.skipped,
        "report": result.report.to_dict(),
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2,
                                default=str).encode("utf-8")
    # every document and the manifest, or none of them (a disk that fills up half-way)
    write_all_atomic({**{targets[n]: data for n, data in files.items()},
                      manifest_path: manifest_bytes}, force=force, inputs=inputs)
    result.written.extend(targets.values())
    result.manifest = manifest_path
    return result
