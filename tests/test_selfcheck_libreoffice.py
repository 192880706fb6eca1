"""The XLSX table's formulas, recalculated by LibreOffice, give the scoring engine's numbers.

LibreOffice converts the generated workbook (xlsx -> xlsx), which recalculates every formula and
stores the values; openpyxl then reads the values back. Skipped only when ``soffice`` is absent.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE
from greenmine_docs.api import load
from greenmine_docs.indicators import profile_of, resolve
from greenmine_docs.model.self_check import ItemEntry
from greenmine_docs.scoring import Status
from greenmine_docs.documents.selfcheck.core import COL, prepare
from greenmine_docs.documents.selfcheck.xlsx import build_workbook, workbook

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")


def recalculate_all(books: dict[str, object], folder: Path) -> dict[str, object]:
    """Save each workbook, let one LibreOffice run convert them all, read the values back."""
    src, out, profile = folder / "src", folder / "out", folder / "lo-profile"
    src.mkdir(parents=True)
    for name, wb in books.items():
        if isinstance(wb, bytes):  # the fast writer's output
            (src / f"{name}.xlsx").write_bytes(wb)
        else:
            wb.save(src / f"{name}.xlsx")
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                    *[str(src / f"{n}.xlsx") for n in books]],
                   check=True, capture_output=True, timeout=300)
    return {n: load_workbook(out / f"{n}.xlsx", data_only=True)["自查记录表"] for n in books}


def _variants():
    """The example as is (达标, with not-applicable items), and a failing variant: a category
    below its ratio, an unscored item and a prerequisite not met."""
    sub = load(EXAMPLE).submission
    failing = sub.model_copy(deep=True)
    sc = failing.self_check
    for ref in ("5.1.1", "5.1.2", "5.1.4", "5.3.1", "5.3.3"):
        sc.items[ref] = ItemEntry(score=0, situation="未开展", problem="未开展")
    sc.prerequisites["P2"] = sc.prerequisites["P2"].model_copy(update={"met": False})
    incomplete = sub.model_copy(deep=True)
    del incomplete.self_check.items["6.7.2"]
    return [("example", sub), ("failing", failing), ("incomplete", incomplete)]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    from greenmine_docs.xlsx import write as xlsx_fill

    built = {}
    xlsx_fill.eager_skeletons(True)  # the skeleton on the first call, as batch runs do
    try:
        return _recalculated(built, tmp_path_factory)
    finally:
        xlsx_fill.eager_skeletons(False)


def _recalculated(built, tmp_path_factory):
    for name, sub in _variants():
        data = prepare(sub, resolve(sub.campaign.indicator_set))
        wb, lay = build_workbook(data)
        built[name] = (wb, lay, data, sub)
        # the same table from the cached skeleton (what `greenmine selfcheck` writes)
        built[f"{name}-fast"] = (workbook(data).fast(), lay, data, sub)
    sheets = recalculate_all({n: b[0] for n, b in built.items()}, tmp_path_factory.mktemp("lo"))
    return {n: (sheets[n], *built[n][1:]) for n in built}


@pytest.mark.parametrize("writer", ["", "-fast"])
@pytest.mark.parametrize("name", ["example", "failing", "incomplete"])
def test_libreoffice_totals_equal_the_engine(recalculated, name, writer):
    ws, lay, data, sub = recalculated[name + writer]
    res = data.result
    F, E = COL["score"], COL["points"]
    for cat in res.categories:
        row = lay.category_rows[cat.category.id]
        assert ws.cell(row=row, column=F).value == pytest.approx(cat.score), cat.category.name
        assert ws.cell(row=row, column=E).value == pytest.approx(cat.points)
        assert ws.cell(row=row, column=12).value == pytest.approx(cat.applicable_points)
        if cat.ratio is not None:
            assert ws.cell(row=row, column=13).value == pytest.approx(cat.ratio)
        text = ws.cell(row=row, column=COL["situation"]).value
        open_items = [i for g in cat.groups for i in g.items
                      if i.status in (Status.UNSCORED, Status.INVALID)]
        if open_items:
            assert f"尚有{len(open_items)}项未评分" in text, text
        else:
            assert ("，达到" in text) == cat.passed, text
        for grp in cat.groups:
            g_row = lay.group_rows[grp.group.id]
            assert ws.cell(row=g_row, column=F).value == pytest.approx(grp.score)
    assert ws.cell(row=lay.total_row, column=F).value == pytest.approx(res.raw_total)
    assert ws.cell(row=lay.total_row, column=12).value == pytest.approx(res.applicable_points)
    assert ws.cell(row=lay.converted_row, column=F).value == pytest.approx(res.total)
    assert ws[lay.conclusion_cell].value == res.verdict.value
    # the explanation beside the conclusion is a formula too: it says what the engine says
    row = int("".join(c for c in lay.conclusion_cell if c.isdigit()))
    why = ws.cell(row=row, column=COL["situation"]).value
    if res.verdict.value == "未完成":
        assert why == "评分尚未完成，暂不能得出结论。"
    elif res.failed_prerequisites:
        assert why == "先决条件有不符合项，实行一票否决。"
    else:
        assert f"折算得分{res.total:.2f}分" in why and "达标线" in why
        assert ("各一级指标得分率均达到要求" in why) == all(c.passed for c in res.categories)
    expected = {"example": "达标", "failing": "不达标", "incomplete": "未完成"}[name]
    assert res.verdict.value == expected
    if name == "failing":
        assert not res.categories[4].passed and profile_of(sub).method == "露天开采"
