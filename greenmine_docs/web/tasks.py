"""The desk's jobs, run in worker processes: each calls one library function (the same the
command line calls), then records what it gave in the workspace index — findings, documents,
the draw — so any page, tab or reload sees the job's progress and result.

A job that fails on an unusable input (:class:`~greenmine_docs.errors.GreenmineError`) ends
with the same Chinese message the command line prints; anything else with a short internal
error message. Either way the server keeps running.
"""
from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any, Callable

from ..errors import GreenmineError
from .store import DONE, FAILED, FindingRow, Store


def execute(root: str, run_id: int) -> None:
    """Worker entry point: run the job ``run_id`` of the workspace at ``root``."""
    store = Store(Path(root))
    try:
        row = store.run(run_id)
        if row is None:
            return
        job = JOBS[row["kind"]]
        store.progress(run_id, 0, 1, "正在处理……")
        message, result = job(store, run_id, json.loads(row["options"]))
        store.finish(run_id, state=DONE, message=message, result=result)
    except GreenmineError as e:
        store.finish(run_id, state=FAILED, message=f"错误：{e}")
    except Exception as e:  # noqa: BLE001 — a job must end with a message, not a dead worker
        traceback.print_exc()
        store.finish(run_id, state=FAILED,
                     message=f"内部错误：{type(e).__name__}: {e}。请把此信息反馈给维护者。")
    finally:
        store.close()


def _rows(store: Store, report: Any, item: str = "", names: dict[str, str] | None = None
          ) -> list[FindingRow]:
    """A report's findings, in the order and with the locations ``validate`` prints — a file
    named as the user knows it (the uploaded name, or its path inside the uploaded zip) rather
    than where the workspace keeps it."""
    def shown(text: str) -> str:
        return _as_uploaded(text, store, names or {})

    return [FindingRow(f.severity.value, f.code, shown(f.message), shown(str(f.location)),
                       shown(f.hint), item) for f in report.sorted()]


def _as_uploaded(text: str, store: Store, names: dict[str, str]) -> str:
    for path, label in names.items():
        text = text.replace(path, label)
    prefix = f"{store.root / 'uploads'}/"
    while prefix in text:
        head, _, tail = text.partition(prefix)
        text = head + tail.partition("/")[2].removeprefix("files/")
    return text


def _names(options: dict[str, Any]) -> dict[str, str]:
    """The uploaded name of a single uploaded input (a zip's files keep their own names)."""
    label = options.get("label")
    return {options["input"]: label} if label else {}


def _record_mine(store: Store, run_id: int, run: Any) -> None:
    model = run.submission if run.model is not None else None
    if model is not None:
        store.set_mine(run_id, model.mine.name, model.enterprise.name)


Outcome = tuple[str, dict[str, Any]]


