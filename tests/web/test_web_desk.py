"""The web desk through Starlette's test client: every page, every upload path, the jobs run
in worker processes, and what they made opened and read."""
from __future__ import annotations

import io
import re
import sqlite3
import zipfile

import openpyxl
import pytest
from docx import Document

from .conftest import EXAMPLE_DIR, example_zip


@pytest.mark.parametrize("page, text", [
    ("/", "最近的处理"), ("/enterprise", "下载 Excel 输入工作簿"),
    ("/assessor", "已填写的打分表"), ("/official", "抽取实地核查名单")])
def test_pages_render_in_chinese_with_a_form_token(desk, page, text):
    response = desk.client.get(page)
    assert response.status_code == 200
    assert text in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    if page != "/":
        assert 'name="csrf"' in response.text


def test_input_workbook_downloads_and_opens(desk):
    response = desk.client.get("/enterprise/input.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "矿山信息" in book.sheetnames


def test_zip_of_the_example_validates_then_builds_every_document(desk):
    run_id = desk.start("/enterprise", [("input", ("青岚山矿.zip", example_zip()))])
    assert desk.wait(run_id)["state"] == "done"
    page = desk.page(run_id)
    assert "山西青岚建材有限公司青岚山水泥用灰岩矿" in page and "校验通过" in page
    # the locations as validate prints them, relative to the zip, never the workspace
    assert "青岚山矿/mine.yaml:16:18 [campaign.indicator_set]" in page
    assert str(desk.workspace) not in page
    # the registry's documents are offered, the supported ones ticked
    keys = re.findall(r'name="only" value="([a-z_]+)" checked', page)
    assert keys == ["plan", "selfcheck", "selfeval", "report", "scoresheet"]
    response = desk.post(f"/runs/{run_id}/build", data={"only": ["plan", "selfcheck"]})
    assert response.status_code == 303
    built = int(response.headers["location"].rsplit("/", 1)[1])
    assert desk.wait(built)["state"] == "done"
    page = desk.page(built)
    links = dict((name, int(i)) for i, name in
                 re.findall(r'<a href="/files/(\d+)" download>([^<]+)</a>', page))
    plan = next(name for name in links if name.endswith(".docx") and "实施方案" in name)
    doc = Document(io.BytesIO(desk.client.get(f"/files/{links[plan]}").content))
    assert any("青岚山" in p.text for p in doc.paragraphs)
    table = next(name for name in links if name.endswith(".xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(desk.client.get(f"/files/{links[table]}").content))
    assert book.sheetnames
    bundle = zipfile.ZipFile(io.BytesIO(desk.client.get(f"/runs/{built}/documents.zip").content))
    assert set(bundle.namelist()) == set(links)
    # a second visit (another tab) sees the same history
    history = desk.client.get("/enterprise").text
    assert f"/runs/{run_id}" in history and f"/runs/{built}" in history


def test_workbook_upload_locates_findings_by_sheet_and_cell(desk, tmp_path):
    from greenmine_docs.convert import convert

    book = tmp_path / "输入.xlsx"
    convert(EXAMPLE_DIR / "mine.yaml", book)
    wb = openpyxl.load_workbook(book)
    sheet = wb["矿山信息"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "青岚山水泥用灰岩矿"
                or (isinstance(c.value, str) and c.value.endswith("青岚山水泥用灰岩矿")))
    cell.value = None  # the mine's name left empty
    wb.save(book)
    run_id = desk.start("/enterprise", [("input", ("我的输入.xlsx", book.read_bytes()))])
    desk.wait(run_id)
    page = desk.page(run_id)
    assert f"我的输入.xlsx 矿山信息!{cell.coordinate}" in page
    assert "【错误】" in page and "input.xlsx" not in page


def test_yaml_with_errors_offers_no_blocked_document(desk):
    text = (EXAMPLE_DIR / "mine.yaml").read_text(encoding="utf-8")
    broken = text.replace("credit_code:", "credit_code_x:", 1)
    run_id = desk.start("/enterprise", [("input", ("mine.yaml", broken.encode()))])
    assert desk.wait(run_id)["state"] == "done"
    page = desk.page(run_id)
    assert "校验未通过" in page and "mine.yaml:" in page
    assert 'value="plan" checked' not in page


def test_history_is_in_the_index(desk):
    run_id = desk.start("/enterprise", [("input", ("青岚山矿.zip", example_zip()))])
    desk.wait(run_id)
    db = sqlite3.connect(desk.workspace / "desk.sqlite3")
    mine, = db.execute("SELECT mines.name FROM runs JOIN mines ON mines.id=runs.mine_id "
                       "WHERE runs.id=?", (run_id,)).fetchone()
    assert mine == "山西青岚建材有限公司青岚山水泥用灰岩矿"
    assert db.execute("SELECT COUNT(*) FROM findings WHERE run_id=?", (run_id,)).fetchone()[0] == 4


def test_assessor_reads_score_sheets_and_writes_the_report(desk, tmp_path):
    from greenmine_docs import api

    sheet = tmp_path / "打分表.xlsx"
    api.generate("scoresheet", EXAMPLE_DIR / "mine.yaml", sheet)
    run_id = desk.start("/assessor", [("input", ("青岚山矿.zip", example_zip())),
                                      ("sheets", ("专家甲.xlsx", sheet.read_bytes())),
                                      ("sheets", ("专家乙.xlsx", sheet.read_bytes()))])
    assert desk.wait(run_id)["state"] == "done"
    page = desk.page(run_id)
    assert page.count("满分1000分") >= 2 and "专家甲.xlsx" in page and "专家乙.xlsx" in page
    doc_id = re.search(r'<a href="/files/(\d+)" download>第三方评估报告.docx', page).group(1)
    report = Document(io.BytesIO(desk.client.get(f"/files/{doc_id}").content))
    assert any("评估" in p.text for p in report.paragraphs)


def test_official_checks_plans_with_a_report_each(desk, tmp_path):
    from greenmine_docs import api

    plan = tmp_path / "实施方案.docx"
    api.generate("plan", EXAMPLE_DIR / "mine.yaml", plan)
    run_id = desk.start("/official/check", [("plans", ("甲矿.docx", plan.read_bytes())),
                                            ("plans", ("乙矿.docx", b"not a word file"))])
    assert desk.wait(run_id)["state"] == "done"
    page = desk.page(run_id)
    assert 'id="plans-table"' in page and "甲矿.docx" in page and "乙矿.docx" in page
    # the unreadable plan's message names it as uploaded, not where the workspace keeps it
    assert "GM-E627" in page and str(desk.workspace) not in page
    report_id = re.search(r'<a href="/files/(\d+)" target="_blank"', page).group(1)
    report = desk.client.get(f"/files/{report_id}")
    assert report.headers["content-type"].startswith("text/html")
    assert "sandbox" in report.headers["content-security-policy"]
    assert "甲矿.docx" in report.text


def test_official_draws_a_sample_and_records_it(desk, tmp_path):
    from fixtures.officials.helpers import synthetic_list, write_list

    listing = write_list(tmp_path / "名录.xlsx", synthetic_list())
    run_id = desk.start("/official/sample", [("list", ("名录.xlsx", listing.read_bytes()))],
                        {"ratio": "0.2", "seed": "20231001", "priority": ["open-pit"]})
    assert desk.wait(run_id)["state"] == "done"
    page = desk.page(run_id)
    assert "随机种子 <strong>20231001</strong>" in page and 'id="drawn-table"' in page
    db = sqlite3.connect(desk.workspace / "desk.sqlite3")
    seed, sha, drawn = db.execute("SELECT seed, input_sha256, drawn FROM draws").fetchone()
    import hashlib

    assert seed == 20231001 and sha == hashlib.sha256(listing.read_bytes()).hexdigest()
    names = re.findall(r'<a href="/files/(\d+)" download>核查名单.xlsx', page)
    book = openpyxl.load_workbook(io.BytesIO(desk.client.get(f"/files/{names[0]}").content))
    assert drawn > 0 and book.sheetnames
    assert "20231001" in desk.client.get("/official").text


def test_official_sample_refuses_a_bad_seed(desk, tmp_path):
    response = desk.post("/official/sample", [("list", ("名录.csv", b"a,b\n"))], {"seed": "²"})
    assert response.status_code == 400 and "随机种子“²”无效" in response.text
    run_id = desk.start("/official/sample", [("list", ("名录.csv", b"a,b\n"))], {"seed": "-3"})
    status = desk.wait(run_id)  # the library's own refusal, as the command line shows it
    assert status["state"] == "failed" and "随机种子 -3 无效" in status["message"]


def test_official_batch_over_a_zip_with_progress_and_summary(desk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.write(EXAMPLE_DIR / "mine.yaml", "甲/mine.yaml")
        for p in (EXAMPLE_DIR / "photos").iterdir():
            zf.write(p, f"甲/photos/{p.name}")
        for p in (EXAMPLE_DIR / "plan").iterdir():
            zf.write(p, f"甲/plan/{p.name}")
        zf.writestr("乙/mine.yaml", "mine: [")
    run_id = desk.start("/official/batch", [("inputs", ("本批.zip", buffer.getvalue()))])
    status = desk.wait(run_id)
    assert status["state"] == "done" and status["done"] == status["total"] == 2
    page = desk.page(run_id)
    assert 'id="mines-table"' in page and "无法读取" in page and "批量处理汇总.xlsx" in page
    doc_id = re.search(r'<a href="/files/(\d+)" download>[^<]*汇总[^<]*\.xlsx', page).group(1)
    book = openpyxl.load_workbook(io.BytesIO(desk.client.get(f"/files/{doc_id}").content))
    assert book.sheetnames
    # the documents of the mine that could be built, each in its mine's folder of the zip
    bundle = zipfile.ZipFile(io.BytesIO(desk.client.get(f"/runs/{run_id}/documents.zip").content))
    built = [n for n in bundle.namelist() if n.endswith(".docx")]
    assert built and all("/" in n for n in built)
    assert any("实施方案" in n for n in built)


def test_with_libreoffice_the_plan_comes_with_its_pdf(libreoffice, tmp_path):
    """LibreOffice found (the worker processes inherit the setting): the page offers PDFs and
    the build writes one beside the plan."""
    from starlette.testclient import TestClient

    from greenmine_docs.web.app import create_app

    from .conftest import BASE, Desk

    with TestClient(create_app(tmp_path / "ws", workers=1), base_url=BASE) as client:
        desk = Desk(client, tmp_path / "ws")
        run_id = desk.start("/enterprise", [("input", ("青岚山矿.zip", example_zip()))])
        desk.wait(run_id)
        assert 'name="pdf" value="1"' in desk.page(run_id)
        response = desk.post(f"/runs/{run_id}/build", data={"only": ["plan"], "pdf": "1"})
        built = int(response.headers["location"].rsplit("/", 1)[1])
        assert desk.wait(built, timeout=300)["state"] == "done"
        page = desk.page(built)
        pdf = re.search(r'<a href="/files/(\d+)" download>[^<]*实施方案\.pdf', page)
        assert pdf, page
        assert desk.client.get(f"/files/{pdf.group(1)}").content.startswith(b"%PDF")


def test_runs_left_unfinished_by_a_stopped_server_are_marked_failed(tmp_path):
    from greenmine_docs.web.app import create_app
    from greenmine_docs.web.store import Store

    store = Store(tmp_path / "ws")
    run_id = store.add_run("enterprise", "validate", upload_id=None, options={"input": "x"})
    store.progress(run_id, 1, 3, "正在处理")
    store.close()
    app = create_app(tmp_path / "ws", workers=1)
    row = app.state.desk.store.run(run_id)
    assert row["state"] == "failed" and "服务在处理完成前已停止" in row["message"]
    app.state.desk.jobs.shutdown()


def test_a_whole_folder_uploads_with_its_photos_and_markdown(desk):
    """A browser sends a chosen folder's files named by their paths inside it."""
    files = [("folder", (f"青岚山矿/{p.relative_to(EXAMPLE_DIR).as_posix()}", p.read_bytes()))
             for p in sorted(EXAMPLE_DIR.rglob("*")) if p.is_file()]
    files.append(("folder", ("青岚山矿/desktop.ini", b"[.ShellClassInfo]")))
    run_id = desk.start("/enterprise", files)
    assert desk.wait(run_id)["state"] == "done"
    page = desk.page(run_id)
    assert "校验通过" in page and "青岚山矿/mine.yaml:16:18" in page
    kept = desk.workspace / "uploads" / "1" / "files" / "青岚山矿"
    assert (kept / "mine.yaml").is_file() and not (kept / "desktop.ini").exists()


def test_a_slow_upload_does_not_hold_up_the_other_pages(desk, monkeypatch):
    """An upload is stored (copied, hashed, unzipped) in a worker thread, with that thread's
    own connection to the index: while one is being stored, other pages answer."""
    import threading

    from greenmine_docs.web import routes

    storing, release = threading.Event(), threading.Event()
    real = routes.store_input

    def slow(*args, **kwargs):
        storing.set()
        assert release.wait(30), "the page below never answered"
        return real(*args, **kwargs)

    monkeypatch.setattr(routes, "store_input", slow)
    csrf = desk.csrf()
    posted: dict[str, int] = {}
    upload = threading.Thread(target=lambda: posted.update(code=desk.post(
        "/enterprise", [("input", ("mine.yaml", (EXAMPLE_DIR / "mine.yaml").read_bytes()))],
        csrf=csrf).status_code))
    upload.start()
    try:
        assert storing.wait(30)
        answered = desk.client.get("/official")  # served while the upload is being stored
        assert answered.status_code == 200 and "主管部门" in answered.text
    finally:
        release.set()
        upload.join(60)
    assert posted["code"] == 303
