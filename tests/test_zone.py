"""The demonstration-zone plan (示范区建设方案): ``init --zone`` writes a fictional zone of six
mines; ``zone-plan`` counts from the mines' own files. Each computed figure in the document is
compared with a count made here from the YAML files, without the project's tables."""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import EXAMPLES, run_cli
from greenmine_docs import api
from greenmine_docs.errors import InputError, OutputError

FLAWED = EXAMPLES / "flawed-zone"
CHAPTERS = ["一、总论", "二、示范区基本情况", "三、绿色矿山建设现状与问题", "四、指导思想与建设目标",
            "五、主要任务", "六、重点工程", "七、保障措施"]


@pytest.fixture(scope="module")
def zone_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("zone") / "示范区"
    written = api_init(folder)
    assert len([p for p in written if p.parent.name == "mines"]) >= 6
    return folder


def api_init(folder: Path) -> list[Path]:
    from greenmine_docs.documents.zone.example import write_example_zone

    return write_example_zone(folder)


@pytest.fixture(scope="module")
def plan(zone_dir) -> Document:
    out = zone_dir / "out" / "方案.docx"
    result = api.zone_plan(zone_dir / "zone.yaml", out)
    assert result.written == [out] and not result.report.errors, result.report.findings
    return Document(str(out))


def _mines(zone_dir: Path) -> list[dict]:
    zone = yaml.safe_load((zone_dir / "zone.yaml").read_text(encoding="utf-8"))
    return [yaml.safe_load((zone_dir / f).read_text(encoding="utf-8")) for f in zone["mines"]]


def _table(doc: Document, first_header: str, second: str):
    return next(t for t in doc.tables
                if t.rows[0].cells[0].text == first_header and t.rows[0].cells[1].text == second)


def _conditions_by_hand(m: dict) -> list[bool]:
    """The six conditions, judged here from the file on the campaign's reference date."""
    day = m["campaign"]["reference_date"]
    lic, el, r = m["mine"]["licence"], m["eligibility"], m["reserves"]
    since = day.replace(year=day.year - 3)
    open_penalties = [p for p in el["penalties"] if since <= p["date"] <= day and not p["rectified"]]
    return [lic["valid_from"] <= day <= lic["valid_to"] and el["operating_normally"],
            not open_penalties, not el["abnormal_list"], not el["protected_area"]["overlaps"],
            r["remaining"]["value"] / r["annual_production"]["value"] >= 3,
            el["plan_review"]["written"] and el["plan_review"]["passed"]]


def test_init_zone_writes_six_valid_varied_mines(zone_dir):
    mines = _mines(zone_dir)
    assert len(mines) >= 6
    assert len({m["mine"]["licence"]["mineral"] for m in mines}) >= 5
    assert {m["mine"]["licence"]["method"] for m in mines} == {"露天开采", "地下开采"}
    assert len({m["enterprise"]["uscc"] for m in mines}) == len(mines)
    for f in sorted((zone_dir / "mines").glob("*.yaml")):
        run = api.check(api.load(f))
        assert run.model is not None
        assert {x.code for x in run.report.errors} <= {"GM-E203", "GM-E205", "GM-E207"}, f


