"""Formula injection (issue 14): every workbook we write stores user text as text, and keeps a
formula only where our code built one (a ``Formula``) — whatever path wrote the cell.

Each writer gets user text that Excel would otherwise run or misread (``=``/``+``/``-``/``@``
formulas, a DDE call, template syntax, markup, an error code) and text with control characters;
the workbook is opened as written (formulas as formulas) and every hostile text must be there,
as a text cell, with the control characters left out.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from conftest import EXAMPLE

PAYLOADS = ("=SUM(A1:A9)", "+1+2", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0", "{{ 7*7 }}",
            "<&>", "#N/A", '=HYPERLINK("http://example.invalid","点击")')
CONTROL, CLEAN = "控\x07制\x1b字符", "控制字符"


def _cells(data: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(data))  # not data_only: formulas come back as formulas
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def _formulas(data: bytes) -> dict[tuple[str, str], str]:
    return {(c.parent.title, c.coordinate): c.value for c in _cells(data) if c.data_type == "f"}


def assert_text_kept(data: bytes, payloads: tuple[str, ...] = PAYLOADS, *,
                     clean: str | None = CLEAN) -> None:
    """Every payload is in some cell, and every cell holding one is a text cell; no formula
    holds user text; no cell is an error value; the control characters were left out."""
    found: set[str] = set()
    for c in _cells(data):
        assert c.data_type != "e", f"{c.parent.title}!{c.coordinate} is an error value"
        if not isinstance(c.value, str):
            continue
        hits = {p for p in payloads if p in c.value}
        if c.data_type == "f":
            assert not hits and "点击" not in c.value, \
                f"{c.parent.title}!{c.coordinate} became a formula: {c.value}"
            continue
        found |= hits
        if hits:
            assert c.data_type == "s", f"{c.parent.title}!{c.coordinate}: {c.data_type}"
        assert "\x07" not in c.value and "\x1b" not in c.value
    assert found == set(payloads), f"not written: {set(payloads) - found}"
    if clean is not None:
        assert any(isinstance(c.value, str) and clean in c.value for c in _cells(data))


# -- the one writer itself -----------------------------------------------------------------------

def test_save_keeps_only_registered_formulas_on_every_kind_of_sheet() -> None:
    """Cells set around the writer's helpers (plain assignment, ``append``, a write-only sheet)
    still come out as text; a Formula set through ``set_value`` stays a formula."""
    from greenmine_docs.xlsx.write import Formula, save_workbook, set_value

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = PAYLOADS[0], PAYLOADS[4], "#N/A"
    ws.append([PAYLOADS[8], "=1+2 "])
    set_value(ws["B1"], Formula("=SUM(A1:A2)"))
    set_value(ws["B2"], PAYLOADS[0])
    set_value(ws["B3"], CONTROL)
    data = save_workbook(wb)
    assert _formulas(data) == {("Sheet", "B1"): "=SUM(A1:A2)"}
    assert_text_kept(data, (PAYLOADS[0], PAYLOADS[4], "#N/A", PAYLOADS[8], "=1+2 "))

    stream = Workbook(write_only=True)
    sheet = stream.create_sheet("流")
    sheet.append([PAYLOADS[0], "#DIV/0!", PAYLOADS[4]])
    data = save_workbook(stream)
    assert _formulas(data) == {}
    assert_text_kept(data, (PAYLOADS[0], "#DIV/0!", PAYLOADS[4]), clean=None)


def test_text_made_safe_on_saving_is_written_as_openpyxl_writes_text() -> None:
    """The saved sheet is the one openpyxl writes when the cells are typed as text."""
    from greenmine_docs.xlsx.write import save_workbook

    from openpyxl.styles import Font

    def sheet(typed: bool) -> bytes:
        wb = Workbook()
        ws = wb.active
        for r, text in enumerate((*PAYLOADS, "=x ", "#REF!"), 1):
            cell = ws.cell(row=r, column=2, value=text)
            cell.font = Font(bold=True)
            if typed:
                cell.data_type = "s"
        with zipfile.ZipFile(io.BytesIO(save_workbook(wb))) as zf:
            return zf.read("xl/worksheets/sheet1.xml")

    assert sheet(typed=False) == sheet(typed=True)


# -- every workbook writer ---------------------------------------------------------------------

def _example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _hostile_submission():
    from greenmine_docs.api import load

    sub = load(EXAMPLE).submission.model_copy(deep=True)
    sc = sub.self_check
    texts = iter((*PAYLOADS, CONTROL))
    for ref in list(sc.items)[:5]:  # problems and measures: the summary lists them too
        sc.items[ref] = sc.items[ref].model_copy(update={"problem": next(texts),
                                                          "measure": next(texts)})
    sc.opinion = PAYLOADS[0]
    return sub


@pytest.fixture
def eager():
    from greenmine_docs.xlsx.write import eager_skeletons

    eager_skeletons(True)
    yield
    eager_skeletons(False)


@pytest.mark.parametrize("path", ["plain", "fast"])
def test_self_check_table(path: str, eager: None) -> None:
    from greenmine_docs.indicators import resolve
    from greenmine_docs.documents.selfcheck import xlsx
    from greenmine_docs.documents.selfcheck.core import prepare

    sub = _hostile_submission()
    iset = resolve(sub.campaign.indicator_set)
    hostile = getattr(xlsx.workbook(prepare(sub, iset)), path)()
    assert_text_kept(hostile)
    clean = xlsx.workbook(prepare(_hostile_submission().model_copy(
        update={"self_check": None}), iset)).plain()
    assert _formulas(hostile) and _formulas(hostile).keys() == _formulas(clean).keys()


@pytest.mark.parametrize("path", ["plain", "fast"])
def test_score_sheet(path: str, eager: None) -> None:
    from greenmine_docs.api import check, load
    from greenmine_docs.documents.assessment import scoresheet
    from greenmine_docs.indicators import profile_of

    run = check(load(EXAMPLE))
    sub = run.submission.model_copy(deep=True)
    sub.mine.name = PAYLOADS[0] + CONTROL
    given = run.scores.assessment.given
    prefill = type(given)(source="input", prerequisites=given.prerequisites,
                          items=dict(given.items))
    for ref, text in zip(list(prefill.items)[:len(PAYLOADS) - 1], PAYLOADS[1:]):
        prefill.items[ref] = prefill.items[ref].model_copy(update={"evidence": text})
    book = scoresheet.workbook(run.indicator_set, sub, mine=profile_of(sub), prefill=prefill)
    data = getattr(book, path)()
    assert_text_kept(data)
    assert _formulas(data)


def test_sample_list(tmp_path: Path) -> None:
    from fixtures.officials.helpers import LIST_HEADERS, synthetic_list
    from greenmine_docs.officials.sample_run import run_sample

    rows = synthetic_list()
    for row, text in zip(rows, PAYLOADS):
        row[1] = text  # mine names
    rows[-1][3] = "=cmd|' /C calc'!A0市"  # a city
    rows[-2][1] = "控_x0007_制字符矿"  # a control character, escaped as Excel writes it
    wb = Workbook()
    ws = wb.active
    for r, values in enumerate([LIST_HEADERS, *rows], 1):
        for c, v in enumerate(values, 1):
            ws.cell(row=r, column=c, value=v).data_type = "s" if isinstance(v, str) else "n"
    wb.save(tmp_path / "名录.xlsx")
    out = tmp_path / "名单.xlsx"
    outcome = run_sample(tmp_path / "名录.xlsx", out, ratio="1", seed=1,
                         title="=SUM(A1:A9)年核查名单")
    assert not outcome.result.report.errors
    assert_text_kept(out.read_bytes(), (*PAYLOADS, "=SUM(A1:A9)年核查名单"), clean="控制字符矿")
    totals = _formulas(out.read_bytes()).values()
    assert len(totals) == 6 and all(re.fullmatch(r"=SUM\(([C-H])\d+:\1\d+\)", f) for f in totals)


def _hostile_set(tmp_path: Path, texts: Any, *, names: bool = False, **fields: str) -> Any:
    """The demo province's set loaded from a file with ``texts`` as its item texts (and, with
    ``names``, first-level names before each one's items) and ``fields`` in its header."""
    from greenmine_docs.indicators import load_file, resolve
    from greenmine_docs.indicators.dump import to_data

    data = to_data(resolve("province-demo"))
    data.update(fields)
    texts = iter(texts)
    for cat in data["categories"]:
        if names:
            cat["name"] = next(texts, cat["name"])
        for group in cat["groups"]:
            for item in group["items"]:
                item["text"] = next(texts, item["text"])
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    iset, findings = load_file(path)
    assert iset is not None, findings
    return iset


