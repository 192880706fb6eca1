"""The desk's pages: each handler stores what was uploaded, starts one job or reads the index,
and renders a page. What a job does is the library's (:mod:`greenmine_docs.web.tasks`)."""
from __future__ import annotations

import io
import json
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError
from .desk import desk, posting
from .store import DONE, FAILED, STATE_TEXT
from .uploads import store_files, store_folder, store_input

PAGES = {"enterprise": "企业", "assessor": "评估机构", "official": "主管部门"}
SEVERITIES = (("error", "错误"), ("warning", "警告"), ("info", "提示"))
KIND_TEXT = {"validate": "校验", "build": "生成文档", "assess": "打分表与评估报告",
             "check": "检查实施方案", "sample": "抽取核查名单", "batch": "批量处理",
             "verify-sheets": "实地核查记录表", "verify-close": "实地核查结论",
             "verify-follow-up": "整改跟踪", "verify-agencies": "评估机构监督"}
PRIORITIES = (("open-pit", "露天开采"), ("reported", "被举报/信访"), ("rectification", "以往整改要求"))


def _files(data: Any, name: str) -> list[UploadFile]:
    return [f for f in data.getlist(name) if isinstance(f, UploadFile) and f.filename]


def _one(data: Any, name: str) -> UploadFile:
    found = _files(data, name)
    if not found:
        raise InputError("没有选择文件。", hint="请先选择要上传的文件。")
    return found[0]


def _start(request: Request, page: str, kind: str, upload_id: int | None,
           options: dict[str, Any], parent: int | None = None) -> RedirectResponse:
    the_desk = desk(request)
    run_id = the_desk.store.add_run(page, kind, upload_id=upload_id, parent_id=parent,
                                    options=options)
    the_desk.jobs.submit(run_id)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


# -- pages ---------------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    store = desk(request).store
    recent = {page: store.runs(page, 5) for page in PAGES}
    return desk(request).page(request, "home.html", pages=PAGES, recent=recent)


async def enterprise(request: Request) -> Response:
    store = desk(request).store
    return desk(request).page(request, "enterprise.html", runs=store.runs("enterprise"))


@posting
def enterprise_upload(request: Request, data: FormData) -> Response:
    """One input (a workbook, YAML, or a zip with its files), or a whole folder."""
    store = desk(request).store
    folder = _files(data, "folder")
    if folder:
        kept = store_folder(store, "input", [(f.filename or "", f.file) for f in folder])
    else:
        upload = _one(data, "input")
        kept = store_input(store, "input", upload.filename or "", upload.file)
    return _start(request, "enterprise", "validate", kept.upload_id,
                  {"input": str(kept.path), "label": kept.label})


def input_workbook(request: Request) -> Response:
    """The Excel input workbook (``greenmine excel-template``), made once per workspace (in a
    worker thread, as every handler that writes or reads files at length)."""
    from ..excel_input import write_template

    path = desk(request).store.root / "cache" / "绿色矿山申报输入.xlsx"
    if not path.is_file():
        write_template(path, force=True)
    return FileResponse(path, filename=path.name)


@posting
def build(request: Request, data: FormData) -> Response:
    run = _the_run(request)
    known = {d["key"] for d in json.loads(run["result"]).get("documents", [])}
    only = [key for key in data.getlist("only") if key in known]
    if not only:
        raise InputError("没有选择要生成的文档。", hint="请勾选至少一个文档。")
    options = {**json.loads(run["options"]), "only": only,
               "pdf": data.get("pdf") == "1"}
    return _start(request, "enterprise", "build", run["upload_id"], options, parent=run["id"])


async def assessor(request: Request) -> Response:
    return desk(request).page(request, "assessor.html", runs=desk(request).store.runs("assessor"))


@posting
def assessor_upload(request: Request, data: FormData) -> Response:
    store = desk(request).store
    upload = _one(data, "input")
    kept = store_input(store, "input", upload.filename or "", upload.file)
    sheets = _files(data, "sheets")
    stored = store_files(store, "scoresheet", [(f.filename or "", f.file) for f in sheets],
                         (".xlsx",), "打分表") if sheets else []
    options = {"input": str(kept.path), "label": kept.label,
               "sheets": [(str(s.path), f.filename) for s, f in zip(stored, sheets)]}
    return _start(request, "assessor", "assess", kept.upload_id, options)


async def official(request: Request) -> Response:
    store = desk(request).store
    return desk(request).page(request, "official.html", runs=store.runs("official"),
                              draws=store.draws(), priorities=PRIORITIES)


@posting
def official_check(request: Request, data: FormData) -> Response:
    plans = _files(data, "plans")
    stored = store_files(desk(request).store, "plans", [(f.filename or "", f.file) for f in plans],
                         (".docx", ".pdf"), "plan")
    options = {"plans": [(str(s.path), f.filename) for s, f in zip(stored, plans)]}
    return _start(request, "official", "check", stored[0].upload_id, options)