def test_chapters_and_the_counts_by_mineral_county_level_and_scale(plan, zone_dir):
    texts = [p.text.strip() for p in plan.paragraphs if p.text.strip()]
    positions = [texts.index(t) for t in CHAPTERS]
    assert positions == sorted(positions) and "附表" in texts[positions[-1]:]
    mines = _mines(zone_dir)
    by_mineral = _table(plan, "序号", "矿种")
    body = by_mineral.rows[1:-1]
    assert {r.cells[1].text: int(r.cells[2].text) for r in body} == \
        dict(Counter(m["mine"]["licence"]["mineral"] for m in mines))
    tonnes = sum(m["reserves"]["remaining"]["value"] for m in mines
                 if m["reserves"]["remaining"]["unit"] == "万吨")
    cubic = sum(m["reserves"]["remaining"]["value"] for m in mines
                if m["reserves"]["remaining"]["unit"] == "万立方米")
    total = by_mineral.rows[-1].cells[3].text
    assert f"{tonnes:g}万吨" in total and f"{cubic:g}万立方米" in total
    county = _table(plan, "序号", "县（市、区）")
    assert {r.cells[1].text: int(r.cells[2].text) for r in county.rows[1:]} == \
        dict(Counter(m["mine"]["location"]["county"] for m in mines))
    level = _table(plan, "名录级别", "矿山数（座）")
    counted = Counter(m["mine"]["directory_level"] for m in mines)
    assert {r.cells[0].text: int(r.cells[1].text) for r in level.rows[1:-1]} == \
        {k: counted.get(k, 0) for k in ("国家级", "省级", "市级", "未入选")}
    scale = _table(plan, "生产规模", "露天开采")
    methods = [c.text for c in scale.rows[0].cells[1:-1]]
    cells = Counter((m["mine"]["scale_class"], m["mine"]["licence"]["method"]) for m in mines)
    for row in scale.rows[1:-1]:
        assert [int(c.text) for c in row.cells[1:-1]] == [cells[(row.cells[0].text, mt)]
                                                         for mt in methods]
    assert int(scale.rows[-1].cells[-1].text) == len(mines)


def test_six_conditions_match_a_judgement_by_hand_and_failures_are_explained(plan, zone_dir):
    mines = _mines(zone_dir)
    table = next(t for t in plan.tables if t.rows[0].cells[-1].text == "全部符合")
    rows = [r for r in table.rows[1:] if r.cells[0].text.isdigit()]
    assert len(rows) == len(mines)
    for row, m in zip(rows, mines):
        assert row.cells[1].text == m["mine"]["name"]
        marks = [c.text for c in row.cells[2:8]]
        assert marks == ["√" if ok else "×" for ok in _conditions_by_hand(m)]
    failing = [m for m in mines if not all(_conditions_by_hand(m))]
    assert len(failing) == 3
    reasons = _table(plan, "序号", "矿山")
    assert [r.cells[1].text for r in reasons.rows[1:]] == [m["mine"]["name"] for m in failing]
    assert "2022年11月8日" in reasons.rows[2].cells[2].text  # dates as documents write them


def test_targets_baseline_is_the_counted_share_and_investment_adds_up(plan, zone_dir):
    zone = yaml.safe_load((zone_dir / "zone.yaml").read_text(encoding="utf-8"))
    mines = _mines(zone_dir)
    big = [m for m in mines if m["mine"]["scale_class"] in ("大型", "中型")]
    listed = [m for m in big if m["mine"]["directory_level"] != "未入选"]
    assert zone["targets"][0]["baseline"] == pytest.approx(len(listed) * 100 / len(big))
    tables = [t for t in plan.tables if t.rows[0].cells[0].text == "编号"
              and t.rows[0].cells[-1].text == "合计"]
    by_year = tables[-1]
    years = [c.text for c in by_year.rows[0].cells[2:-1]]
    assert years == [f"{y}年" for y in range(2024, 2027)]
    total = by_year.rows[-1].cells
    assert float(total[-1].text) == pytest.approx(sum(p["investment"] for p in zone["projects"]))
    assert float(total[-1].text) == pytest.approx(zone["total_investment"])
    for row, project in zip(by_year.rows[1:-1], zone["projects"]):
        values = [0.0 if c.text == "—" else float(c.text) for c in row.cells[2:-1]]
        assert sum(values) == pytest.approx(project["investment"])
        for y, v in (project.get("by_year") or {}).items():
            assert values[years.index(f"{y}年")] == pytest.approx(v)


def test_flawed_zone_gives_exactly_its_findings_and_is_not_written(tmp_path):
    expected = yaml.safe_load((FLAWED / "expected-findings.yaml").read_text(encoding="utf-8"))
    want = sorted((f["code"], f["path"], f["line"]) for f in expected["findings"])
    result = api.zone_plan(FLAWED / "zone.yaml", tmp_path / "z.docx")
    got = sorted((f.code, f.location.path, f.location.line) for f in result.report.findings)
    assert got == want and result.blocked and not (tmp_path / "z.docx").exists()