# -- enterprise ----------------------------------------------------------------------------------
def validate(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """Load and check the input as ``greenmine validate`` does; say which documents of the
    registry it can give and which findings stop each."""
    from .. import api
    from ..documents import DOCUMENTS

    run = api.check(api.load(Path(options["input"])))
    store.add_findings(run_id, _rows(store, run.report, names=_names(options)))
    _record_mine(store, run_id, run)
    docs = []
    if run.model is not None:
        for spec in DOCUMENTS:
            supported = spec.supports(run)
            docs.append({"key": spec.key, "title": spec.title, "formats": list(spec.formats),
                         "supported": supported,
                         "blocked": supported and bool(api.blockers(spec, run))})
    verdict = "通过" if run.report.valid else "未通过"
    return f"校验{verdict}。", {"documents": docs, "loaded": run.model is not None}


def build(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine build`` with the documents chosen on the page."""
    from .. import api

    out = store.run_dir(run_id)
    result = api.build(Path(options["input"]), out, only=options.get("only") or None,
                       pdf=bool(options.get("pdf")), force=True)
    store.add_findings(run_id, _rows(store, result.report, names=_names(options)))
    _record_mine(store, run_id, result.run)
    for path in result.written:
        store.add_document(run_id, path.name, path)
    stopped = "、".join(result.blocked)
    message = (f"已生成 {len(result.written)} 个文件。" if result.written else "没有生成文件。")
    if stopped:
        message += f"因错误未生成：{stopped}。"
    return message + "".join(result.notes), {"skipped": result.skipped}


# -- assessor ------------------------------------------------------------------------------------
def assess(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """Each filled score sheet read against the input (``greenmine scoresheet --read``), then
    the assessment report (``greenmine report``)."""
    from .. import api

    source = Path(options["input"])
    results = []
    sheets = options.get("sheets", [])
    for n, (sheet, label) in enumerate(sheets, start=1):
        store.progress(run_id, n - 1, len(sheets) + 1, f"正在读取打分表 {label}")
        read = api.read_scoresheet(source, Path(sheet))
        store.add_findings(run_id, _rows(store, read.report, label,
                                         {**_names(options), sheet: label}))
        results.append({"sheet": label, "valid": read.report.valid,
                        "summary": read.score.summary() if read.score else "未能计算结果。",
                        "reasons": list(read.score.reasons) if read.score else []})
    store.progress(run_id, len(sheets), len(sheets) + 1, "正在生成评估报告")
    out = store.run_dir(run_id)
    out.mkdir(parents=True, exist_ok=True)
    made = api.generate("report", source, out / "第三方评估报告.docx", force=True)
    store.add_findings(run_id, _rows(store, made.report, names=_names(options)))
    _record_mine(store, run_id, made.run)
    for path in made.written:
        store.add_document(run_id, path.name, path)
    message = "评估报告已生成。" if made.written else "评估报告因错误未生成。"
    return message, {"sheets": results}


# -- official ------------------------------------------------------------------------------------
def check_plans(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine check`` on every uploaded plan; each plan's HTML report kept."""
    from ..officials.check import check_documents, heading_map_html
    from ..outputs import write_text_atomic
    from ..report_format import render_html

    plans = options["plans"]
    out = store.run_dir(run_id)
    out.mkdir(parents=True, exist_ok=True)
    store.progress(run_id, 0, 1, f"正在检查 {len(plans)} 份方案")
    # all at once, as ``greenmine check`` does: among several, an unreadable plan gets a
    # report of its own (GM-E627) and the others are still checked
    reports = check_documents([Path(path) for path, _ in plans])
    rows = []
    for n, ((path, label), report) in enumerate(zip(plans, reports), start=1):
        report.source = label
        store.add_findings(run_id, _rows(store, report, label, {path: label}))
        page = out / f"检查报告-{n}.html"
        write_text_atomic(page, render_html([report], title=f"实施方案结构检查报告：{label}",
                                            extra=heading_map_html))
        doc_id = store.add_document(run_id, f"检查报告：{label}", page)
        rows.append({"plan": label, "valid": report.valid, "errors": len(report.errors),
                     "warnings": len(report.warnings), "report": doc_id})
    passed = sum(r["valid"] for r in rows)
    return f"共检查 {len(rows)} 份方案，{passed} 份通过。", {"plans": rows}


def sample(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine sample``: the draw, its files, and the draw recorded with seed and input hash."""
    from ..officials.sample_run import run_sample

    out = store.run_dir(run_id)
    out.mkdir(parents=True, exist_ok=True)
    outcome = run_sample(Path(options["list"]), out / "核查名单.xlsx",
                         docx_path=out / "核查名单.docx", ratio=options["ratio"],
                         seed=options.get("seed"), priorities=options.get("priorities") or None,
                         province=options.get("province", ""), force=True)
    result = outcome.result
    store.add_findings(run_id, _rows(store, result.report,
                                     names={options["list"]: options.get("label", "")}))
    if result.report.errors:
        return "名录有错误，未进行抽取，也未写出任何文件。", {}
    for path in outcome.written:
        store.add_document(run_id, path.name, path)
    store.add_draw(run_id, seed=result.seed, ratio=str(result.ratio), rules=result.rules_text(),
                   input_sha256=result.source_sha256, drawn=len(result.drawn))
    groups = [{"label": g.label, "listed": g.listed, "required": g.required,
               "drawn": len(g.drawn), "priority": g.n_drawn_priority} for g in result.groups]
    drawn = [{"group": g.label, "mine": d.mine.name, "reason": d.reason}
             for g, d in result.drawn]
    return (f"抽取比例 {result.ratio}，随机种子 {result.seed}，共抽取 {len(result.drawn)} 座。",
            {"groups": groups, "drawn": drawn, "seed": result.seed, "rules": result.rules_text(),
             "sha256": result.source_sha256})


def batch(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine batch`` over an unpacked zip of inputs, its progress in the index."""
    from ..batch import run_batch

    out = store.run_dir(run_id)
    state = {"total": 0, "done": 0}

    def start(total: int) -> None:
        state["total"] = total
        store.progress(run_id, 0, total, f"共 {total} 个输入")

    def done(outcome: Any) -> None:
        state["done"] += 1
        store.progress(run_id, state["done"], state["total"], f"{outcome.key}：{outcome.status}")

    result = run_batch(Path(options["src"]), out, jobs=1, on_start=start, on_done=done,
                       validate_only=bool(options.get("validate_only")), force=True)
    for o, report in zip(result.outcomes, result.reports()):
        store.add_findings(run_id, _rows(store, report, o.key))
    if result.summary is not None:
        store.add_document(run_id, result.summary.name, result.summary)
    for o in result.outcomes:  # each mine's documents, under its own folder of the output
        for name in o.files:
            store.add_document(run_id, name, out / name)
    counts = "，".join(f"{k} {v} 个" for k, v in result.counts.items())
    rows = [{"key": o.key, "mine": o.mine, "status": o.status, "errors": o.errors,
             "warnings": o.warnings} for o in result.outcomes]
    return f"共 {len(result.outcomes)} 个输入：{counts}。", {"mines": rows}


def verify_sheets(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine verify sheets``: a record workbook and a printable record per drawn mine."""
    from ..officials.verify.sheets import run_sheets

    written = run_sheets(Path(options["sample"]), store.run_dir(run_id) / "实地核查记录表",
                         round_path=Path(options["round"]), force=True)
    for path in written:
        store.add_document(run_id, path.name, path)
    return f"已生成 {len(written)} 份记录表（每座矿山一份 .xlsx 和一份 .docx）。", {}


def verify_close(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine verify read`` then ``close``: the findings and each mine's outcome, and,
    only when every drawn mine has a record without errors, the closing documents."""
    from ..officials.verify.close import run_close
    from ..officials.verify.summary import counts_text, outcome_rows

    done = run_close([Path(p) for p in options["records"]], store.run_dir(run_id),
                     round_path=Path(options["round"]), sample_path=Path(options["sample"]),
                     force=True)
    labels = dict(options.get("labels", {}))
    store.add_findings(run_id, _rows(store, done.result.report, names=labels))
    for path in done.written:
        store.add_document(run_id, path.name, path)
    rows = [{**row, "记录表": labels.get(str(r.record.path), row["记录表"])}
            for r, row in zip(done.result.results, outcome_rows(done.result))]
    message = counts_text(done.result) + "。"
    message += ("记录表有错误或尚未收齐，未生成结果文件。" if done.blocked
                else f"已生成 {len(done.written)} 个结果文件。")
    return message, {"outcomes": rows,
                     "missing": [m.name for m in done.result.missing]}


def verify_follow_up(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine verify follow-up``: the ledger read at a date — overdue items, the mines
    whose deadline passed with items open (removal candidates) — and, with the directory, the
    next year's directory marked for priority."""
    import datetime as dt

    from ..officials.verify.follow_up_out import run_follow_up

    out = store.run_dir(run_id)
    directory = options.get("directory")
    fu, written, marked = run_follow_up(
        Path(options["ledger"]), out / "整改跟踪情况.xlsx",
        as_of=dt.date.fromisoformat(options["as_of"]),
        directory=Path(directory) if directory else None,
        next_directory=out / "下一年度名录（已标注以往整改要求）.xlsx" if directory else None,
        force=True)
    store.add_findings(run_id, _rows(store, fu.report,
                                     names={options["ledger"]: options.get("label", "")}))
    for path in written:
        store.add_document(run_id, path.name, path)
    candidates = fu.candidates()
    message = (f"截至 {fu.as_of.isoformat()}：整改事项 {len(fu.rows)} 项，逾期未完成 "
               f"{len(fu.overdue)} 项；移出候选矿山 {len(candidates)} 座。")
    if directory:
        message += f"下一年度名录中 {marked} 座矿山已标记“以往整改要求”。"
    overdue = [{"mine": r.mine, "city": r.city, "item": r.item, "problem": r.problem,
                "deadline": r.deadline.isoformat() if r.deadline else "", "row": r.row}
               for r in fu.overdue]
    listed = [{"mine": m, "city": c, "open": k, "deadline": d.isoformat() if d else ""}
              for m, c, k, d in candidates]
    return message, {"overdue": overdue, "candidates": listed}


def verify_agencies(store: Store, run_id: int, options: dict[str, Any]) -> Outcome:
    """``greenmine verify agencies``: each agency's scores and conclusions against the on-site
    check, the report (DOCX) and its tables (XLSX)."""
    from ..officials.verify.agencies_out import HEADERS, rows, run_agencies

    name = store.run_dir(run_id) / "第三方评估机构评估质量监督情况"
    result, figures, written = run_agencies(
        options["records"], name.with_suffix(".docx"), also=(name.with_suffix(".xlsx"),),
        round_path=options["round"], sample_path=options["sample"],
        assessments=options["assessments"], force=True)
    store.add_findings(run_id, _rows(store, result.report, names=dict(options.get("labels", {}))))
    for path in written:
        store.add_document(run_id, path.name, path)
    listed = [f.agency for f in figures if f.crossed]
    message = (f"比对评估机构 {len(figures)} 家，达到通报阈值 {len(listed)} 家"
               + ("：" + "、".join(listed) if listed else "") + "。")
    return message, {"headers": list(HEADERS), "agencies": [{"row": row, "crossed": "；".join(f.crossed)}
                                  for f, row in zip(figures, rows(figures))]}


JOBS: dict[str, Callable[[Store, int, dict[str, Any]], Outcome]] = {
    "validate": validate, "build": build, "assess": assess, "check": check_plans,
    "sample": sample, "batch": batch, "verify-sheets": verify_sheets, "verify-close": verify_close,
    "verify-follow-up": verify_follow_up, "verify-agencies": verify_agencies,
}
