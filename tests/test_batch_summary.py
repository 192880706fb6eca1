"""The batch summary workbook written fast (``validate_10k_cli_s``, issue 21): its layout kept
in the user's cache folder for stand-in row counts, its rows as XML — and the bytes those
that openpyxl and the plain cell writer give."""
from __future__ import annotations

from pathlib import Path

import pytest

from greenmine_docs import batch, usercache
from greenmine_docs.batch import MineOutcome, SummaryRows, _summary_layout, write_summary
from greenmine_docs.xlsx import counted
from greenmine_docs.xlsx.fill import RowsXml, cell_xml, unzipped


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T05:06:08")  # (dates compare equal)
    return _kept_in(tmp_path / "user-cache", monkeypatch)


def _kept_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(usercache.ENV, str(folder))
    return folder


def _outcomes(n: int) -> list[MineOutcome]:
    """Mines with 0, 1 or 2 findings, texts that need escaping, spaces kept, numbers."""
    out = []
    for i in range(n):
        findings = [{"code": "GM-W534", "severity": "warning", "message": f"第{i}行 <扣分> & 理由",
                     "hint": " 前后有空格 ", "location": {"file": "x.xlsx", "sheet": "矿山名录",
                                                        "cell": f"C{i + 4}"}}] * (i % 3)
        out.append(MineOutcome(key=f"矿山名录!第{i + 4}行", status="校验通过", mine=f"矿{i % 7}",
                               enterprise="=SUM(A1)", city="吕梁市", county="", errors=i % 2,
                               warnings=len(findings), self_score=91.5 if i % 2 else None,
                               findings=findings, fingerprint=f"f{i}"))
    return out


