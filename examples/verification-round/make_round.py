"""Regenerate the fictional example round (every mine, company and figure is invented):

    .venv/bin/python examples/verification-round/make_round.py

writes 名录.xlsx (48 mines in three cities), 核查名单.xlsx (drawn by ``greenmine sample`` with a
fixed seed), records/ (the check teams' filled records: 14 mines, a mix of outcomes) and
flawed/ (records with the mistakes ``verify read`` must report). Same output on every run.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("GREENMINE_FIXED_CLOCK", "2023-11-10T09:00:00")  # same bytes every run


def _save(wb, path: Path) -> None:
    from greenmine_docs.xlsx_fill import save_workbook

    path.write_bytes(save_workbook(wb))
SEED = 20231001
CITIES = {
    "吕梁": ("交城县", "文水县", "孝义市", "柳林县"),
    "晋中": ("灵石县", "介休市", "平遥县", "寿阳县"),
    "长治": ("襄垣县", "屯留区", "长子县", "沁源县"),
}
PLACES = ("西岭", "石门", "青杨", "南坪", "柏树沟", "红崖", "东庄", "水峪", "白家岭", "后沟",
          "马鞍山", "杏树坪", "龙泉", "西沟", "双峰", "下庄", "黄土坡", "松树岭", "前进", "沙河")
FIRMS = ("青岚", "晋安", "华岳", "汇通", "鑫源", "昌宁", "恒泰", "兴旺", "瑞丰", "中晋", "宏达", "永安")
KINDS = (("石灰岩", "露天开采", "建材有限公司"), ("煤", "地下开采", "煤业有限公司"),
         ("建筑石料用灰岩", "露天开采", "石料有限公司"), ("铝土矿", "露天-地下联合开采", "矿业有限公司"),
         ("铁矿", "露天开采", "矿业有限公司"))
# per city: national, provincial, municipal
COUNTS = {"吕梁": (2, 5, 10), "晋中": (2, 5, 9), "长治": (3, 4, 8)}

# concrete problems by item: (what was found, where; what to do)
PROBLEMS = {
    "1.1.2": ("矿区东侧运输道路约300米路段未硬化，雨后积水，车辆通过时扬尘明显",
              "对该路段进行硬化并设置排水边沟"),
    "1.1.4": ("工业场地入口处未设置矿区简介牌，3号排土场坡顶未设置安全警示标志",
              "在工业场地入口补设矿区简介牌，在3号排土场坡顶和坡脚设置安全警示标志"),
    "1.1.6": ("破碎车间北侧成品料堆约2000平方米未苫盖，四周无挡风抑尘设施",
              "对该料堆全部苫盖或建设封闭料棚，四周设置防风抑尘网"),
    "1.1.9": ("二级破碎机出料口和1号皮带转运点未设置喷淋或集尘装置，现场粉尘明显",
              "在二级破碎机出料口和1号皮带转运点加装集尘罩和喷雾降尘装置"),
    "1.2.1": ("办公区西侧约0.8公顷可绿化空地未绿化，地表裸露未覆盖",
              "对该空地进行绿化，种植乡土树种并落实养护"),
    "1.2.4": ("已停用的2号排土场（约3.5公顷）平台和边坡未覆土绿化",
              "制定2号排土场复绿计划，完成覆土并种植灌草"),
    "2.1.1": ("+1250米至+1238米台阶先采下部台阶，开采顺序与开发利用方案不一致",
              "按开发利用方案恢复自上而下的开采顺序，补办开采设计变更手续"),
    "2.1.4": ("2022年度开采回采率为86.1%，低于开发利用方案确定的92%",
              "分析回采率偏低的原因，制定提高回采率的技术措施并报备"),
    "2.3.1": ("矿山地质环境保护与土地复垦方案适用期至2022年12月，已到期未重新编制",
              "重新编制矿山地质环境保护与土地复垦方案并报审"),
    "2.3.2": ("南采区已闭坑的1号采坑（约4.2公顷）未开展复垦",
              "对1号采坑制定复垦计划，完成削坡、覆土和植被恢复"),
    "2.3.3": ("2022年应计提矿山地质环境治理恢复基金86万元，实际计提30万元",
              "补足未计提的基金并建立基金使用台账"),
    "2.4.2": ("排土场边坡变形监测点2处损坏，2023年4月以来无监测记录",
              "修复损坏的监测点，恢复按月监测并留存记录"),
    "3.2.1": ("危险废物暂存间地面无防渗层，门口未设置危险废物标识",
              "对危险废物暂存间地面做防渗处理，设置危险废物识别标志"),
    "3.2.5": ("废机油转移未执行转移联单制度，2023年1—6月无台账记录",
              "建立危险废物管理台账，委托有资质单位处置并执行转移联单"),
    "3.3.1": ("工业场地北侧未建截排水沟，雨水经料堆直接流入下游冲沟",
              "在工业场地北侧修建截排水沟和沉淀池"),
    "4.2.2": ("凿岩作业未采用湿式凿岩，2台凿岩设备未配备捕尘装置",
              "2台凿岩设备加装捕尘装置或改用湿式凿岩"),
    "4.2.3": ("2023年第二季度厂界无组织颗粒物监测报告中东厂界超标（1.3毫克/立方米）",
              "查明超标原因并采取抑尘措施，整改后复测"),
    "4.4.4": ("2023年3月周边居民投诉夜间运输噪声，未见处理和反馈记录",
              "核实投诉情况，调整夜间运输时段并向投诉人反馈"),
}
TEAMS = ("张建国（组长）、李文华、王晓燕、赵志刚", "刘海涛（组长）、陈静、孙立军",
         "杨志勇（组长）、周敏、吴晓东、郑红梅、冯磊")


def directory_rows() -> list[list[str]]:
    rng = random.Random(SEED)
    rows, used = [], set()
    for city, (nat, prov, muni) in COUNTS.items():
        for level, n in (("国家级", nat), ("省级", prov), ("市级", muni)):
            for _ in range(n):
                while True:
                    county = rng.choice(CITIES[city])
                    place = rng.choice(PLACES)
                    mineral, method, suffix = rng.choice(KINDS)
                    firm = rng.choice(FIRMS)
                    name = f"{city}{firm}{suffix.removesuffix('有限公司')}{county}{place}{mineral.removesuffix('矿')}矿"
                    if name not in used:
                        used.add(name)
                        break
                holder = f"山西{firm}{suffix}"
                year = rng.choice((2019, 2020, 2021, 2022))
                rows.append([name, level, city, county, mineral, method, str(year), holder,
                             "是" if rng.random() < 0.1 else "否",
                             "是" if rng.random() < 0.15 else "否"])
    return rows


def write_directory(path: Path) -> list[list[str]]:
    from openpyxl import Workbook

    rows = directory_rows()
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["矿山名称", "名录级别", "所在市", "所在县（市、区）", "开采矿种", "开采方式", "入选年度",
               "采矿权人", "被举报/信访问题", "以往整改要求"])
    for r in rows:
        ws.append(r)
    _save(wb, path)
    return rows


# the outcome mix: index in the sample -> (failed conditions, problem items)
def plan_for(index: int, items: list[str]) -> tuple[list[str], list[str]]:
    if index == 1:
        return ["条件2"], items[:2]
    if index == 4:
        return [], items[:9]
    if index % 4 == 3:
        return [], []
    rng = random.Random(SEED + index)
    return [], sorted(rng.sample(items, rng.randint(1, 5)), key=items.index)


def check_score(plan: tuple[list[str], list[str]]) -> int:
    """The check team's own score of the fictional mine (1000-point scale)."""
    failed, problems = plan
    return 930 - 18 * len(problems) - (150 if failed else 0)


