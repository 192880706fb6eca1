"""The library's front door, and the one orchestrator: every command, ``batch`` and any future
front end make documents through here::

    from greenmine_docs import api
    report = api.validate("mine.yaml")                     # Report: .valid, .findings, .to_dict()
    result = api.build("mine.yaml", "out/")                # every document the input supports
    result = api.generate("plan", "mine.yaml", "实施方案.docx", pdf=True)   # one document

Each input goes through the same stages, in order: **load** (read YAML or Excel into the model:
:func:`load`), **score** (resolve the indicator set once and score the sections that have
scores), **check** (the core checks, then each document's own; :func:`check`), **decide** (each
document's declared blocking policy against the findings), **render** (every output in memory)
and **write** (atomically, never over a file the run read). What a run knows travels in one
:class:`~greenmine_docs.pipeline.Run`; what a document is, in its
:class:`~greenmine_docs.pipeline.DocumentSpec` (registry: :data:`greenmine_docs.documents.DOCUMENTS`).
No other module writes a document or decides whether one may be made.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import InputError, OutputError
from .findings import Finding, Location, Report, make
from .frozen import record
from .rawinput import RawInput
from .pipeline import (SECTION_TITLES, Blocking, DocumentSpec, Protected,
                       RenderOptions, Run, ZoneRun)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .docx.finish import Finished
    from .documents.selfcheck.reader import TableRead
    from .indicators.model import IndicatorSet
    from .model import Submission
    from .render.template_lint import DocType
    from .scoring import ScoreResult

Input = str | Path | RawInput
"""An input file (YAML or Excel), or one already read (a row of a mines table)."""

DEFAULT_SET = "national-2020-reference"  # a blank form made without any input


@record
class Result:
    """What :func:`build`, :func:`generate` or :func:`read_scoresheet` did.

    ``report``: the findings to show (the run's; for a sheet read back, the sheet's).
    ``blocked``: document key -> the findings that stopped it. ``skipped``: titles of the
    documents the input has no section for (``build``). ``score``: the engine's result for a
    form read back. ``notes``: things the user should know (in Chinese)."""

    run: Run
    report: Report
    written: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    skipped: list[str] = field(default_factory=list)
    blocked: dict[str, list[Finding]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    score: ScoreResult | None = None

    @property
    def ok(self) -> bool:
        """No error findings (and, with ``--strict``, no warnings)."""
        return self.report.valid


class IndicatorSets:
    """Resolves the indicator set for a series of runs: the rows of a mines table name the same
    set, relative to the same folder, so a set that resolved without findings is resolved once
    rather than for every row. One per series (never module-level)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, Path, bool], IndicatorSet] = {}

    def resolve(self, ref: str, base: Path, where: Location, *, confined: bool = False
                ) -> tuple[IndicatorSet | None, list[Finding]]:
        """``confined``: a file the input names must lie inside its folder (or an allowed
        one); a set given on the command line need not."""
        hit = self._known.get((ref, base, confined))
        if hit is not None:
            return hit, []
        from .indicators import try_resolve

        iset, findings = try_resolve(ref, base, where=where, confined=confined)
        if iset is not None and not findings:
            self._known[(ref, base, confined)] = iset
        return iset, findings


# -- the stages ---------------------------------------------------------------------------------
def reference_date(submission: Submission | None, as_of: dt.date | None) -> dt.date:
    """``--as-of`` first, then the campaign's reference date, else today. An ``as_of`` the
    checks cannot count years back and forth from is refused (:class:`InputError`)."""
    if as_of is not None:
        from .model.bounds import day_problem

        if day_problem(as_of):
            raise InputError(f"基准日期：{day_problem(as_of)}。", hint="请指定实际的基准日期。")
        return as_of
    if submission is not None and submission.campaign.reference_date is not None:
        return submission.campaign.reference_date
    from .clock import today

    return today()


def load(source: Input, *, as_of: dt.date | None = None, kept_parse: bool = True) -> Run:
    """Load: read YAML or Excel (or take a row already read) into the model. Raises
    :class:`~greenmine_docs.errors.InputError` when the file cannot be used at all; problems
    inside it are findings in ``run.report`` (``run.model`` is ``None`` when it does not fit the
    model). ``kept_parse``: a YAML file's parse is kept in the user's cache folder for the next
    process (:mod:`~greenmine_docs.load.yaml_kept`)."""
    from .load import load_model, read_input

    raw = source if isinstance(source, RawInput) else read_input(Path(source), kept=kept_parse)
    model, report = load_model(raw)
    return Run(raw=raw, report=report, as_of=reference_date(model, as_of), model=model,
               protected=Protected(raw))


