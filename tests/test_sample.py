"""``greenmine sample``: groups, quotas, priority rules, reproducibility, outputs, bad lists."""
from __future__ import annotations

import hashlib
import json
import math
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from fixtures.officials.helpers import LIST_HEADERS, invoke, synthetic_list, write_list
from greenmine_docs.errors import InputError
from greenmine_docs.officials.mine_list import ListedMine, read_list
from greenmine_docs.officials.sample_run import run_sample
from greenmine_docs.officials.sampling import draw_sample, parse_priorities, parse_ratio, quota


@pytest.fixture
def listfile(tmp_path: Path) -> Path:
    return write_list(tmp_path / "名录.xlsx", synthetic_list())


def _mine(name: str, level: str = "市级", city: str = "吕梁市", **kw) -> ListedMine:
    return ListedMine(name=name, level=level, city=city, row=kw.pop("row", 2), **kw)


# --- quotas and groups -------------------------------------------------------------------

@pytest.mark.parametrize("n,ratio,expected", [
    (10, "0.2", 2), (11, "0.2", 3), (1, "0.2", 1), (5, "0.2", 1), (6, "0.2", 2),
    (10, "0.3", 3),  # 0.3 * 10 is 3.0000000000000004 in floats: must not become 4
    (7, "20%", 2), (100, "0.07", 7), (3, "1", 3), (0, "0.2", 0),
])
def test_quota_is_exact_ceiling(n: int, ratio: str, expected: int) -> None:
    assert quota(n, parse_ratio(ratio)) == expected


@pytest.mark.parametrize("bad", ["0", "-0.1", "1.5", "abc", "120%", "1/0"])
def test_bad_ratio_is_rejected(bad: str) -> None:
    with pytest.raises(InputError):
        parse_ratio(bad)


def test_groups_follow_who_checks_whom() -> None:
    mines = [_mine("甲国家级矿", "国家级", "太原市"), _mine("乙省级矿", "省级", "吕梁市"),
             _mine("丙市级矿", "市级", "吕梁市"), _mine("丁市级矿", "市级", "吕梁"),
             _mine("戊市级矿", "市级", "大同市")]
    result = draw_sample(mines, ratio=Decimal("0.2"), seed=1)
    groups = {g.key: sorted(d.mine.name for d in g.draws) for g in result.groups}
    assert groups == {"province": sorted(["甲国家级矿", "乙省级矿"]),
                      "city:吕梁": sorted(["丙市级矿", "丁市级矿"]),  # 吕梁 and 吕梁市: one city
                      "city:大同": ["戊市级矿"]}
    assert result.groups[0].key == "province"
    # without a name in the list, the level that checks, never an invented bureau name
    assert result.groups[0].checker == "省级自然资源主管部门"
    assert result.groups[1].checker == "吕梁市自然资源主管部门"


def test_checkers_are_named_as_the_list_names_them() -> None:
    mines = [_mine("丙市级矿", "市级", "吕梁市"),
             _mine("丁市级矿", "市级", "吕梁", checker="吕梁市规划和自然资源局"),
             _mine("甲国家级矿", "国家级", "太原市", checker="山西省自然资源厅")]
    result = draw_sample(mines, ratio=Decimal("0.2"), seed=1, province="山西省")
    checkers = {g.key: g.checker for g in result.groups}
    assert checkers == {"province": "山西省自然资源厅", "city:吕梁": "吕梁市规划和自然资源局"}


def test_every_group_meets_the_ratio(listfile: Path) -> None:
    ml = read_list(listfile)
    for ratio in ("0.2", "0.25", "0.5", "1"):
        result = draw_sample(ml.mines, ratio=Decimal(ratio), seed=7)
        assert len(result.groups) == 7
        for g in result.groups:
            assert len(g.drawn) == g.required == math.ceil(Decimal(ratio) * g.listed)
            assert len(g.drawn) >= float(ratio) * g.listed
            assert all(d.reason == "随机" for d in g.drawn)
    sizes = {g.label: g.listed for g in draw_sample(ml.mines, ratio=Decimal("0.2"), seed=7).groups}
    assert sizes["省级核查（国家级、省级矿山）"] == 23 and sizes["晋中市（市级矿山）"] == 1


