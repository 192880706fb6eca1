"""The official page's verification round through the test client: the record sheets from the
drawn sample, the filled records read as ``greenmine verify read`` reads them, the closing
documents, and bad or hostile uploads answered with a message."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
from docx import Document

from greenmine_docs.officials.verify.round_read import read_round

from .conftest import REPO

ROUND = REPO / "examples" / "verification-round"
RECORDS = sorted((ROUND / "records").glob("*.xlsx"))


def _file(path: Path, field: str) -> tuple[str, tuple[str, bytes]]:
    return (field, (path.name, path.read_bytes()))


def _round_files() -> list[tuple[str, tuple[str, bytes]]]:
    return [_file(ROUND / "核查名单.xlsx", "sample"), _file(ROUND / "round.yaml", "round")]


def _documents(desk, run_id: int) -> dict[str, bytes]:
    """The run's zip, by file name (the records and the notices are in a folder of it)."""
    bundle = zipfile.ZipFile(io.BytesIO(desk.client.get(f"/runs/{run_id}/documents.zip").content))
    return {name.rsplit("/", 1)[-1]: bundle.read(name) for name in bundle.namelist()}


def test_the_official_page_offers_the_verification_round(desk):
    page = desk.client.get("/official").text
    assert "实地核查" in page
    assert 'action="/official/verify/sheets"' in page and 'action="/official/verify/close"' in page
    assert 'action="/official/verify/follow-up"' in page
    assert 'action="/official/verify/agencies"' in page


def test_record_sheets_from_the_drawn_sample(desk):
    run_id = desk.start("/official/verify/sheets", _round_files())
    status = desk.wait(run_id)
    assert status["state"] == "done", status["message"]
    files = _documents(desk, run_id)
    books = {n: b for n, b in files.items() if n.endswith(".xlsx")}
    assert len(books) == len(RECORDS) == len([n for n in files if n.endswith(".docx")])
    name = "晋中兴旺煤业寿阳县后沟煤矿-实地核查记录表.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(books[name])).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("晋中兴旺煤业寿阳县后沟煤矿" in c for c in cells)
    assert any(c == "1.2.1" or c.startswith("1.2.1") for c in cells)
    printable = Document(io.BytesIO(files[name.replace(".xlsx", ".docx")]))
    assert "晋中兴旺煤业寿阳县后沟煤矿" in "\n".join(p.text for p in printable.paragraphs) + \
        "\n".join(c.text for t in printable.tables for r in t.rows for c in r.cells)


def _outcomes(page: str) -> list[str]:
    table = page.split('id="outcomes-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="nw (?:ok|bad)">([^<]+)</td>', table)


def test_filled_records_give_the_outcomes_of_verify_read_and_the_closing_documents(desk):
    expected = read_round(RECORDS, round_path=ROUND / "round.yaml",
                          sample_path=ROUND / "核查名单.xlsx")
    files = [_file(p, "records") for p in RECORDS] + _round_files()
    run_id = desk.start("/official/verify/close", files)
    status = desk.wait(run_id)
    assert status["state"] == "done", status["message"]
    page = desk.page(run_id)
    shown = _outcomes(page)
    assert len(shown) == len(expected.results)
    for outcome in ("合格", "限期整改", "不合格"):
        assert shown.count(outcome) == expected.count(outcome) > 0
        assert f"{outcome} {expected.count(outcome)} 座" in status["message"]
    assert RECORDS[0].name in page  # the record as uploaded, not as the workspace keeps it
    made = _documents(desk, run_id)
    notices = [n for n in made if n.endswith("限期整改通知书.docx")]
    assert len(notices) == expected.count("限期整改")
    for name in ("实地核查结果汇总表.xlsx", "拟移出绿色矿山名录名单.docx", "实地核查工作总结.docx",
                 "整改台账.xlsx"):
        assert name in made and name in page
    summary = openpyxl.load_workbook(io.BytesIO(made["实地核查结果汇总表.xlsx"]))
    text = [str(c.value) for ws in summary for row in ws.iter_rows() for c in row if c.value]
    assert any("晋中兴旺煤业寿阳县后沟煤矿" in t for t in text)