def score(run: Run, *, set_ref: str | None = None, sets: IndicatorSets | None = None) -> Run:
    """Score: resolve the indicator set once (:func:`resolve_set`) and let each document score
    its section (``run.scores``), for every check and document that needs the scores."""
    resolve_set(run, set_ref=set_ref, sets=sets)
    if run.model is not None and run.indicator_set is not None:
        from .documents import DOCUMENTS

        for spec in DOCUMENTS:
            if spec.score is not None:
                spec.score(run)
    return run


def resolve_set(run: Run, *, set_ref: str | None = None, sets: IndicatorSets | None = None
                ) -> IndicatorSet | None:
    """The run's indicator set: ``set_ref`` (``--set``), else the input's
    ``campaign.indicator_set`` (else, without any input, the national reference set). An
    unusable set is reported here, once, for every document (GM-E30x)."""
    ref, where, confined = set_ref, Location(), False
    if not ref and run.model is not None:  # named by the input: confined like its other files
        ref, where = run.model.campaign.indicator_set, run.at("campaign", "indicator_set")
        confined = True
    if not ref and run.raw is None:
        ref = DEFAULT_SET
    if not ref:
        return None
    run.indicator_ref = ref
    iset, findings = (sets or IndicatorSets()).resolve(ref, run.base_dir, where,
                                                        confined=confined)
    run.indicator_set, run.set_findings = iset, findings
    run.report.extend(findings)
    if iset is not None:
        if not iset.official:
            run.report.add(make("GM-I307", f"评价指标体系“{iset.display_title}”为参考版本，"
                                "非主管部门正式发布。", location=where))
        if not iset.source_path.startswith("builtin:"):
            run.protected.add(iset.source_path)  # a set file is read: never replaced
    return iset


def check(run: Run, *, strict: bool = False, set_ref: str | None = None,
          sets: IndicatorSets | None = None) -> Run:
    """Score (see :func:`score`), then check: the core checks, the checks across documents
    and every document's own, in the registry's order, into ``run.report`` — whatever document is being made, so every
    command sees the findings ``validate`` shows."""
    run.report.strict = strict
    score(run, set_ref=set_ref, sets=sets)
    if run.model is None:
        return run
    from .checks import CORE
    from .crossdoc import CHECKS as ACROSS
    from .documents import DOCUMENTS

    run.report.meta["as_of"] = run.as_of.isoformat()
    for check_one in (*CORE, *ACROSS, *(c for spec in DOCUMENTS for c in spec.checks)):
        run.report.extend(check_one(run))
    from .results import scores

    found = scores(run)
    if found:
        run.report.meta["scores"] = found  # for summaries of many inputs (batch)
    return run


def blockers(spec: DocumentSpec, run: Run, options: RenderOptions | None = None
             ) -> list[Finding]:
    """Decide: the findings that stop ``spec`` for this run (its declared policy; an input
    that did not load into the model stops every document)."""
    if run.model is None and run.raw is not None:
        return run.report.errors
    return spec.blocking(options or RenderOptions()).blockers(run.report)


def _write(run: Run | ZoneRun, files: dict[Path, bytes], *, force: bool) -> list[Path]:
    """Write: refuse before writing anything (an existing file without ``force``, any file the
    run read, ``force`` or not), then write every file or none (a disk that fills up half-way
    leaves the previous outputs, not a mix of new and old)."""
    from .outputs import check_output, write_all_atomic

    for path in files:
        check_output(path, force=force, inputs=run.protected)
    return write_all_atomic(files, force=force, inputs=run.protected)


# -- validate ----------------------------------------------------------------------------------
def validate(source: Input, *, as_of: dt.date | None = None, strict: bool = False,
             output: str | Path | None = None, fmt: str = "text",
             title: str = "绿色矿山申报材料校验报告", force: bool = False) -> Report:
    """All findings about one input (completeness, formats, eligibility, consistency, every
    document's checks). A filled-in self-check record table (.xlsx written by ``greenmine
    selfcheck``) is recognised and checked cell by cell instead. With ``output``, the report is
    also written there (``fmt``: text, json or html)."""
    from .outputs import check_output, write_text_atomic

    if output is not None:  # refused before the work, not after it
        check_output(Path(output), force=force,
                     inputs=[] if isinstance(source, RawInput) else [Path(source)])
    table = _filled_table(source)
    if table is not None:
        report, protected = table.report, [table.source]
        report.strict = strict
    else:
        run = check(load(source, as_of=as_of), strict=strict)
        report, protected = run.report, list(run.protected)
    if output is not None:
        from .report_format import render_report

        write_text_atomic(Path(output), render_report(report, fmt, title), force=force,
                          inputs=protected)
    return report