# --- reproducibility ---------------------------------------------------------------------

def _names(result) -> list[str]:
    return sorted(d.mine.name for _, d in result.drawn)


def test_same_seed_same_sample_independent_of_row_order(tmp_path: Path) -> None:
    rows = synthetic_list()
    a = read_list(write_list(tmp_path / "a.xlsx", rows)).mines
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    b = read_list(write_list(tmp_path / "b.xlsx", shuffled,
                             preamble=[["2023年绿色矿山名录"], []])).mines
    ra = draw_sample(a, ratio=Decimal("0.2"), seed=20231001)
    rb = draw_sample(b, ratio=Decimal("0.2"), seed=20231001)
    assert _names(ra) == _names(rb)
    others = {tuple(_names(draw_sample(a, ratio=Decimal("0.2"), seed=s))) for s in range(1, 6)}
    assert len(others) > 1  # the seed matters


def test_adding_a_mine_in_one_city_leaves_other_groups_alone(listfile: Path) -> None:
    mines = read_list(listfile).mines
    before = draw_sample(mines, ratio=Decimal("0.2"), seed=5)
    after = draw_sample(mines + [_mine("新增太原市级矿", city="太原市", row=999)],
                        ratio=Decimal("0.2"), seed=5)
    for g_before, g_after in zip(before.groups, after.groups):
        if g_before.key != "city:太原":
            assert [d.mine.name for d in g_before.drawn] == [d.mine.name for d in g_after.drawn]


def test_ticket_is_the_documented_sha256() -> None:
    m = _mine("山西青岚建材有限公司青岚山水泥用灰岩矿", licence="C1411002011031120107654")
    result = draw_sample([m], ratio=Decimal("0.2"), seed=42)
    expected = hashlib.sha256(
        "greenmine-sample-v1|42|city:吕梁|山西青岚建材有限公司青岚山水泥用灰岩矿|C1411002011031120107654"
        .encode()).hexdigest()
    assert result.groups[0].draws[0].ticket == expected


def test_same_result_under_different_hash_seeds(listfile: Path, tmp_path: Path) -> None:
    outputs = []
    for hashseed in ("0", "12345"):
        out = tmp_path / f"s{hashseed}.xlsx"
        code = ("import sys; from greenmine_docs.cli import main; "
                "main(sys.argv[1:])")
        proc = subprocess.run(
            [sys.executable, "-c", code, "sample", str(listfile), "-o", str(out), "--seed", "99",
             "--priority", "all", "--format", "json", "--date", "2023-10-01"],
            capture_output=True, text=True, env={"PYTHONHASHSEED": hashseed, "PATH": "/usr/bin"},
            check=False)
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        outputs.append([[m["name"] for m in g["mines"]] for g in data["groups"]])
    assert outputs[0] == outputs[1]


# --- priority rules ------------------------------------------------------------------------

def test_priority_mines_fill_places_first() -> None:
    mines = [_mine(f"吕梁第{i}矿", method="地下开采", row=i) for i in range(10)]
    mines[7] = _mine("吕梁被举报矿", method="地下开采", reported=True, row=7)
    result = draw_sample(mines, ratio=Decimal("0.2"), seed=3, priorities=("reported",))
    drawn = result.groups[0].drawn
    assert len(drawn) == 2
    by_name = {d.mine.name: d.reason for d in drawn}
    assert by_name["吕梁被举报矿"] == "优先：被举报/信访"
    assert sorted(by_name.values()) == ["优先：被举报/信访", "随机"]