def test_a_broken_mine_is_listed_not_fatal(zone_dir, tmp_path):
    folder = tmp_path / "z"
    shutil.copytree(zone_dir, folder, ignore=shutil.ignore_patterns("out"))
    (folder / "mines" / "07-broken.yaml").write_text("schema_version: 1\ncampaign: [\n",
                                                     encoding="utf-8")
    text = (folder / "zone.yaml").read_text(encoding="utf-8")
    text = text.replace("  - mines/06-shiziling.yaml\n",
                        "  - mines/06-shiziling.yaml\n  - mines/07-broken.yaml\n")
    (folder / "zone.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "z.docx"
    result = api.zone_plan(folder / "zone.yaml", out)
    assert [f.code for f in result.report.warnings] == ["GM-W951"] and result.written == [out]
    doc = Document(str(out))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any("mines/07-broken.yaml" in c and "资料不全" in c for c in cells)
    assert not any("/tmp" in c for c in cells)


def test_zone_text_is_never_run_as_a_template(zone_dir, tmp_path):
    folder = tmp_path / "z"
    shutil.copytree(zone_dir, folder, ignore=shutil.ignore_patterns("out"))
    text = (folder / "zone.yaml").read_text(encoding="utf-8")
    text = text.replace("  basis: 依据", "  basis: 注{{ 6 * 7 }}{% if 1 %}x{% endif %}依据")
    (folder / "zone.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "z.docx"
    assert api.zone_plan(folder / "zone.yaml", out).written
    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "注{{ 6 * 7 }}{% if 1 %}x{% endif %}依据" in body and "42" not in body


def test_command_line(runner, zone_dir, tmp_path):
    fresh = tmp_path / "新示范区"
    res = run_cli(runner, "init", "--zone", fresh)
    assert res.code == 0 and (fresh / "zone.yaml").exists()
    again = run_cli(runner, "init", "--zone", fresh)
    assert again.code == 2 and "Traceback" not in again.output
    out = tmp_path / "方案.docx"
    res = run_cli(runner, "zone-plan", fresh / "zone.yaml", "-o", out)
    assert res.code == 0 and out.exists(), res.output
    res = run_cli(runner, "zone-plan", FLAWED / "zone.yaml", "-o", tmp_path / "x.docx")
    assert res.code == 1 and "GM-E956" in res.stderr
    for bad in (tmp_path / "none.yaml", fresh / "mines" / "01-qinglan.yaml"):
        res = run_cli(runner, "zone-plan", bad, "-o", tmp_path / "y.docx")
        assert res.code in (1, 2) and "Traceback" not in res.output
    res = run_cli(runner, "zone-plan", fresh / "zone.yaml", "-o", tmp_path / "y.xlsx")
    assert res.code == 2 and "docx" in res.stderr


def test_the_template_read_is_never_overwritten(zone_dir, tmp_path):
    from greenmine_docs.resources import template_path

    target = tmp_path / "模板.docx"
    shutil.copy(template_path("zone_plan", "zone-template.docx"), target)
    before = target.read_bytes()
    with pytest.raises(OutputError, match="拒绝覆盖输入"):
        api.zone_plan(zone_dir / "zone.yaml", target, template=target, force=True)
    assert target.read_bytes() == before
    with pytest.raises(InputError):
        api.zone_plan(zone_dir / "zone.yaml", zone_dir / "zone.yaml", force=True)


def test_libreoffice_converts_the_zone_plan(libreoffice, zone_dir, tmp_path):
    out = tmp_path / "z.docx"
    result = api.zone_plan(zone_dir / "zone.yaml", out, pdf=True)
    assert out.with_suffix(".pdf") in result.written


def test_check_kind_zone_plan_reads_the_plan_against_its_outline(runner, plan, zone_dir):
    res = run_cli(runner, "check", zone_dir / "out" / "方案.docx", "--kind", "zone-plan")
    assert res.code == 0 and "错误 0 项" in res.stdout, res.output