@posting
def official_sample(request: Request, data: FormData) -> Response:
    upload = _one(data, "list")
    kept = store_input(desk(request).store, "list", upload.filename or "", upload.file,
                       (".xlsx", ".csv"))
    seed = str(data.get("seed", "")).strip()
    try:  # as the command line's --seed reads it; a negative one the library refuses
        seed_value = int(seed, 10) if seed else None
    except ValueError:
        raise InputError(f"随机种子“{seed[:40]}”无效。", hint="随机种子应为非负整数，例如 20231001；"
                         "不填则随机选取并记录。") from None
    options = {"list": str(kept.path), "label": kept.label,
               "ratio": str(data.get("ratio", "0.2"))[:20],
               "seed": seed_value,
               "priorities": ",".join(k for k in data.getlist("priority")
                                      if k in dict(PRIORITIES)),
               "province": str(data.get("province", ""))[:40]}
    return _start(request, "official", "sample", kept.upload_id, options)


@posting
def official_batch(request: Request, data: FormData) -> Response:
    upload = _one(data, "inputs")
    kept = store_input(desk(request).store, "batch", upload.filename or "", upload.file,
                       (".zip", ".xlsx"), one_input=False)
    src = kept.path
    options = {"src": str(src), "validate_only": data.get("validate_only") == "1"}
    return _start(request, "official", "batch", kept.upload_id, options)


def _round_files(data: Any, store: Any) -> dict[str, str]:
    """The drawn sample (``核查名单.xlsx``) and the round file, kept for a verification job."""
    sample = _one(data, "sample")
    kept = store_input(store, "verify", sample.filename or "", sample.file, (".xlsx",))
    found = _files(data, "round")
    if not found:
        raise InputError("没有选择核查轮次文件（round.yaml）。",
                         hint="轮次文件写明省份、年度、核查单位和整改期限，"
                              "示例见 examples/verification-round/round.yaml。")
    rnd = store_input(store, "verify", found[0].filename or "", found[0].file, (".yaml", ".yml"))
    return {"sample": str(kept.path), "round": str(rnd.path), "upload": str(kept.upload_id)}


@posting
def official_verify_sheets(request: Request, data: FormData) -> Response:
    """The drawn sample → a record sheet per mine (``greenmine verify sheets``)."""
    files = _round_files(data, desk(request).store)
    return _start(request, "official", "verify-sheets", int(files.pop("upload")), files)


@posting
def official_verify_close(request: Request, data: FormData) -> Response:
    """Filled records (several workbooks, or one zip) with the sample and the round → the
    findings, each mine's outcome and the closing documents (``greenmine verify close``)."""
    upload_id, options = _round_with_records(data, desk(request).store)
    return _start(request, "official", "verify-close", upload_id, options)


@posting
def official_verify_agencies(request: Request, data: FormData) -> Response:
    """Filled records, the sample and the round with the agencies' assessment results → the
    supervision of the agencies (``greenmine verify agencies``)."""
    store = desk(request).store
    upload_id, options = _round_with_records(data, store)
    found = _files(data, "assessments")
    if not found:
        raise InputError("没有选择评估结果工作簿。",
                         hint="评估结果工作簿有“评估结论”和“评估得分”两个工作表，"
                              "示例见 examples/verification-round/评估结果.xlsx。")
    kept = store_input(store, "assessments", found[0].filename or "", found[0].file, (".xlsx",))
    options["assessments"] = str(kept.path)
    return _start(request, "official", "verify-agencies", upload_id, options)


def _round_with_records(data: Any, store: Any) -> tuple[int, dict[str, Any]]:
    """The sample, the round and the filled records (several workbooks, or one zip) kept for
    a job that reads the round: the sample's upload id and the job's options."""
    files = _round_files(data, store)
    upload_id = int(files.pop("upload"))
    records = _files(data, "records")
    if len(records) == 1 and (records[0].filename or "").lower().endswith(".zip"):
        kept = store_input(store, "records", records[0].filename or "", records[0].file, (".zip",),
                           one_input=False)
        # the zip's folders at every depth, as one would name them to ``verify read``
        folders = [kept.path, *sorted(p for p in kept.path.rglob("*") if p.is_dir())]
        return upload_id, {**files, "records": [str(p) for p in folders], "labels": {}}
    stored = store_files(store, "records", [(f.filename or "", f.file) for f in records],
                         (".xlsx",), "记录表")
    return upload_id, {**files, "records": [str(s.path) for s in stored],
                       "labels": {str(s.path): f.filename for s, f in zip(stored, records)}}