def test_more_priority_mines_than_places_are_drawn_among_themselves() -> None:
    mines = [_mine(f"吕梁第{i}矿", method="露天开采" if i < 6 else "地下开采", row=i)
             for i in range(10)]
    results = [draw_sample(mines, ratio=Decimal("0.2"), seed=s, priorities=("open-pit",))
               for s in range(8)]
    for r in results:
        assert all(d.mine.open_pit and d.reason == "优先：露天开采" for d in r.groups[0].drawn)
        assert "GM-I607" in r.report.codes()
    assert len({tuple(_names(r)) for r in results}) > 1  # random among the open-pit mines


def test_combined_method_counts_as_open_pit_and_rules_parse() -> None:
    assert _mine("x", method="露天-地下联合开采").open_pit
    assert parse_priorities("露天，举报、rectification") == ("open-pit", "reported", "rectification")
    assert parse_priorities(None) == ()
    with pytest.raises(InputError):
        parse_priorities("open-pit,biggest")


def test_flags_accept_free_text(tmp_path: Path) -> None:
    rows = [[1, "甲矿", "市级", "吕梁市", "", "", "露天开采", "2021", "2022年群众信访反映扬尘", "否"],
            [2, "乙矿", "市级", "吕梁市", "", "", "地下开采", "2021", "无", "√"],
            [3, "丙矿", "市级", "吕梁市", "", "", "地下开采", "2021", "", "/"]]
    mines = {m.name: m for m in read_list(write_list(tmp_path / "l.xlsx", rows)).mines}
    assert (mines["甲矿"].reported, mines["甲矿"].rectification) == (True, False)
    assert (mines["乙矿"].reported, mines["乙矿"].rectification) == (False, True)
    assert (mines["丙矿"].reported, mines["丙矿"].rectification) == (False, False)


# --- outputs -------------------------------------------------------------------------------