def test_indicator_set_export(tmp_path: Path) -> None:
    from greenmine_docs.indicators.excel_io import set_workbook_bytes

    iset = _hostile_set(tmp_path, PAYLOADS[1:], title=PAYLOADS[0], note=CONTROL)
    data = set_workbook_bytes(iset)
    assert_text_kept(data)
    assert _formulas(data) == {}


def test_input_workbook_and_mines_table() -> None:
    from greenmine_docs.excel_input import render_mines_table, render_workbook

    data = _example_data()
    data["mine"]["name"] = PAYLOADS[0]
    data["enterprise"]["name"] = CONTROL
    for key, text in zip(("address", "legal_representative"), PAYLOADS[1:3]):
        data["enterprise"][key] = text
    data["mine"]["licence"]["number"] = PAYLOADS[3]
    data["plan"]["narrative"]["purpose"] = "\n".join(PAYLOADS[4:])
    content, _ = render_workbook(data)
    assert_text_kept(content)
    table, _ = render_mines_table([data, _example_data()])
    assert_text_kept(table, (PAYLOADS[0], PAYLOADS[3]))


def test_batch_summary(tmp_path: Path) -> None:
    from greenmine_docs.batch import BatchResult, MineOutcome, write_summary

    outcomes = [MineOutcome(key=p, status="错误", mine=p, enterprise=CONTROL, city=p,
                            message=p, findings=[{"code": "GM-E101", "severity": "error",
                                                  "message": p, "hint": p}])
                for p in PAYLOADS]
    path = write_summary(BatchResult(outcomes=outcomes, out_dir=tmp_path), tmp_path / "汇总.xlsx")
    assert_text_kept(path.read_bytes())