def _filled_table(source: Input) -> TableRead | None:
    if isinstance(source, RawInput) or Path(source).suffix.lower() not in {".xlsx", ".xlsm"}:
        return None
    from .documents.selfcheck.reader import is_table, read_table

    return read_table(source) if is_table(Path(source)) else None


# -- build -------------------------------------------------------------------------------------
def build(source: Input | Run, out_dir: str | Path, *, as_of: dt.date | None = None,
          strict: bool = False, force: bool = False, only: Iterable[str] | None = None,
          pdf: bool = False, toc_pages: bool = False, sets: IndicatorSets | None = None
          ) -> Result:
    """Check the input, then render every document it supports that its findings do not stop
    (``only``: those keys; ``pdf``: a PDF beside each Word document; ``toc_pages``: page
    numbers in the tables of contents from LibreOffice's layout, which ``pdf`` implies), and
    write them with a manifest. A document LibreOffice fails on gets no PDF and a finding
    (GM-E693); the others are written. Nothing is written when no document can be made from
    an input with errors, or when any document fails to render. ``source`` may be a run :func:`load` gave (not yet
    checked; ``as_of`` was given there)."""
    from .documents import DOCUMENTS, get

    wanted = [get(key) for key in only] if only else list(DOCUMENTS)
    wanted = [spec for spec in DOCUMENTS if spec in wanted]  # the registry's order
    from .outputs import check_output_dir

    run = source if isinstance(source, Run) else load(source, as_of=as_of)
    check_output_dir(Path(out_dir))  # a file or a device there: said before any work
    check(run, strict=strict, sets=sets)
    result = Result(run=run, report=run.report)
    if run.model is None:  # not a mine's input: which documents it could give is unknown
        return result
    files: dict[str, bytes] = {}
    with _tocs_when_packaged(pdf, toc_pages):
        for spec in wanted:
            if not spec.supports(run):
                result.skipped.append(spec.title)
                continue
            stopping = blockers(spec, run)
            if stopping:
                result.blocked[spec.key] = stopping
                continue
            for fmt in spec.formats:
                name = _unused_name(f"{spec.file_stem(run)}.{fmt}", files)
                files[name] = spec.render(run, fmt, RenderOptions())
    if files or run.report.valid:
        finished = _finish(run, files, pdf=pdf, toc_pages=toc_pages)
        result.notes = finished.notes
        _write_build(result, finished.files, Path(out_dir), force=force)
    return result


def _finish(run: Run | ZoneRun, files: dict[str, bytes], *, pdf: bool, toc_pages: bool = False
             ) -> Finished:
    """The last step of rendering Word documents: tables of contents written out, and PDFs;
    a document LibreOffice failed on is reported as a finding of the run."""
    from .docx.finish import finish_documents

    finished = finish_documents(files, pdf=pdf, toc_pages=toc_pages)
    for name, failure in finished.failed.items():
        run.report.add(make("GM-E693", f"{name}：{failure.message}",
                            location=Location(file=name), hint=failure.hint))
    return finished


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