def test_workbook_and_docx_contents(listfile: Path, tmp_path: Path) -> None:
    out, docx_out = tmp_path / "核查名单.xlsx", tmp_path / "核查名单.docx"
    code, stdout, stderr = invoke(["sample", listfile, "-o", out, "--ratio", "0.2", "--seed", "7",
                                   "--priority", "open-pit,reported,rectification",
                                   "--docx", docx_out, "--date", "2023-10-08", "--province", "山西省"])
    assert code == 0, stderr
    assert "共抽取 16 座" in stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["核查名单", "抽取记录", "全部名录"]
    ws = wb["核查名单"]
    assert ws["A1"].value == "2023年绿色矿山实地核查名单"
    assert [c.value for c in ws[2]][:5] == ["序号", "核查组别", "核查单位", "矿山名称", "名录级别"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert len(rows) == 16 and [r[0] for r in rows] == list(range(1, 17))
    assert rows[0][2] == "山西省自然资源主管部门"
    assert all(r[10] == "随机" or r[10].startswith("优先：") for r in rows)
    assert ws.print_title_rows == "$2:$2" and ws.freeze_panes == "E3"
    audit = {r[0].value: r[1].value for r in wb["抽取记录"].iter_rows(min_row=2, max_row=10)}
    assert audit["随机种子"] == 7
    assert audit["抽取日期"] == "2023-10-08"
    assert audit["优先规则"] == "露天开采、被举报/信访、以往整改要求"
    assert audit["名录文件 SHA-256"] == hashlib.sha256(listfile.read_bytes()).hexdigest()
    assert audit["抽取比例"].startswith("0.2（20%）")
    counts = [[c.value for c in r] for r in wb["抽取记录"].iter_rows(min_row=12)
              if r[0].value and r[0].value not in ("合计", "核查组别")]
    assert counts[0] == ["省级核查（国家级、省级矿山）", "山西省自然资源主管部门", 23, 5, 5, 5, 0, 13]
    assert [c[2] for c in counts] == [23, 7, 12, 5, 1, 10, 9]
    assert [c[3] for c in counts] == [5, 2, 3, 1, 1, 2, 2]
    full = list(wb["全部名录"].iter_rows(min_row=2, values_only=True))
    assert len(full) == 67 and sum(1 for r in full if r[9] == "是") == 16

    doc = Document(str(docx_out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "附件3" and texts[1] == "2023年绿色矿山实地核查名单"
    assert doc.paragraphs[1].style.name == "Title"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "矿山名称", "级别"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    names_docx = {r.cells[1].text for r in table.rows[1:] if r.cells[0].text.isdigit()}
    assert names_docx == {r[3] for r in rows}
    assert "省级核查（国家级、省级矿山）　核查单位：山西省自然资源主管部门　名录23座，抽取5座" in \
        [r.cells[0].text for r in table.rows]
    assert "随机种子7" in texts[-1] and "2023年10月8日" in texts[-1]
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height  # landscape


def test_template_round_trip(tmp_path: Path) -> None:
    tpl = tmp_path / "名录模板.xlsx"
    code, stdout, _ = invoke(["sample", "--template", "-o", tpl])
    assert code == 0 and tpl.exists()
    wb = load_workbook(tpl)
    assert wb.sheetnames == ["名录", "填写说明"]
    ws = wb["名录"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["＊矿山名称", "＊名录级别", "＊所在市"]  # as in the input workbook
    assert any('"国家级,省级,市级"' in dv.formula1 for dv in ws.data_validations.dataValidation)
    for i in range(12):
        ws.append([f"模板测试{i}号矿", "市级", "朔州市", "", "", "露天开采", 2022])
    wb.save(tpl)
    result = run_sample(tpl, tmp_path / "out.xlsx", seed=1).result
    assert [(g.listed, g.required, len(g.drawn)) for g in result.groups] == [(12, 3, 3)]
    # lists made from the former template (mark after the name) are still read
    for c in ws[1]:
        if c.value and c.value.startswith("＊"):
            c.value = c.value[1:] + "*"
    wb.save(tpl)
    again = run_sample(tpl, tmp_path / "again.xlsx", seed=1).result
    assert [(g.listed, len(g.drawn)) for g in again.groups] == [(12, 3)]


def test_user_text_is_written_literally(tmp_path: Path) -> None:
    rows = [[1, "{{ 7*7 }}矿 <b>&amp;", "市级", "吕梁市", "", "", "露天开采", 2021, "", ""]]
    src = write_list(tmp_path / "l.xlsx", rows)
    run_sample(src, tmp_path / "o.xlsx", seed=1, docx_path=tmp_path / "o.docx")
    assert load_workbook(tmp_path / "o.xlsx")["核查名单"]["D3"].value == "{{ 7*7 }}矿 <b>&amp;"
    cells = [c.text for r in Document(str(tmp_path / "o.docx")).tables[0].rows for c in r.cells]
    assert "{{ 7*7 }}矿 <b>&amp;" in cells


def test_csv_in_gbk(tmp_path: Path) -> None:
    text = "矿山名称,级别,市,开采方式\n甲矿,省级,太原,露天开采\n乙矿,市级,太原,地下开采\n"
    src = tmp_path / "名录.csv"
    src.write_bytes(text.encode("gbk"))
    result = run_sample(src, tmp_path / "o.xlsx", seed=3, priorities="open-pit").result
    assert [d.mine.name for _, d in result.drawn] == ["甲矿", "乙矿"]
    assert result.drawn[0][1].reason == "优先：露天开采"


# --- bad lists -----------------------------------------------------------------------------

def test_row_problems_are_located_and_block_the_draw(tmp_path: Path) -> None:
    rows = [[1, "甲矿", "市级", "吕梁市", "", "", "", "2021", "", ""],
            [2, "", "市级", "吕梁市", "", "", "", "2021", "", ""],
            [3, "丙矿", "区级", "吕梁市", "", "", "", "2021", "", ""],
            [4, "甲 矿", "市级", "吕梁市", "", "", "", "2021", "", ""],
            [5, "戊矿", "市级", "", "", "", "", "二〇二一", "", ""]]
    src = write_list(tmp_path / "l.xlsx", rows)
    out = tmp_path / "o.xlsx"
    code, stdout, stderr = invoke(["sample", src, "-o", out, "--seed", "1", "--format", "json"])
    assert code == 1 and not out.exists()
    findings = json.loads(stdout)["report"]["findings"]
    found = {(f["code"], f["location"].get("cell")) for f in findings}
    assert {("GM-E601", "B3"), ("GM-E602", "C4"), ("GM-E603", "B5"), ("GM-E604", "D6"),
            ("GM-W605", "H6")} <= found
    code, stdout, stderr = invoke(["sample", src, "-o", out, "--seed", "1"])
    assert code == 1 and "名录有错误，未进行抽取" in stderr and "l.xlsx 名录!C4" in stderr


@pytest.mark.parametrize("headers,message", [
    (("序号", "矿山名称", "所在市"), "缺少必需的列：名录级别"),
    (("序号", "名称A", "级别"), "找不到“矿山名称”表头"),
])
def test_missing_columns_exit_2(tmp_path: Path, headers, message) -> None:
    src = write_list(tmp_path / "l.xlsx", [[1, "甲矿", "市级"]], headers=headers)
    code, _, stderr = invoke(["sample", src, "-o", tmp_path / "o.xlsx"])
    assert code == 2 and message in stderr and "Traceback" not in stderr


def test_rule_without_its_column_exit_2(tmp_path: Path) -> None:
    src = write_list(tmp_path / "l.xlsx", [[1, "甲矿", "市级", "吕梁市"]],
                     headers=("序号", "矿山名称", "名录级别", "所在市"))
    code, _, stderr = invoke(["sample", src, "-o", tmp_path / "o.xlsx", "--priority", "reported"])
    assert code == 2 and "没有“被举报/信访问题”列" in stderr


def test_unusable_files_exit_2(tmp_path: Path, listfile: Path) -> None:
    xls = tmp_path / "名录.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    code, _, stderr = invoke(["sample", xls, "-o", tmp_path / "o.xlsx"])
    assert code == 2 and "另存为" in stderr
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    code, _, stderr = invoke(["sample", broken, "-o", tmp_path / "o.xlsx"])
    assert code == 2 and "不是有效的 Excel 工作簿" in stderr
    code, _, stderr = invoke(["sample", listfile, "-o", listfile, "--force"])
    assert code == 2 and "拒绝覆盖输入" in stderr
    existing = tmp_path / "已有.xlsx"
    existing.write_bytes(b"x")
    code, _, stderr = invoke(["sample", listfile, "-o", existing])
    assert code == 2 and "已存在" in stderr and existing.read_bytes() == b"x"
    code, _, stderr = invoke(["sample", "-o", tmp_path / "o.xlsx"])
    assert code == 2 and "请指定名录文件" in stderr


def test_seed_is_recorded_when_not_given(listfile: Path, tmp_path: Path) -> None:
    outcome = run_sample(listfile, tmp_path / "o.xlsx")
    assert outcome.seed_generated
    again = run_sample(listfile, tmp_path / "p.xlsx", seed=outcome.result.seed)
    assert _names(again.result) == _names(outcome.result)
    audit = {r[0]: r[1] for r in load_workbook(tmp_path / "o.xlsx")["抽取记录"].iter_rows(
        min_row=2, max_row=3, values_only=True)}
    assert audit["随机种子"] == outcome.result.seed


def test_headers_listed_in_module_match_helper() -> None:
    # the helper's synthetic list uses the template's spelling of every column
    from greenmine_docs.officials.mine_list import COLUMNS

    titles = {c.title for c in COLUMNS}
    assert set(LIST_HEADERS) - {"序号"} <= titles


def test_docx_attachment_label_and_title(listfile: Path, tmp_path: Path) -> None:
    out = tmp_path / "名单.docx"
    code, _, err = invoke(["sample", listfile, "-o", tmp_path / "o.xlsx", "--seed", "3",
                           "--docx", out, "--attachment", "附件2", "--title", "吕梁市绿色矿山核查名单"])
    assert code == 0, err
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert texts[:2] == ["附件2", "吕梁市绿色矿山核查名单"]