def test_summary_of_self_check_tables(tmp_path: Path) -> None:
    from greenmine_docs.indicators import resolve
    from greenmine_docs.documents.selfcheck import xlsx
    from greenmine_docs.documents.selfcheck.core import prepare
    from greenmine_docs.documents.selfcheck.summary import summarize

    sub = _hostile_submission()
    table = tmp_path / "表.xlsx"
    table.write_bytes(xlsx.render_xlsx(prepare(sub, resolve(sub.campaign.indicator_set))))
    out = tmp_path / "汇总.xlsx"
    summarize([table], out)
    assert_text_kept(out.read_bytes())


# -- the verification round (issue 19) -----------------------------------------------------------

def _hostile_round() -> Any:
    """The example round read back, its mines renamed to the payloads, one city hostile too."""
    import dataclasses

    from greenmine_docs.officials.verify.round_read import read_round
    from test_verify_round import RECORDS, ROUND, SAMPLE

    result = read_round([RECORDS], round_path=ROUND, sample_path=SAMPLE)
    names = [*PAYLOADS, CONTROL + "矿"]
    assert len(result.results) >= len(names)
    for i, (r, name) in enumerate(zip(result.results, names)):
        city = "=cmd|' /C calc'!A0" if i == 0 else r.mine.city
        result.results[i] = dataclasses.replace(r, mine=dataclasses.replace(r.mine, name=name,
                                                                            city=city))
    return result


def test_verification_round_workbooks() -> None:
    """Record sheets, the summary, the ledger, the follow-up and the agencies' comparison."""
    import datetime as dt

    from greenmine_docs.officials.verify.agencies import Assessment, supervise
    from greenmine_docs.officials.verify.agencies_out import render_xlsx
    from greenmine_docs.officials.verify.close_facts import CloseFacts
    from greenmine_docs.officials.verify.close_xlsx import render_ledger, render_summary
    from greenmine_docs.officials.verify.record_xlsx import render_record_xlsx
    from greenmine_docs.officials.mine_list import norm_name

    result = _hostile_round()
    records = [render_record_xlsx(result.rnd, r.mine) for r in result.results]
    for data, name in zip(records, [*PAYLOADS, CLEAN + "矿"]):
        assert_text_kept(data, (name,), clean=None)
    assert_text_kept(records[0], ("=cmd|' /C calc'!A0",), clean=None)
    facts = CloseFacts(result, dt.date(2023, 11, 10), dt.date(2024, 2, 8))
    assert_text_kept(render_summary(facts), (*PAYLOADS, "=cmd|' /C calc'!A0"),
                     clean=CLEAN + "矿")
    rectify = [r.mine.name for r in facts.with_outcome("限期整改")]
    ledger = render_ledger(facts)
    assert_text_kept(ledger, tuple(n for n in rectify if n in PAYLOADS), clean=None)
    with_names = {norm_name(r.mine.name): Assessment(r.mine.name, "<&>评估机构{{ x }}", 80.0,
                                                      "=SUM(A1:A9)", {})
                  for r in result.results}
    agencies = render_xlsx(result.rnd, supervise(result, with_names))
    assert_text_kept(agencies, ("<&>评估机构{{ x }}",), clean=None)