def _write_build(result: Result, files: dict[str, bytes], out_dir: Path, *, force: bool) -> None:
    """The documents and ``manifest.json`` (what was written, from which input, what was
    skipped or stopped, and every finding)."""
    from . import __version__

    run = result.run
    source = run.source
    source_bytes = source.read_bytes() if source is not None and source.is_file() else b""
    manifest = {
        "generator": f"greenmine-docs {__version__}",
        "input": {"file": str(source), "sha256": hashlib.sha256(source_bytes).hexdigest()},
        "as_of": result.report.meta.get("as_of"),
        "files": [{"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in files.items()],
        "skipped": result.skipped,
        **({"blocked": [{"document": key, "codes": sorted({f.code for f in found})}
                        for key, found in result.blocked.items()]} if result.blocked else {}),
        "report": result.report.to_dict(),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    paths = {out_dir / name: data for name, data in files.items()}
    paths[out_dir / "manifest.json"] = text.encode("utf-8")
    written = _write(run, paths, force=force)
    result.written, result.manifest = written[:-1], written[-1]


# -- one document --------------------------------------------------------------------------------
def generate(kind: str, source: Input | None, output: str | Path, *,
             as_of: dt.date | None = None, strict: bool = False, force: bool = False,
             template: str | Path | None = None, pdf: bool = False, blank: bool = False,
             set_ref: str | None = None, experts: int = 0, toc_pages: bool = False
             ) -> Result:
    """One document (``kind``: a key of :data:`~greenmine_docs.documents.DOCUMENTS`) written to
    ``output``, whose suffix picks the format; ``pdf`` adds a PDF beside a DOCX (LibreOffice);
    ``toc_pages``: page numbers in its table of contents (LibreOffice; implied by ``pdf``).
    ``template``: the user's DOCX template; ``blank``: a blank form (``source`` may then be
    ``None``); ``set_ref``: another indicator set than the input's. The same stages and the
    same blocking policy as :func:`build`. ``experts``: the score sheet's experts (one
    sheet each and one averaging them)."""
    from .documents import get

    spec = get(kind)
    output = Path(output)
    fmt = _format(spec, output)
    options = RenderOptions(template=Path(template) if template else None, blank=blank,
                            experts=experts)
    _prepare(spec, fmt, output, options, source=source, pdf=pdf or toc_pages, force=force,
             set_ref=set_ref, pdf_file=pdf)
    run = _no_input(as_of) if source is None else load(source, as_of=as_of)
    run.protected.add(options.template or spec.template_path())
    check(run, strict=strict, set_ref=set_ref)
    result = Result(run=run, report=run.report)
    if run.model is not None and not spec.supports(run) and not options.blank:
        if spec.blank != "when_missing":
            raise _missing(spec, run)
        options = replace(options, blank=True)
    stopping = blockers(spec, run, options)
    if stopping:
        result.blocked[spec.key] = stopping
        return result
    with _tocs_when_packaged(pdf, toc_pages):
        rendered = spec.render(run, fmt, options)
    finished = _finish(run, {output.name: rendered}, pdf=pdf, toc_pages=toc_pages)
    result.notes = finished.notes
    result.written = _write(run, {output.with_name(name): data
                                  for name, data in finished.files.items()}, force=force)
    return result


def _tocs_when_packaged(pdf: bool, toc_pages: bool) -> AbstractContextManager[None]:
    """Rendering in which, without LibreOffice's layout (no page numbers to wait for), each
    package's tables of contents get their headings as it is written, not in a second pass
    over the finished package (:func:`~greenmine_docs.docx.toc.headings_when_packaged`)."""
    from .docx.toc import headings_when_packaged

    return headings_when_packaged(not (pdf or toc_pages))


def _format(spec: DocumentSpec, output: Path) -> str:
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in spec.formats:
        names = " 或 ".join(f".{f}" for f in spec.formats)
        raise OutputError(f"输出文件 {output} 的扩展名应为 {names}。",
                          hint=f"例如 -o {spec.title}.{spec.formats[0]}。")
    return fmt


def _prepare(spec: DocumentSpec, fmt: str, output: Path, options: RenderOptions, *,
             source: Input | None, pdf: bool, force: bool, set_ref: str | None,
             pdf_file: bool = True) -> None:
    """What can be refused before any work: options the document does not take, outputs that
    exist or would replace a file the run reads, a missing LibreOffice, a broken template.
    ``pdf``: LibreOffice is needed (a PDF or TOC page numbers); ``pdf_file``: a PDF is made."""
    from .outputs import check_output

    if options.template is not None and spec.template is None:
        raise InputError(f"{spec.title}不使用 Word 模板，不能指定 --template。")
    if options.blank and spec.blank == "never":
        raise InputError(f"{spec.title}没有空白表，不能加 --blank。")
    if source is None and not options.blank:
        raise InputError(f"生成{spec.title}需要输入文件。",
                         hint="指定输入文件" + ("，或加 --blank 生成空白表" if spec.blank != "never"
                                           else "") + "。")
    if pdf and fmt != "docx":
        raise InputError("只有 Word 文档（.docx）可以同时转换为 PDF。")
    targets = [output, output.with_suffix(".pdf")] if pdf and pdf_file else [output]
    read = [p for p in (None if isinstance(source, RawInput) else source, options.template,
                        set_ref) if p is not None]
    for target in targets:
        check_output(target, force=force, inputs=[Path(p) for p in read])
    if pdf:
        from .docx.pdf import find_soffice, missing_soffice

        if find_soffice() is None:  # said before spending time on the document
            raise missing_soffice()
    if options.template is not None:
        from .render.tpl import open_template

        open_template(options.template)  # a broken template is reported before anything else


def _no_input(as_of: dt.date | None) -> Run:
    """The run of a blank form made without any input."""
    return Run(raw=None, report=Report(source=None), as_of=reference_date(None, as_of))


def _missing(spec: DocumentSpec, run: Run) -> InputError:
    """The input has no section ``spec`` is made from."""
    missing = [s for s in spec.needs if getattr(run.submission, s) is None]
    what = "、".join(f"{SECTION_TITLES[s]}（{s} 部分）" for s in missing)
    hint = f"参照 greenmine init 生成的示例 mine.yaml 补充 {'、'.join(missing)} 部分"
    if spec.blank == "on_request":
        hint += "，或加 --blank 生成预填矿山信息的空白表"
    return InputError(f"输入文件 {run.source} 中没有{what}，无法生成{spec.title}。", hint=hint + "。")


# -- forms read back ---------------------------------------------------------------------------
def read_scoresheet(source: Input, sheet: str | Path | list[str | Path], *,
                    as_of: dt.date | None = None) -> Result:
    """Filled score sheets (one, one per expert, or a ``--experts`` workbook) read against the
    mine and indicator set of ``source``: findings located in the sheets (``result.report``)
    and the engine's result for the (mean) scores (``result.score``)."""
    from .documents.assessment.document import read_filled

    run = load(source, as_of=as_of)
    sheets = [Path(p) for p in (sheet if isinstance(sheet, list) else [sheet])]
    result = Result(run=run, report=Report(source="、".join(map(str, sheets))))
    if run.model is None:
        result.report.extend(run.report.findings)
        result.blocked["scoresheet"] = run.report.errors
        return result
    resolve_set(run)
    result.report, result.score = read_filled(run, sheets)
    if result.score is None:
        result.blocked["scoresheet"] = run.set_findings
    return result


def read_table(path: str | Path, *, set_ref: str | None = None, strict: bool = False,
               output: str | Path | None = None, force: bool = False) -> TableRead:
    """A filled self-check table read back (findings located by cell, the engine's result);
    with ``output``, its ``self_check:`` section is written there as YAML to paste into the
    input (not when the table could not be read: ``table.self_check`` is then ``None``)."""
    from .documents.selfcheck.reader import read_table as read, section_yaml
    from .outputs import write_text_atomic

    table = read(path, set_ref=set_ref)
    table.report.strict = strict
    if output is not None and table.self_check is not None:
        write_text_atomic(Path(output), section_yaml(table), force=force, inputs=[Path(path)])
    return table


# -- templates -----------------------------------------------------------------------------------
def template_types() -> dict[str, DocType]:
    """The documents made from a DOCX template (``--template``), by key."""
    from .documents import DOCUMENTS
    from .render.template_lint import DocType

    return {spec.key: DocType(spec.key, spec.title, spec.template[0])
            for spec in (*DOCUMENTS, _ZONE_SPEC) if spec.template is not None}


def lint_template(path: str | Path, doc_type: str = "auto") -> Report:
    """``greenmine templates lint``: every problem of a user's template, located; ``doc_type``
    is a key of :func:`template_types`, or ``auto`` (guessed from the variables it uses)."""
    from .render.template_lint import lint_for_cli

    types = template_types()
    if doc_type != "auto" and doc_type not in types:
        raise InputError(f"没有使用 Word 模板的文档“{doc_type}”。",
                         hint="可用：auto、" + "、".join(types) + "。")
    return lint_for_cli(Path(path), types, doc_type)


# -- demonstration zones ---------------------------------------------------------------------------
@record
class ZoneResult:
    """What :func:`zone_plan` did: the zone run (its mines' runs inside), the zone's findings,
    the files written, and whether errors stopped the plan (``blocked``)."""

    zone: ZoneRun
    report: Report
    written: list[Path] = field(default_factory=list)
    blocked: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_zone(source: str | Path, *, as_of: dt.date | None = None) -> ZoneRun:
    """Load a zone file and every mine it lists, each mine through the ordinary stages (load,
    score, check: the six selection conditions are decided as for one mine). A mine file that
    cannot be used is kept with the reason — the zone plan lists it, it does not stop. Raises
    :class:`InputError` only when the zone file itself cannot be read."""
    from pydantic import ValidationError

    from .load.model_errors import findings_from_validation
    from .load.paths import resolve_inside
    from .load.yaml_input import read_yaml
    from .model.zone import ZonePlanInput
    from .pipeline import ZoneMine

    path = Path(source)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"示范区文件 {path} 应为 YAML 文件（.yaml/.yml）。",
                         hint="用 greenmine init --zone 目录 写出一个示例示范区后修改。")
    raw = read_yaml(path)
    report = Report(source=str(path))
    report.extend(raw.findings)
    zone = None
    try:
        zone = ZonePlanInput.model_validate(raw.data)
    except ValidationError as e:
        report.extend(findings_from_validation(e, raw, ZonePlanInput))
    zone_run = ZoneRun(raw=raw, report=report, as_of=as_of or _zone_day(zone), model=zone,
                       protected=Protected(None))
    zone_run.protected.add(path)
    for i, listed in enumerate(zone.mines if zone is not None else ()):
        entry = ZoneMine(listed=listed, index=i)
        try:
            mine_path = resolve_inside(zone_run.base_dir, listed, zone_run.at("mines", i))
            zone_run.protected.add(mine_path)
            run = check(load(mine_path, as_of=as_of))
        except InputError as e:
            entry.error = e.message
        else:
            entry.run = run
            if run.model is None:
                first = run.report.errors[0] if run.report.errors else None
                where = f"（第{first.location.line}行）" if first and first.location.line else ""
                entry.error = "输入不符合格式要求" + (f"：{first.message}{where}" if first else "。")
        zone_run.mines.append(entry)
    return zone_run


def _zone_day(zone: object) -> dt.date:
    from .clock import today

    return getattr(zone, "date", None) or today()


def check_zone(zone_run: ZoneRun, *, strict: bool = False) -> ZoneRun:
    """The zone's own checks (the mines were checked when loaded)."""
    from .documents.zone.document import CHECKS

    zone_run.report.strict = strict
    if zone_run.model is not None:
        for rule in CHECKS:
            zone_run.report.extend(rule(zone_run))
    return zone_run


def zone_plan(source: str | Path, output: str | Path, *, as_of: dt.date | None = None,
              strict: bool = False, force: bool = False, template: str | Path | None = None,
              pdf: bool = False, toc_pages: bool = False) -> ZoneResult:
    """The demonstration-zone plan (``greenmine zone-plan``): the zone and its mines loaded and
    checked, then the plan rendered and written — unless the zone's own errors (or, with
    ``strict``, warnings) stop it. Nothing is written over the zone file, a mine file or the
    template."""
    from .documents.zone.document import render

    output = Path(output)
    if output.suffix.lower() != ".docx":
        raise InputError(f"示范区建设方案只能输出为 Word 文档（.docx），不能是 {output.name}。")
    _prepare(_ZONE_SPEC, "docx", output, RenderOptions(template=Path(template) if template else None),
             source=Path(source), pdf=pdf or toc_pages, force=force, set_ref=None, pdf_file=pdf)
    zone_run = check_zone(load_zone(source, as_of=as_of), strict=strict)
    if template is not None:
        zone_run.protected.add(Path(template))
    result = ZoneResult(zone=zone_run, report=zone_run.report)
    result.blocked = _ZONE_SPEC.blocks_on.blockers(zone_run.report)
    if result.blocked or zone_run.model is None:
        return result
    finished = _finish(zone_run, {output.name: render(zone_run, Path(template) if template
                                                      else None)}, pdf=pdf, toc_pages=toc_pages)
    result.notes = finished.notes
    result.written = _write(zone_run, {output.with_name(name): data
                                       for name, data in finished.files.items()}, force=force)
    return result


_ZONE_SPEC = DocumentSpec(key="zone", title="绿色矿业发展示范区建设方案", needs=(),
                          blocks_on=Blocking(None, "示范区文件的任何错误"), formats=("docx",),
                          render=lambda run, fmt, options: b"", file_stem=lambda run: "",
                          template=("zone_plan", "zone-template.docx"))
"""The zone plan described the way :func:`_prepare` refuses options before any work; the zone is
not a mine's document, so it is not in the registry (``build`` of a mine never makes it)."""