AGENCIES = ("汾河矿业咨询有限公司", "太行生态环境工程咨询有限公司", "晋岳绿色矿山技术服务有限公司")
# how far above the check each agency scores, and whether it gives full points on deficient items
AGENCY_HABIT = {AGENCIES[0]: (20, True), AGENCIES[1]: (130, True), AGENCIES[2]: (35, False)}


def write_assessments(path: Path, mines: list[str], plans: list[tuple[list[str], list[str]]],
                      points: dict[str, float]) -> None:
    """The agencies' assessments of the sampled mines (all but one had one)."""
    from openpyxl import Workbook

    wb = Workbook()
    totals = wb.active
    totals.title = "评估结论"
    totals.append(["矿山名称", "评估机构", "评估得分", "评估结论"])
    items = wb.create_sheet("评估得分")
    items.append(["矿山名称", "指标编号", "分值", "评估得分"])
    for i, (mine, plan) in enumerate(zip(mines, plans)):
        if i == 6:
            continue  # this mine entered the list before third-party assessments
        agency = AGENCIES[i % 3]
        above, full = AGENCY_HABIT[agency]
        score = min(1000, check_score(plan) + above)
        totals.append([mine, agency, score, "达标" if score >= 800 else "不达标"])
        for ident, pts in points.items():
            given = pts if (full or ident not in plan[1]) else pts / 2
            items.append([mine, ident, pts, given])
    _save(wb, path)