@pytest.mark.parametrize("lasts", [(1, 1), (2, 5), (10_001, 20_001), (1_048_576, 3)])
def test_the_kept_layout_is_the_one_openpyxl_saves_for_those_rows(
        cache: Path, lasts: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    first = counted.counted_parts("batch-summary", _summary_layout, lasts)  # made and kept
    assert first == unzipped(_summary_layout(lasts))
    assert len(list((cache / "batch-summary").iterdir())) == 1
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    expected = unzipped(_summary_layout(lasts))
    assert expected != first  # (the dates differ)

    def fail(lasts: object) -> bytes:
        raise AssertionError("laid out again")

    assert counted.counted_parts("batch-summary", fail, lasts) == expected


def test_the_summary_from_the_cache_is_the_summary_written_without_it(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _outcomes(40)
    result = batch.BatchResult(outcomes=outcomes, out_dir=tmp_path)
    kept = write_summary(result, tmp_path / "kept.xlsx").read_bytes()  # the layout made, kept
    again = write_summary(result, tmp_path / "again.xlsx").read_bytes()  # from the cache
    monkeypatch.setenv(usercache.ENV, "none")
    plain = write_summary(result, tmp_path / "plain.xlsx").read_bytes()
    assert kept == again == plain


def test_rows_deflated_as_they_come_give_the_same_summary(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long run's rows are deflated as they come (SummaryRows._lead); the workbook is the
    one written from the rows at the end, and the deflating done then is the end's only."""
    from greenmine_docs import zipwrite

    outcomes = _outcomes(40)
    result = batch.BatchResult(outcomes=outcomes, out_dir=tmp_path)
    plain = write_summary(result, tmp_path / "plain.xlsx").read_bytes()
    monkeypatch.setattr(batch, "_LEAD_AFTER", 7)
    rows = SummaryRows()
    for o in outcomes:
        rows.add(o)
    deflated: list[str] = []
    packed = zipwrite._packed

    def spy(name: str, data: bytes, level: int) -> tuple[int, bytes]:
        deflated.append(name)
        return packed(name, data, level)

    monkeypatch.setattr(zipwrite, "_packed", spy)
    zipwrite._met.clear()  # (the other members: deflated again, not remembered)
    led = write_summary(result, tmp_path / "led.xlsx", rows).read_bytes()
    assert led == plain
    assert deflated and not any(name.startswith("xl/worksheets/") for name in deflated)


def test_the_summary_reads_back_row_for_row(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    outcomes = _outcomes(12)
    path = write_summary(batch.BatchResult(outcomes=outcomes, out_dir=tmp_path),
                         tmp_path / "s.xlsx")
    wb = load_workbook(path)
    mines, found = wb["汇总"], wb["问题清单"]
    assert mines.auto_filter.ref == "A1:O13"
    assert found.auto_filter.ref == f"A1:H{1 + sum(len(o.findings) for o in outcomes)}"
    assert [c.value for c in mines[3]][:9] == [2, "矿山名录!第5行", "矿1", "=SUM(A1)", "吕梁市",
                                               None, "校验通过", 1, 1]
    assert mines["D3"].data_type == "s"  # a text starting with "=" stays text
    assert [c.value for c in found[2]][3:] == ["GM-W534", "警告", "x.xlsx 矿山名录!C5",
                                               "第1行 <扣分> & 理由", " 前后有空格 "]


@pytest.mark.parametrize("value", [0, -7, 123456789, (1 << 53) - 1, -(1 << 53) + 1, 1 << 53,
                                   10 ** 17, 2.5, 1e20, True, "文字", " a ", "<&>\r", "",
                                   "\x01", "x" * 40_000])
def test_a_cell_is_what_openpyxl_writes_for_its_value(value: object) -> None:
    """Whole numbers within 2⁵³ are written without asking openpyxl; the others as before."""
    from openpyxl.compat import safe_string

    xml = cell_xml("B7", None, value)
    if type(value) in (int, float):
        assert xml == f'<c r="B7" t="n"><v>{safe_string(value)}</v></c>'
    rows = RowsXml(7)
    rows.add([None, value])
    assert rows.parts == [f'<row r="7">{xml}</row>'.encode()]


def test_rows_repeat_their_texts_as_the_cell_writer_writes_them() -> None:
    rows, expected = RowsXml(2), []
    values = ["同一", " 同一 ", 3, None, "同一", "<b>", 2.0]
    for r in range(2, 6):
        rows.add(values)
        cells = "".join(cell_xml(f"{'ABCDEFG'[i]}{r}", None, v)
                        for i, v in enumerate(values) if v is not None)
        expected.append(f'<row r="{r}">{cells}</row>'.encode())
    assert rows.parts == expected


def test_summary_rows_come_as_the_outcomes_do() -> None:
    rows = SummaryRows()
    for o in _outcomes(5):
        rows.add(o)
    assert len(rows.mines) == 5 and len(rows.findings) == 0 + 1 + 2 + 0 + 1


def test_a_column_of_ever_new_texts_is_written_the_same() -> None:
    """Past the texts a column remembers (names, places: each one new) cells are still those
    of the cell writer."""
    rows = RowsXml(2)
    for i in range(2_500):
        rows.add([f"矿山{i}", "同一", i])
    assert rows.parts[-1].decode() == (
        '<row r="2501"><c r="A2501" t="inlineStr"><is><t>矿山2499</t></is>'
        '</c><c r="B2501" t="inlineStr"><is><t>同一</t></is></c>'
        '<c r="C2501" t="n"><v>2499</v></c></row>')
    assert rows.parts[3].decode() == "".join(['<row r="5">', cell_xml("A5", None, "矿山3"),
                                              cell_xml("B5", None, "同一"),
                                              cell_xml("C5", None, 3), "</row>"])


def test_summary_cells_made_out_of_order_give_the_same_rows() -> None:
    """Cells made as outcomes arrive (any order) and put in order are the rows ``add`` makes."""
    outcomes = _outcomes(6)
    plain, early = SummaryRows(), SummaryRows()
    for o in outcomes:
        plain.add(o)
    made = {i: early.cells(o) for i, o in reversed(list(enumerate(outcomes)))}
    for i, o in enumerate(outcomes):
        early.add(o, made[i])
    assert early.mines.parts == plain.mines.parts
    assert early.findings.parts == plain.findings.parts and len(plain.findings) > 2


def test_rows_of_cells_made_ahead_are_the_rows_add_makes() -> None:
    values = [["同一", 3, None, " a ", 2.5, True, "<&>"], [7, "同一", "x" * 40_000, None]]
    plain, ahead = RowsXml(2), RowsXml(2)
    made = [ahead.tails(v) for v in values]
    for v, cells in zip(values, made):
        plain.add(v)
        ahead.put(cells)
    assert ahead.parts == plain.parts
    shifted = RowsXml(2)
    shifted.put([*shifted.tails([1]), *shifted.tails(["同一", 3], 1)])
    assert shifted.parts == [b''.join(cell_xml(ref, None, v).encode() for ref, v in
                                      (("A2", 1), ("B2", "同一"), ("C2", 3))).join(
                                          (b'<row r="2">', b"</row>"))]