@posting
def official_verify_follow_up(request: Request, data: FormData) -> Response:
    """The rectification ledger at a date (and the directory, to mark for next year's draw)
    → the follow-up workbook (``greenmine verify follow-up``)."""
    import datetime as dt

    from ..clock import today

    store = desk(request).store
    ledger = _one(data, "ledger")
    kept = store_input(store, "ledger", ledger.filename or "", ledger.file, (".xlsx",))
    as_of = str(data.get("as_of", "")).strip()
    try:  # as the command line's --as-of reads it; empty is today
        day = dt.date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise InputError(f"统计截止日期“{as_of[:40]}”无效。",
                         hint="请写成 YYYY-MM-DD，例如 2024-02-20；不填则为今天。") from None
    options: dict[str, Any] = {"ledger": str(kept.path), "label": kept.label,
                               "as_of": day.isoformat()}
    directory = _files(data, "directory")
    if directory:
        options["directory"] = str(store_input(store, "list", directory[0].filename or "",
                                               directory[0].file, (".xlsx",)).path)
    return _start(request, "official", "verify-follow-up", kept.upload_id, options)


async def list_template(request: Request) -> Response:
    """The blank mine list for the draw (``greenmine sample --template``)."""
    from ..officials.sample_run import write_template

    path = desk(request).store.root / "cache" / "绿色矿山名录模板.xlsx"
    if not path.is_file():
        write_template(path, force=True)
    return FileResponse(path, filename=path.name)


# -- runs and files ------------------------------------------------------------------------------
def _the_run(request: Request) -> Any:
    run = desk(request).store.run(int(request.path_params["run_id"]))
    if run is None:
        raise InputError("没有这条处理记录。", hint="它可能属于另一个工作目录。")
    return run


async def run_page(request: Request) -> Response:
    run = _the_run(request)
    store = desk(request).store
    findings = store.findings(run["id"])
    groups = [(key, label, [f for f in findings if f["severity"] == key])
              for key, label in SEVERITIES]
    return desk(request).page(request, "run.html", run=run, groups=groups, pages=PAGES,
                              documents=store.documents(run["id"]),
                              result=json.loads(run["result"]), finished=run["state"] in
                              (DONE, FAILED), soffice=_has_soffice())


def _has_soffice() -> bool:
    from ..docx.pdf import find_soffice

    return find_soffice() is not None


async def run_status(request: Request) -> Response:
    run = _the_run(request)
    return JSONResponse({"state": run["state"], "text": STATE_TEXT[run["state"]],
                         "done": run["done"], "total": run["total"], "message": run["message"],
                         "finished": run["state"] in (DONE, FAILED)})


async def document(request: Request) -> Response:
    """A file the desk made, by id, from inside the workspace only. HTML reports open in the
    browser in a sandbox (no access to the desk's pages); everything else downloads."""
    store = desk(request).store
    row = store.document(int(request.path_params["doc_id"]))
    path = store.inside(row["path"]) if row is not None else None
    if row is None or path is None:
        raise InputError("没有这个文件。", hint="它可能已被删除，或属于另一个工作目录。")
    if path.suffix == ".html":
        return FileResponse(path, media_type="text/html; charset=utf-8", headers={
            "Content-Security-Policy": "sandbox allow-scripts; default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff"})
    return FileResponse(path, filename=path.name)


def run_zip(request: Request) -> Response:
    """Every file of a run in one zip (names as the library gave them; in a worker thread)."""
    from ..clock import StampedZip

    run = _the_run(request)
    store = desk(request).store
    buffer = io.BytesIO()
    with StampedZip(buffer, "w") as zf:
        for row in store.documents(run["id"]):
            path = store.inside(row["path"])
            if path is not None:
                zf.write(path, row["name"])
    name = f"文档-{run['id']}.zip"
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": f"attachment; filename=\"documents-{run['id']}.zip\"; "
        f"filename*=UTF-8''{_quote(name)}"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


ROUTES = [
    Route("/", home),
    Route("/enterprise", enterprise),
    Route("/enterprise", enterprise_upload, methods=["POST"]),
    Route("/enterprise/input.xlsx", input_workbook),
    Route("/assessor", assessor),
    Route("/assessor", assessor_upload, methods=["POST"]),
    Route("/official", official),
    Route("/official/check", official_check, methods=["POST"]),
    Route("/official/sample", official_sample, methods=["POST"]),
    Route("/official/batch", official_batch, methods=["POST"]),
    Route("/official/verify/sheets", official_verify_sheets, methods=["POST"]),
    Route("/official/verify/close", official_verify_close, methods=["POST"]),
    Route("/official/verify/agencies", official_verify_agencies, methods=["POST"]),
    Route("/official/verify/follow-up", official_verify_follow_up, methods=["POST"]),
    Route("/official/list-template.xlsx", list_template),
    Route("/runs/{run_id:int}", run_page),
    Route("/runs/{run_id:int}/status", run_status),
    Route("/runs/{run_id:int}/build", build, methods=["POST"]),
    Route("/runs/{run_id:int}/documents.zip", run_zip),
    Route("/files/{doc_id:int}", document),
]