def fill_record(path: Path, index: int, holder: str, plan: tuple[list[str], list[str]]) -> None:
    from openpyxl import load_workbook

    failed, problems = plan
    wb = load_workbook(path)
    ws = wb["记录表"]
    start = dt.date(2023, 10, 9) + dt.timedelta(days=index)
    ws["B4"] = holder
    ws["B6"] = TEAMS[index % len(TEAMS)]
    ws["B7"], ws["D7"], ws["F7"] = start, start + dt.timedelta(days=1), start + dt.timedelta(days=1)
    ws["B8"] = check_score(plan)
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        ident = str(row[0].value or "")
        if ident.startswith("条件"):
            bad = ident in failed
            row[2].value = "查阅资料、人员询问"
            row[3].value = ("2022年6月因超层越界开采受到行政处罚（处罚决定书编号见附件），现场查看越界区域未恢复治理"
                            if bad else "查阅相关证照、证明材料和公示系统，未见异常")
            row[4].value = "不符合" if bad else "符合"
            row[5].value = "行政处罚至今未整改到位" if bad else None
        elif ident in PROBLEMS:
            bad = ident in problems
            row[2].value = "查阅资料、现场查看"
            row[3].value = "现场查看相关场所并查阅台账" if bad else "查阅资料、现场查看，符合要求"
            row[4].value = "是" if bad else "否"
            if bad:
                row[5].value, row[6].value = PROBLEMS[ident]
    _save(wb, path)


def main() -> int:
    from greenmine_docs.officials.sample_run import run_sample
    from greenmine_docs.officials.verify.config import load_round
    from greenmine_docs.officials.verify.sample_read import read_sample
    from greenmine_docs.officials.verify.sheets import record_stem, run_sheets

    rows = write_directory(HERE / "名录.xlsx")
    holders = {r[0]: r[7] for r in rows}
    run_sample(HERE / "名录.xlsx", HERE / "核查名单.xlsx", ratio="0.25", seed=SEED,
               priorities="reported,rectification", date=dt.date(2023, 9, 28), province="山西省",
               year=2023, force=True)
    round_items = load_round(HERE / "round.yaml").items
    items = [i.id for i in round_items]
    records = HERE / "records"
    shutil.rmtree(records, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_sheets(HERE / "核查名单.xlsx", tmp, round_path=HERE / "round.yaml", docx=False)
        records.mkdir()
        drawn = read_sample(HERE / "核查名单.xlsx").mines
        for i, mine in enumerate(drawn):
            name = f"{record_stem(mine.name)}.xlsx"
            shutil.copy(Path(tmp) / name, records / name)
            fill_record(records / name, i, holders[mine.name], plan_for(i, items))
    write_assessments(HERE / "评估结果.xlsx", [m.name for m in drawn],
                      [plan_for(i, items) for i in range(len(drawn))],
                      {i.id: i.points for i in round_items})
    from flawed import write_flawed  # noqa: E402  (next to this script)

    write_flawed(HERE, holders)
    write_ledger(HERE / "整改台账.xlsx")
    return 0


def write_ledger(path: Path) -> None:
    """The ledger ``verify close`` writes, half brought up to date: mines alternate between
    all items accepted, items done but not yet accepted, and nothing reported."""
    from openpyxl import load_workbook

    from greenmine_docs.officials.verify.close import LEDGER, run_close

    with tempfile.TemporaryDirectory() as tmp:
        run_close([HERE / "records"], tmp, round_path=HERE / "round.yaml",
                  sample_path=HERE / "核查名单.xlsx")
        wb = load_workbook(Path(tmp) / LEDGER)
    ws = wb["整改台账"]
    mines: list[str] = []
    for row in ws.iter_rows(min_row=3):
        if not row[1].value:
            continue
        if row[1].value not in mines:
            mines.append(row[1].value)
        state = mines.index(row[1].value) % 3
        if state == 2:
            continue  # nothing reported yet
        done = dt.date(2024, 1, 8) + dt.timedelta(days=row[0].row)
        row[7].value = "已按整改要求完成，见整改报告第" + str(row[0].value) + "项"
        row[8].value = "整改前后对比照片、施工记录"
        row[9].value = done
        if state == 0:
            row[10].value, row[11].value = "县自然资源局 王明", done + dt.timedelta(days=5)
    _save(wb, path)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
