"""The body of the third-party assessment report, written with the shared official-layout
:class:`~greenmine_docs.docx.Writer` into the template's ``{{p body }}`` subdocument.

The cover, the commitment letter (评估工作承诺书) and the table of contents are in the template
(``templates/third_party_report/report.docx``). The body here: the chapters 评估概况 / 矿山概况 /
先决条件评估 / 评分情况 / 亮点与特色 / 存在问题及整改建议 / 评估结论 / 与企业自评结果对比 /
专家评分及分歧意见 (when several experts scored) / 现场照片, and the signature page. Every number comes from the scoring engine's result
(:class:`ReportData.result`); user text only ever goes in as escaped run text (``add_text``,
``Writer.run_xml``), never into template source.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docx.shared import Mm, Pt

from ...docx import Cell, add_text, cn_date
from ...docx.tables import add_table
from ...docx.writer import NO_INDENT
from ...scoring import Status, fmt_points, fmt_ratio, fmt_score
from ...units import fmt_number, per_year_amount
from .chart import add_score_chart
from .photos import PHOTO_BOX_MM

if TYPE_CHECKING:
    from ...docx import Writer
    from .report_data import ReportData


def compose(w: "Writer", d: "ReportData") -> None:
    overview(w, d)
    mine_overview(w, d)
    prerequisites(w, d)
    scores(w, d)
    highlights(w, d)
    problems(w, d)
    conclusion(w, d)
    comparison(w, d)
    if d.scores.experts:
        experts(w, d)
    photos(w, d)
    signatures(w, d)


# -- small helpers --------------------------------------------------------------------------
def _pts(x: float | None) -> str:
    """Points as written (分值, pass line, an item's score)."""
    return fmt_points(x)


def _score(x: float | None) -> str:
    """A derived score: two decimals (see :func:`~greenmine_docs.scoring.fmt_score`)."""
    return fmt_score(x)


def _min(ratio: float) -> str:
    """A required ratio as the engine writes it: ``0.75`` -> ``75%``."""
    return f"{ratio * 100:g}%"


def _score_cell(r) -> str:
    if r.status is Status.NOT_APPLICABLE:
        return "不适用"
    if r.status is Status.UNSCORED:
        return "未评分"
    return _pts(r.given if r.status is Status.INVALID else r.score)


# -- chapter 1: overview of the assessment --------------------------------------------------
def overview(w: "Writer", d: "ReportData") -> None:
    a, s, iset = d.assessment, d.submission, d.indicator_set
    w.heading(1, "评估概况")
    w.heading(2, "评估依据")
    w.numbered_list(d.basis)
    if iset.reference_notice:
        w.paragraph("注：" + iset.reference_notice)
    w.heading(2, "委托情况")
    contract_date = (f"于{cn_date(a.commission.contract_date)}" if a.commission.contract_date
                     else "")
    fees = ("评估费用由委托单位支付，评估机构未向被评估企业收取任何费用。"
            if d.independence is not None and d.independence.no_fees else "")
    w.paragraph(f"{a.commission.body}{contract_date}委托{a.agency.name}（统一社会信用代码"
                f"{a.agency.uscc}）对{s.mine.name}开展绿色矿山第三方评估，委托合同编号"
                f"{a.commission.contract_number}。{fees}")
    w.heading(2, "评估组组成")
    seniors = sum(1 for m in a.team if m.title_level.is_senior)
    specs = "、".join(dict.fromkeys(m.speciality.value for m in a.team))
    declared = "评估组成员均已签署独立性声明。" if all(
        m.independence_declared for m in a.team) else ""
    w.paragraph(f"评估组由{len(a.team)}人组成，其中高级（含正高级）职称{seniors}人，专业涵盖"
                f"{specs}。{declared}")
    rows = [[i, m.name, m.title or "—", m.title_level.value, m.speciality.value, m.role.value,
             "是" if m.full_time else "否", "已签署" if m.independence_declared else "未签署"]
            for i, m in enumerate(a.team, start=1)]
    w.table(["序号", "姓名", "职称", "职称级别", "专业", "组内职务", "在职", "独立性声明"],
            rows, caption="评估组成员表", widths_mm=[13, 19, 30, 20, 14, 20, 16, 24],
            aligns=["center"] * 8)
    w.heading(2, "评估过程")
    materials = "；".join(a.desk_review.materials) if a.desk_review.materials else "企业提交的材料"
    rows = [
        ["内业评估", cn_date(a.desk_review.date),
         f"审阅{materials}，对先决条件逐条作出判定，确定现场评估重点。"],
        ["现场评估", _span(a.site_visit.start, a.site_visit.end),
         "召开首次会议并宣读评估工作承诺书；查看生产区、办公区、生活区，查阅台账记录，"
         "询问相关人员，逐项核查评分并拍摄现场照片；召开末次会议反馈评估意见。"],
        ["报告编制", cn_date(a.report_date), "汇总评分，形成评估结论，编制本报告。"],
    ]
    w.table(["阶段", "时间", "主要工作"], rows, caption="评估工作过程",
            widths_mm=[22, 46, 88], aligns=["center", "center", "left"])


def _span(start, end) -> str:
    if start == end:
        return cn_date(start)
    if start.year == end.year and start.month == end.month:
        return f"{cn_date(start)}—{end.day}日"
    return f"{cn_date(start)}—{cn_date(end)}"


# -- chapter 2: the mine --------------------------------------------------------------------
def mine_overview(w: "Writer", d: "ReportData") -> None:
    s = d.submission
    ent, mine, lic, res = s.enterprise, s.mine, s.mine.licence, s.reserves
    w.heading(1, "矿山概况")
    place = f"{s.campaign.province}{mine.location.city}{mine.location.county}"
    coords = ""
    if mine.location.longitude is not None and mine.location.latitude is not None:
        coords = (f"，矿区中心地理坐标约东经{mine.location.longitude:.4f}°、北纬"
                  f"{mine.location.latitude:.4f}°")
    started = f"，{cn_date(mine.production_start)}正式投产" if mine.production_start else ""
    w.paragraph(f"{mine.name}位于{place}{coords}。采矿权人为{lic.holder}，矿山为{mine.status.value}"
                f"{started}。")
    years = d.remaining_years
    reserve_text = (f"截至{res.report_year}年底保有剩余可采储量{_num(res.remaining.value)}"
                    f"{res.remaining.unit}，年开采量"
                    f"{per_year_amount(res.annual_production.value, res.annual_production.unit)}")
    if years is not None:
        reserve_text += f"，剩余可采年限约{years:.1f}年"
    w.paragraph(reserve_text + "。")
    if mine.directory_level.value != "未入选":
        year = f"{mine.listed_year}年" if mine.listed_year else ""
        w.paragraph(f"矿山已于{year}列入{mine.directory_level.value}绿色矿山名录。")
    depth = ""
    if lic.depth_top_m is not None and lic.depth_bottom_m is not None:
        depth = f"{_num(lic.depth_top_m)}米至{_num(lic.depth_bottom_m)}米标高"
    rows: list[list[Any]] = [
        ["企业名称", ent.name, "统一社会信用代码", ent.uscc],
        ["法定代表人", ent.legal_representative, "经济类型", ent.economic_type or "—"],
        ["矿山名称", Cell(mine.name, span=3)],
        ["采矿许可证号", lic.number, "发证机关", lic.issuer],
        ["开采矿种", lic.mineral, "开采方式", lic.method.value],
        ["生产规模", f"{_num(lic.scale.value)}{lic.scale.unit}", "规模类型",
         mine.scale_class.value if mine.scale_class else "—"],
        ["矿区面积", f"{_num(lic.area_km2)}平方千米", "开采深度", depth or "—"],
        ["有效期", Cell(f"{cn_date(lic.valid_from)}至{cn_date(lic.valid_to)}", span=3)],
        ["适用行业标准", Cell(d.standard or "—", span=3)],
        ["职工人数", f"{mine.staff}人" if mine.staff is not None else "—", "名录级别",
         mine.directory_level.value],
    ]
    w.table([Cell("项目"), Cell("内容"), Cell("项目"), Cell("内容")], rows,
            caption="矿山基本情况表", widths_mm=[26, 52, 30, 48])


def _num(x: float) -> str:
    """A measured value (reserves, area, depth) with the precision it was given."""
    return fmt_number(x)


# -- chapter 3: prerequisites ---------------------------------------------------------------
def prerequisites(w: "Writer", d: "ReportData") -> None:
    r = d.result
    w.heading(1, "先决条件评估")
    failed = r.failed_prerequisites
    unruled = [p for p in r.prerequisites if p.met is None]
    if failed:
        ids = "、".join(p.prerequisite.id for p in failed)
        w.paragraph(f"评估组对{len(r.prerequisites)}项先决条件逐条核查，其中{len(failed)}项"
                    f"（{ids}）不符合，实行一票否决。")
    elif unruled:
        w.paragraph(f"评估组对先决条件逐条核查，尚有{len(unruled)}项未作出判定。")
    else:
        w.paragraph(f"评估组对{len(r.prerequisites)}项先决条件逐条核查，均符合要求。")
    rows = []
    for p in r.prerequisites:
        entry = d.scores.prerequisites.get(p.prerequisite.id)
        evidence = (entry.evidence if entry and entry.evidence else "—")
        rows.append([p.prerequisite.id, p.prerequisite.text, Cell(p.label, bold=p.met is False,
                                                                   align="center"), evidence])
    w.table(["编号", "先决条件", "判定", "判定依据"], rows, caption="先决条件评估表",
            widths_mm=[13, 62, 16, 65], aligns=["center", "left", "center", "left"])
    licences_checked(w, d)
    penalties_checked(w, d)


def licences_checked(w: "Writer", d: "ReportData") -> None:
    """The licences the assessors checked: name, number, issuer, validity."""
    lics = d.assessment.licences
    if not lics:
        return
    w.paragraph(f"评估组现场查验证照{len(lics)}项，情况如下。")
    rows = [[x.name, x.number, x.issuer,
             (f"{cn_date(x.valid_from)}至" if x.valid_from else "至") + cn_date(x.valid_to)]
            for x in lics]
    w.table(["证照名称", "编号", "发证机关", "有效期"], rows, caption="查验的证照",
            widths_mm=[28, 48, 40, 40], aligns=["left", "left", "left", "center"])


def penalties_checked(w: "Writer", d: "ReportData") -> None:
    """Every penalty the input lists: decision number, authority, type, date, reason, the
    rectification it required and where it stands."""
    pens = d.submission.eligibility.penalties
    if not pens:
        return
    w.paragraph(f"企业近三年受到行政处罚{len(pens)}起，评估组核查了处罚决定书和整改材料，情况如下。")
    rows = []
    for p in pens:
        status = (f"已整改到位（{cn_date(p.rectified_date)}）" if p.rectified and p.rectified_date
                  else "已整改到位" if p.rectified else "未整改到位")
        if p.evidence:
            status += f"；{p.evidence}"
        rows.append([f"{p.decision_number}\n{p.authority}", p.kind or "—", cn_date(p.date),
                     p.reason, p.requirement or "—", status])
    w.table(["决定书文号及处罚机关", "处罚种类", "处罚日期", "违法事由", "整改要求", "整改情况"], rows,
            caption="行政处罚及整改情况", widths_mm=[32, 16, 22, 26, 30, 30],
            aligns=["left", "center", "center", "left", "left", "left"])


# -- chapter 4: scores ----------------------------------------------------------------------
def scores(w: "Writer", d: "ReportData") -> None:
    r = d.result
    w.heading(1, "评分情况")
    w.paragraph(f"评估组按评价指标对{len(r.items)}项评价内容逐项核查评分。评价指标满分"
                f"{_pts(r.total_points)}分，达标线{_pts(r.pass_line)}分，各一级指标得分率原则上"
                f"不低于规定比例。")
    if d.scores.experts:
        places = d.indicator_set.score_decimals
        w.paragraph(f"每项评价内容由评估组{len(d.scores.experts)}位专家分别评分，该项得分取各专家"
                    f"评分的平均分（四舍五入保留{2 if places is None else places}位小数）；"
                    "各专家的评分及分歧意见见本报告“专家评分及分歧意见”一章。")
    na_by_set = [x for x in r.items.values() if x.na_by_set]
    na_declared = [x for x in r.items.values()
                   if x.status is Status.NOT_APPLICABLE and not x.na_by_set]
    if na_by_set or na_declared:
        w.paragraph(f"其中{len(na_by_set) + len(na_declared)}项不适用于本矿山（按评价指标适用范围"
                    f"{len(na_by_set)}项，经评估组认定{len(na_declared)}项），不计入适用分值；总得分按"
                    f"“实际得分÷适用分值×{_pts(r.total_points)}”折算。")
    for c in r.categories:
        w.heading(2, f"{c.category.name}")
        ratio = fmt_ratio(c.ratio)
        state = "达到" if c.passed else "未达到"
        w.paragraph(f"该一级指标分值{_pts(c.points)}分，适用分值{_pts(c.applicable_points)}分，"
                    f"评估得分{_score(c.score)}分，得分率{ratio}，{state}"
                    f"{_min(c.min_ratio)}的要求。")
        rows: list[list[Any]] = []
        for g in c.groups:
            note = f"满分{_pts(g.points)}分"
            if g.applicable_points != g.points:
                note += f"，适用分值{_pts(g.applicable_points)}分"
            rows.append([Cell(g.group.id, bold=True, align="center"),
                         Cell(f"{g.group.name}（小计）", bold=True),
                         Cell(_pts(g.applicable_points), bold=True, align="center"),
                         Cell(_score(g.score), bold=True, align="center"), note])
            for x in g.items:
                rows.append([x.item.id, x.item.text, _pts(x.item.points), _score_cell(x),
                             _item_note(d, x)])
        w.table(["编号", "评价内容及要求", "分值", "得分", "扣分原因及说明"], rows,
                caption=f"“{c.category.name}”评分表", widths_mm=[15, 62, 13, 15, 51],
                aligns=["center", "left", "center", "center", "left"])
    w.heading(2, "评分汇总")
    rows = []
    for c in r.categories:
        rows.append([c.category.name, _pts(c.points), _pts(c.applicable_points), _score(c.score),
                     fmt_ratio(c.ratio), _min(c.min_ratio),
                     Cell("是" if c.passed else "否", bold=not c.passed, align="center")])
    rows.append([Cell("合计（实际得分）", bold=True), _pts(r.total_points),
                 _pts(r.applicable_points), _score(r.raw_total), "—", "—", "—"])
    rows.append([Cell("折算总得分", bold=True), Cell(_score(r.total) + "分", span=6, bold=True,
                                                    align="center")])
    rows.append([Cell("达标线", bold=True), Cell(_pts(r.pass_line) + "分", span=6,
                                                align="center")])
    w.table(["一级指标", "分值", "适用分值", "评估得分", "得分率", "最低得分率", "是否达到"], rows,
            caption="评分汇总表", widths_mm=[38, 15, 20, 20, 18, 24, 21],
            aligns=["left"] + ["center"] * 6)
    add_score_chart(w, r)


def _item_note(d: "ReportData", x) -> str:
    entry = d.scores.items.get(x.item.id)
    parts: list[str] = []
    if x.na_by_set:
        parts.append(f"评价指标{x.item.applies_to.describe()}，本矿不适用")
    elif x.status is Status.NOT_APPLICABLE:
        parts.append(f"不适用：{x.reason}" if x.reason else "不适用")
    elif x.status is Status.INVALID:
        parts.append(f"所填得分{_pts(x.given)}超出分值范围，按0分计")
    elif x.deduction > 0:
        parts.append(f"扣{_pts(x.deduction)}分：{x.reason}" if x.reason
                     else f"扣{_pts(x.deduction)}分")
    elif x.status is Status.SCORED:
        parts.append("符合要求")
    if entry is not None and not x.na_by_set:
        if entry.evidence:
            parts.append(f"佐证：{entry.evidence}")
        if entry.photos:
            parts.append("见照片" + "、".join(str(n) for n in entry.photos))
        if entry.remark and x.status is not Status.NOT_APPLICABLE:
            parts.append(entry.remark)
    return "；".join(parts)


# -- chapters 5, 6, 7 -----------------------------------------------------------------------
def highlights(w: "Writer", d: "ReportData") -> None:
    w.heading(1, "亮点与特色")
    if d.assessment.highlights:
        w.numbered_list(d.assessment.highlights)
    else:
        w.paragraph("评估组未提出特别的亮点与特色。")


def problems(w: "Writer", d: "ReportData") -> None:
    """The problems as the process records give them, grouped by first-level indicator: each
    deducted item with its reason and suggestion; then the listed problems' deadlines."""
    w.heading(1, "存在问题及整改建议")
    deducted = d.result.deducted_items
    probs = d.assessment.problems
    if not deducted and not probs:
        w.paragraph("评估组未发现需要整改的问题。")
        return
    if deducted:
        w.paragraph(f"评估组逐项核查，{len(deducted)}项评价内容有扣分。按一级指标列出存在的问题"
                    "（扣分原因）和整改建议如下，企业应逐项整改并将整改情况报委托单位。")
        _problems_by_indicator(w, d)
    if probs:
        w.paragraph(f"评估组归纳主要问题{len(probs)}项，提出整改建议和期限如下。")
        rows = [[i, p.description, "\n".join(p.items) or "—", p.suggestion,
                 cn_date(p.deadline) if p.deadline else "—"] for i, p in enumerate(probs, start=1)]
        w.table(["序号", "存在问题", "涉及指标", "整改建议", "整改期限"], rows,
                caption="主要问题及整改期限", widths_mm=[13, 50, 19, 50, 24],
                aligns=["center", "left", "center", "left", "center"])


def _problems_by_indicator(w: "Writer", d: "ReportData") -> None:
    """One table (long ones continue with 续表): a row naming each first-level indicator,
    then its deducted items."""
    from .records import suggestions

    advised = suggestions(d.assessment, d.scores, d.result)
    rows: list[list[Any]] = []
    for c in d.result.categories:
        items = [[x.item.id, x.item.text, _pts(x.deduction), x.reason or "—",
                  advised.get(x.item.id, "—")]
                 for g in c.groups for x in g.items if x.deduction > 0]
        if items:
            total = sum(x.deduction for g in c.groups for x in g.items)
            rows.append([Cell(f"{c.category.name}（{len(items)}项，共扣{_pts(total)}分）",
                              span=5, bold=True)])
            rows.extend(items)
    w.table(["编号", "评价内容", "扣分", "存在问题", "整改建议"], rows,
            caption="存在问题及整改建议（按一级指标）", widths_mm=[15, 40, 12, 45, 44],
            aligns=["center", "left", "center", "left", "left"])


def conclusion(w: "Writer", d: "ReportData") -> None:
    r = d.result
    w.heading(1, "评估结论")
    with w.kept_together():  # the verdict and its reasons on one page
        par = w.paragraph("")
        add_text(par, f"经评估，{d.submission.mine.name}绿色矿山建设第三方评估折算总得分"
                      f"{_score(r.total)}分（达标线{_pts(r.pass_line)}分），评估结论为：")
        add_text(par, f"{r.verdict.value}", bold=True)
        add_text(par, "。")
        w.paragraph("主要依据：")
    w.numbered_list(list(r.reasons))


# -- chapter 8: comparison with the self-check ----------------------------------------------
def comparison(w: "Writer", d: "ReportData") -> None:
    w.heading(1, "与企业自评结果对比")
    own = d.self_result
    if own is None:
        w.paragraph("企业未提供自评（自查）得分，本报告不作对比。")
        return
    r = d.result
    delta = r.total - own.total
    than = (f"比企业自评{'高' if delta > 0 else '低'}{_score(abs(delta))}分" if abs(delta) >= 0.005
            else "与企业自评相同")
    w.paragraph(f"企业自评折算总得分{_score(own.total)}分，自评结论为{own.verdict.value}；第三方评估"
                f"折算总得分{_score(r.total)}分，评估结论为{r.verdict.value}，{than}。")
    rows: list[list[Any]] = []
    for mine_c, own_c in zip(r.categories, own.categories):
        rows.append([mine_c.category.name, _pts(mine_c.points), _score(own_c.score),
                     _score(mine_c.score), _signed(mine_c.score - own_c.score)])
    rows.append([Cell("折算总得分", bold=True), _pts(r.total_points), _score(own.total),
                 _score(r.total), _signed(r.total - own.total)])
    w.table(["一级指标", "分值", "企业自评", "第三方评估", "差值"], rows,
            caption="一级指标自评与评估得分对比", widths_mm=[52, 22, 26, 28, 28],
            aligns=["left"] + ["center"] * 4)
    diffs = d.differences()
    rule = (f"差值超过{_pts(d.assessment.comparison_threshold)}分"
            if d.assessment.comparison_threshold is not None else "差值超过该项分值 20%")
    if not diffs:
        w.paragraph(f"逐项对比，没有{rule}或适用性认定不同的评价内容。")
        return
    w.paragraph(f"逐项对比，{rule}或适用性认定不同的评价内容共{len(diffs)}项，列于下表。")
    rows = [[x.id, x.text, _pts(x.points), x.own, x.assessed, x.diff] for x in diffs]
    w.table(["编号", "评价内容", "分值", "企业自评", "第三方评估", "差值"], rows,
            caption="自评与评估得分差异较大的评价内容", widths_mm=[15, 69, 14, 20, 22, 16],
            aligns=["center", "left", "center", "center", "center", "center"])


def experts(w: "Writer", d: "ReportData") -> None:
    """Each expert's score of every item beside the mean, then the items the experts scored
    too differently with each one's recorded opinion."""
    from .experts import divergences

    team = d.scores.experts
    names = list(team)
    w.heading(1, "专家评分及分歧意见")
    w.paragraph(f"评估组{len(names)}位专家（{'、'.join(names)}）逐项评分，各专家评分及平均分见下表。")
    rows: list[list[Any]] = []
    for ref, x in d.result.items.items():
        if x.na_by_set:
            continue
        given = [team[n].items.get(ref) for n in names]
        rows.append([ref, _pts(x.item.points),
                     *[("不适用" if e.not_applicable else _pts(e.score) if e.score is not None
                        else "未评分") if e is not None else "未评分" for e in given],
                     _score_cell(x)])
    width = max(14.0, (156 - 15 - 14 - 20) / len(names))
    w.table(["编号", "分值", *names, "平均分"], rows, caption="各专家评分",
            widths_mm=[15, 14, *[width] * len(names), 20], aligns=["center"] * (len(names) + 3))
    found = divergences(d.scores, d.indicator_set, d.assessment.divergence_threshold)
    rule = (f"超过{_pts(d.assessment.divergence_threshold)}分"
            if d.assessment.divergence_threshold is not None else "超过该项分值的20%")
    if not found:
        w.paragraph(f"各专家对同一评价内容的评分，最高分与最低分之差均未{rule}，无需记录的分歧意见。")
        return
    w.paragraph(f"各专家评分最高分与最低分之差{rule}（或对是否适用认定不同）的评价内容共"
                f"{len(found)}项，各专家意见如下。")
    rows = [[x.item, d.indicator_set.items[x.item].text, x.scores_text(),
             "\n".join(f"{name}：{text}" for name, text in x.opinions) or "未记录"]
            for x in found]
    w.table(["编号", "评价内容", "各专家评分", "分歧意见"], rows, caption="专家评分分歧意见",
            widths_mm=[15, 45, 38, 58], aligns=["center", "left", "left", "left"])


def _signed(x: float) -> str:
    text = _score(x)
    return f"+{text}" if x > 0 else text


# -- chapter 9: photos ----------------------------------------------------------------------
# The photo table is written as WordprocessingML and parsed once: the same elements (same order,
# same attributes) python-docx's add_table / column and cell widths / paragraph_format /
# add_picture / add_text calls made (tests/test_assessment_photo_table.py keeps that way as
# the reference). The pictures are real elements, not an XML island: docxtpl numbers every
# ``wp:docPr`` of the finished body.
PHOTOS_PER_ROW = 2
# a photo cell's first paragraph: line_spacing 1.0 (an exact height would clip the picture),
# 6 pt before, no first-line indent, centred
_PHOTO_PPR = ('<w:pPr><w:spacing w:line="240" w:lineRule="auto" w:before="120"/>'
              f'{NO_INDENT}<w:jc w:val="center"/></w:pPr>')
_PHOTO_TBL_PR = ('<w:tblPr><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
                 '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
                 'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
                 '</w:tblPr>')


def photos(w: "Writer", d: "ReportData") -> None:
    w.heading(1, "现场照片")
    if not d.photos:
        w.paragraph("本次评估未附现场照片。")
        return
    w.paragraph(f"评估组现场拍摄照片{len(d.photos)}张，照片编号与评分表中“见照片”一致。")
    _photo_table(w, d.photos)
    # photo captions are numbered 照片N, apart from 图N
    w.append_paragraph_xml(NO_INDENT)


def _photo_table(w: "Writer", photos: list) -> None:
    """The photos two to a row, each centred in its cell with ``照片N  caption`` under it."""
    from docx.oxml import parse_xml

    from ...docx.figures import drawing_xml, picture_nsdecls
    from ...docx.text import insert_block, xml_attr

    part = w._part()
    caption_id = w.style_id("Caption")  # a template without a Caption style: direct formatting
    caption_ppr = ("<w:pPr>" + (f'<w:pStyle w:val="{xml_attr(caption_id)}"/>' if caption_id else "")
                   + NO_INDENT + '<w:jc w:val="center"/></w:pPr>')
    caption_style = None if caption_id is False else caption_id
    col_twips = int(Mm(w.type_width_mm / PHOTOS_PER_ROW).twips)
    tc_open = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col_twips}"/></w:tcPr><w:p>{_PHOTO_PPR}'
    box_w, box_h = PHOTO_BOX_MM
    block = w._block()
    placeholder = None
    if block is None:  # any other container: python-docx places a paragraph, the table takes it
        placeholder = w.body.add_paragraph()._p
    root_decls, inline_decls = picture_nsdecls(
        block._element if placeholder is None else placeholder.getparent())
    out = [f"<w:tbl {root_decls}>", _PHOTO_TBL_PR, "<w:tblGrid>",
           f'<w:gridCol w:w="{col_twips}"/>' * PHOTOS_PER_ROW, "</w:tblGrid>"]
    for first in range(0, len(photos), PHOTOS_PER_ROW):
        out.append('<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>')
        row = photos[first:first + PHOTOS_PER_ROW]
        for c_i in range(PHOTOS_PER_ROW):
            out.append(tc_open)
            if c_i >= len(row):
                out.append("</w:p></w:tc>")
                continue
            ph = row[c_i]
            width = min(box_w, box_h / ph.ratio) if ph.ratio > 0 else box_w
            drawing = drawing_xml(part, ph.data, Mm(width), inline_decls)
            out.append(f"<w:r>{drawing}</w:r></w:p><w:p>{caption_ppr}")
            w.run_xml(out, f"照片{ph.number}  {ph.caption}", caption_style)
            out.append("</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    table = parse_xml("".join(out))
    if placeholder is not None:
        placeholder.getparent().replace(placeholder, table)
    else:
        insert_block(block._element, table)


# -- signature page -------------------------------------------------------------------------
# Its paragraphs are written as XML (kept as islands where the document allows it): the same
# elements python-docx's paragraph_format / add_text calls made (tests/test_assessment_photo_
# table.py keeps that way as the reference).
def signatures(w: "Writer", d: "ReportData") -> None:
    a = d.assessment
    _centered_title(w, "评估组成员及评估机构签字页", page_break_before=True)
    rows = [[i, m.name, m.title or m.title_level.value, m.speciality.value, m.role.value, ""]
            for i, m in enumerate(a.team, start=1)]
    add_table(w.body, ["序号", "姓名", "职称", "专业", "组内职务", "签字"], rows,
              widths_mm=[13, 24, 34, 18, 21, 46], total_width_mm=w.type_width_mm,
              aligns=["center"] * 6, row_height_mm=12)
    w.append_paragraph_xml(NO_INDENT)  # gap
    _right(w, f"评估机构（盖章）：{a.agency.name}", before=36)
    _right(w, "法定代表人（签字）：　　　　　　")
    _right(w, cn_date(a.report_date))


def _centered_title(w: "Writer", text: str, *, page_break_before: bool = False) -> None:
    """A ``Title`` paragraph (centred by its style) without first-line indent."""
    from ...docx.text import xml_attr

    style_id = w.style_id("Title")
    if style_id is False:
        raise KeyError("no paragraph style 'Title' in the document")
    ppr = ((f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else "")
           + ("<w:pageBreakBefore/>" if page_break_before else "") + NO_INDENT)
    out: list[str] = []
    w.run_xml(out, text, style_id)
    w.append_paragraph_xml(ppr, "".join(out))


def _right(w: "Writer", text: str, *, before: float = 0) -> None:
    """A right-aligned paragraph without first-line indent, ``before`` points above it."""
    out: list[str] = []
    w.run_xml(out, text)
    w.append_paragraph_xml(f'<w:spacing w:before="{Pt(before).twips}"/>{NO_INDENT}'
                           '<w:jc w:val="right"/>', "".join(out))