def test_records_in_a_zip_are_read_the_same(desk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in RECORDS:
            zf.write(p, f"记录表/{p.name}")
    run_id = desk.start("/official/verify/close",
                        [("records", ("记录表.zip", buffer.getvalue()))] + _round_files())
    status = desk.wait(run_id)
    assert status["state"] == "done", status["message"]
    assert len(_outcomes(desk.page(run_id))) == len(RECORDS)


def test_a_bad_record_gives_located_findings_and_no_documents(desk):
    flawed = ROUND / "flawed" / "01-问题描述笼统与漏填.xlsx"
    run_id = desk.start("/official/verify/close", [_file(flawed, "records")] + _round_files())
    status = desk.wait(run_id)
    assert status["state"] == "done" and "未生成结果文件" in status["message"]
    page = desk.page(run_id)
    assert "GM-E650" in page and f"{flawed.name} 记录表!F25" in page
    assert "GM-E647" in page and "记录表!B6" in page
    assert "/uploads/" not in page
    assert not _documents(desk, run_id)


def test_hostile_uploads_are_refused_with_a_message(desk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../../evil.xlsx", b"x")
    response = desk.post("/official/verify/close",
                         [("records", ("记录表.zip", buffer.getvalue()))] + _round_files())
    assert response.status_code == 400 and "不安全" in response.text
    assert not list(desk.workspace.parent.rglob("evil.xlsx"))
    response = desk.post("/official/verify/sheets", [_file(ROUND / "核查名单.xlsx", "sample")])
    assert response.status_code == 400 and "round.yaml" in response.text
    response = desk.post("/official/verify/close",
                         [("records", ("记录表.exe", b"MZ"))] + _round_files())
    assert response.status_code == 400 and "不支持的文件类型" in response.text
    assert desk.client.get("/official").status_code == 200  # still serving


def test_an_unusable_round_file_ends_the_job_with_the_library_message(desk):
    files = [_file(ROUND / "核查名单.xlsx", "sample"), ("round", ("round.yaml", b"round: ["))]
    status = desk.wait(desk.start("/official/verify/sheets", files))
    assert status["state"] == "failed" and status["message"].startswith("错误：")
    assert "Traceback" not in status["message"]


def test_follow_up_lists_what_the_command_line_lists_and_marks_the_next_directory(desk):
    import datetime as dt

    from greenmine_docs.officials.verify.follow_up import read_ledger

    ledger = ROUND / "整改台账.xlsx"
    expected = read_ledger(ledger, as_of=dt.date(2024, 2, 20))
    assert expected.overdue and expected.candidates()
    run_id = desk.start("/official/verify/follow-up",
                        [_file(ledger, "ledger"), _file(ROUND / "名录.xlsx", "directory")],
                        {"as_of": "2024-02-20"})
    status = desk.wait(run_id)
    assert status["state"] == "done", status["message"]
    assert f"逾期未完成 {len(expected.overdue)} 项" in status["message"]
    assert f"移出候选矿山 {len(expected.candidates())} 座" in status["message"]
    page = desk.page(run_id)
    candidates = page.split('id="candidates-table"', 1)[1].split("</table>", 1)[0]
    assert [c[0] for c in expected.candidates()] == re.findall(r"<tr><td>([^<]+)</td>", candidates)
    overdue = page.split('id="overdue-table"', 1)[1].split("</table>", 1)[0]
    assert overdue.count("<tr><td") == len(expected.overdue)
    made = _documents(desk, run_id)
    assert set(made) == {"整改跟踪情况.xlsx", "下一年度名录（已标注以往整改要求）.xlsx"}
    marked = openpyxl.load_workbook(io.BytesIO(made["下一年度名录（已标注以往整改要求）.xlsx"]))["名录"]
    head = [c.value for c in marked[1]]
    flagged = {r[head.index("矿山名称")] for r in marked.iter_rows(min_row=2, values_only=True)
               if r[head.index("以往整改要求")] == "是"}
    assert set(expected.mines()) <= flagged
    early = desk.wait(desk.start("/official/verify/follow-up", [_file(ledger, "ledger")],
                                 {"as_of": "2024-01-01"}))
    assert early["state"] == "done" and "移出候选矿山 0 座" in early["message"]


def test_follow_up_refuses_a_bad_date_and_a_workbook_that_is_not_a_ledger(desk):
    ledger = ROUND / "整改台账.xlsx"
    response = desk.post("/official/verify/follow-up", [_file(ledger, "ledger")],
                         {"as_of": "2024-13-40"})
    assert response.status_code == 400 and "统计截止日期" in response.text
    status = desk.wait(desk.start("/official/verify/follow-up",
                                  [_file(ROUND / "核查名单.xlsx", "ledger")], {"as_of": "2024-02-20"}))
    assert status["state"] == "failed" and "整改台账" in status["message"]
    assert "核查名单.xlsx 中没有“整改台账”工作表" in status["message"]  # the name as uploaded
    assert "Traceback" not in status["message"]


def test_agencies_give_the_figures_of_the_command_line_and_both_files(desk):
    from greenmine_docs.officials.verify.agencies import read_assessments, supervise
    from greenmine_docs.officials.verify.agencies_out import rows

    expected = supervise(read_round(RECORDS, round_path=ROUND / "round.yaml",
                                    sample_path=ROUND / "核查名单.xlsx"),
                         read_assessments(ROUND / "评估结果.xlsx"))
    assert expected and any(f.crossed for f in expected)
    files = ([_file(p, "records") for p in RECORDS] + _round_files()
             + [_file(ROUND / "评估结果.xlsx", "assessments")])
    run_id = desk.start("/official/verify/agencies", files)
    status = desk.wait(run_id)
    assert status["state"] == "done", status["message"]
    crossed = [f.agency for f in expected if f.crossed]
    assert f"比对评估机构 {len(expected)} 家，达到通报阈值 {len(crossed)} 家" in status["message"]
    table = desk.page(run_id).split('id="agencies-table"', 1)[1].split("</table>", 1)[0]
    shown = [re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in table.split("<tr>")[2:]]
    assert [r[:7] for r in shown] == [[str(v) for v in row] for row in rows(expected)]
    made = _documents(desk, run_id)
    assert set(made) == {"第三方评估机构评估质量监督情况.docx", "第三方评估机构评估质量监督情况.xlsx"}
    text = "\n".join(p.text for p in Document(io.BytesIO(made["第三方评估机构评估质量监督情况.docx"])).paragraphs)
    assert all(name in text for name in crossed)
    missing = desk.post("/official/verify/agencies", [_file(p, "records") for p in RECORDS]
                        + _round_files())
    assert missing.status_code == 400 and "评估结果" in missing.text