def test_follow_up_and_next_directory(tmp_path: Path) -> None:
    """The follow-up workbook from a ledger of hostile names, and the next year's directory
    (a user's workbook edited: our cells as text next to the hostile ones it had)."""
    import datetime as dt

    from greenmine_docs.officials.verify.follow_up import read_ledger
    from greenmine_docs.officials.verify.follow_up_out import mark_directory, render_follow_up
    from test_verify_round import ROUND_DIR

    wb = load_workbook(ROUND_DIR / "整改台账.xlsx")
    ws = wb["整改台账"]
    rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value]
    for r, text in zip(rows, PAYLOADS):
        ws.cell(r, 2).value = text
        ws.cell(r, 2).data_type = "s"
    ws.cell(rows[-1], 3).value = "控_x0007_制字符市"  # a control character, as Excel writes it
    ws.cell(rows[-1], 3).data_type = "s"
    wb.save(tmp_path / "台账.xlsx")
    fu = read_ledger(tmp_path / "台账.xlsx", as_of=dt.date(2024, 2, 20))
    assert "\x07" in fu.rows[-1].city
    assert_text_kept(render_follow_up(fu), PAYLOADS[:len(rows)], clean="控制字符市")

    directory = Workbook()
    sheet = directory.active
    sheet.title = "名录"
    sheet.append(["序号", "矿山名称", "名录级别", "所在市"])
    for n, name in enumerate(PAYLOADS, 1):
        sheet.append([n, name, "省级", "=cmd|' /C calc'!A0"])
    for row in sheet.iter_rows(min_row=2):
        for c in row[1:]:
            c.data_type = "s"
    directory.save(tmp_path / "名录.xlsx")
    data, marked = mark_directory(fu, tmp_path / "名录.xlsx")
    assert marked == min(len(rows), len(PAYLOADS))
    assert_text_kept(data, (*PAYLOADS, "以往整改要求", "是"), clean=None)


def test_several_experts_score_sheet() -> None:
    from greenmine_docs.api import check, load
    from greenmine_docs.documents.assessment.scoresheet_experts import build_experts_scoresheet
    from greenmine_docs.indicators import profile_of

    run = check(load(EXAMPLE))
    sub = run.submission.model_copy(deep=True)
    sub.mine.name = PAYLOADS[0]
    given = run.scores.assessment.given
    prefill = type(given)(source="input", prerequisites=given.prerequisites,
                          items=dict(given.items))
    for ref, text in zip(list(prefill.items)[:len(PAYLOADS) - 1], PAYLOADS[1:]):
        prefill.items[ref] = prefill.items[ref].model_copy(update={"evidence": text})
    # expert names come from the team and name the sheets the averages refer to
    names = ["郭振华", "李" + CONTROL, "王[组长]"]
    data = build_experts_scoresheet(run.indicator_set, sub, mine=profile_of(sub), names=names,
                                    prefill={names[0]: prefill}, shared=given)
    assert_text_kept(data)
    titles = load_workbook(io.BytesIO(data)).sheetnames
    assert {"专家1-郭振华", "专家2-李控制字符", "专家3-王_组长_"} <= set(titles)
    assert any("AVERAGE('专家1-郭振华'!" in f for f in _formulas(data).values())


def test_indicator_mapping_template(tmp_path: Path) -> None:
    from greenmine_docs.indicators import load_builtin
    from greenmine_docs.indicators.mapping_xlsx import mapping_workbook_bytes

    old = _hostile_set(tmp_path, (*PAYLOADS, CONTROL), names=True)
    out = mapping_workbook_bytes(old, load_builtin("national-2024-reference"))
    assert_text_kept(out)
    assert _formulas(out) == {}
