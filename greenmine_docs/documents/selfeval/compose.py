"""Writes the self-evaluation report's body — every chapter and section of the outline, in
order — through the one :class:`~greenmine_docs.docx.Writer` (the plan's official layout). What
fills a section is the outline's ``fill`` list; each source has one small method here
(``_<source>``). Every figure comes from the input or the scoring engine; nothing is claimed
that neither holds.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ...docx import Cell, cn_date
from ...indicators.numbers import fmt_points, fmt_ratio, fmt_score
from ...render.mine_facts import enterprise_table, licence_table, reserves_sentence
from ...render.outline_body import parts_with_content, write_outline
from .conditions import condition_rows

if TYPE_CHECKING:
    from ...docx import Writer
    from ...indicators.model import Category
    from ...render.outline import Section
    from ...scoring import CategoryResult
    from .data import SelfEvalData


class SelfEvalComposer:
    def __init__(self, data: "SelfEvalData", writer: "Writer") -> None:
        self.d = data
        self.w = writer
        self.w.continued_tables = True  # a report: long tables split with 续表
        self.run = data.run
        self.sub = data.run.submission

    # -- structure ------------------------------------------------------------------------------
    def compose(self) -> None:
        write_outline(self.w, ((c, parts_with_content(c, self.d.categories, self._has_content))
                               for c in self.d.outline.chapters), self._fill, annex_page=True)

    def _has_content(self, section: "Section", category: "Category | None") -> bool:
        for source in section.fill:
            if source == "narrative":
                if self.d.narrative(section.key, category) is not None:
                    return True
            elif source == "list:attachments":
                if self.d.se.attachments:
                    return True
            elif source == "figures:photos":
                if self.d.se.photos:
                    return True
            elif source == "table:problems" or source.startswith(("facts:", "table:", "text:")):
                return True
        return False

    def _fill(self, source: str, section: "Section", category: "Category | None") -> None:
        if source == "narrative":
            found = self.d.narrative(section.key, category)
            if found is not None:
                self.w.markdown(found[0], level=2, where=str(found[1]))
            return
        handler: Callable[[Any], None] = getattr(self, "_" + source.replace(":", "_"))
        handler(category)

    # -- preface ---------------------------------------------------------------------------------
    def _facts_basis(self, category: Any = None) -> None:
        from ...citations import citations_for, indicator_set_citation, notice

        iset = self.d.iset
        basis = [notice(self.run)]
        if iset is not None:
            basis.append(indicator_set_citation(self.run, iset) or f"“{iset.display_title}”")
        code = self.sub.mine.industry_standard
        if code is not None:
            found = citations_for(self.run).standard(code.value)
            basis.append(found.cite() if found is not None else code.value)
        self.w.paragraph(f"本次自评依据{'、'.join(basis)}开展，对照评价指标逐项检查打分。")
        if iset is not None and iset.reference_notice:
            self.w.paragraph("注：" + iset.reference_notice)

    def _facts_team(self, category: Any = None) -> None:
        se = self.d.se
        lead = f"{self.sub.enterprise.name}于{cn_date(se.date)}完成自评"
        if se.compiler:
            lead += f"，{se.compiler}协助编写本报告"
        if not se.team:
            self.w.paragraph(lead + "。")
            return
        self.w.paragraph(f"{lead}。自评工作组由{len(se.team)}人组成，成员及分工见下表。")
        rows = [[k, m.name, m.position or "—", m.department or "—", m.role or "—"]
                for k, m in enumerate(se.team, start=1)]
        self.w.table(["序号", "姓名", "职务或职称", "部门", "自评分工"], rows,
                     caption="自评工作组成员表", widths_mm=[12, 24, 40, 36, 44],
                     aligns=["center", "center", "left", "left", "left"])

    # -- basic facts -----------------------------------------------------------------------------
    def _facts_enterprise(self, category: Any = None) -> None:
        enterprise_table(self.w, self.sub)

    def _facts_licence(self, category: Any = None) -> None:
        licence_table(self.w, self.sub)

    def _facts_reserves(self, category: Any = None) -> None:
        self.w.paragraph(reserves_sentence(self.sub))

    def _table_conditions(self, category: Any = None) -> None:
        rows = [[k, name, state, evidence]
                for k, (name, state, evidence) in enumerate(condition_rows(self.run), start=1)]
        self.w.table(["序号", "遴选条件", "自评情况", "依据及佐证"], rows,
                     caption="遴选条件符合情况表", widths_mm=[12, 44, 20, 80],
                     aligns=["center", "left", "center", "left"])

    # -- indicators ------------------------------------------------------------------------------
    def _category_result(self, category: "Category") -> "CategoryResult | None":
        result = self.d.result
        if result is None:
            return None
        return next((c for c in result.categories if c.category.id == category.id), None)

    def _facts_indicator_score(self, category: "Category") -> None:
        c = self._category_result(category)
        if c is None:
            return
        n = len(category.items)
        na = sum(1 for g in c.groups for r in g.items if not r.applicable)
        text = (f"本一级指标共{n}项评价内容，分值{fmt_points(c.points)}分")
        if na:
            text += f"，其中{na}项不适用，适用分值{fmt_points(c.applicable_points)}分"
        text += f"；自评得分{fmt_score(c.score)}分，得分率{fmt_ratio(c.ratio)}。"
        self.w.paragraph(text)

    def _table_prerequisites(self, category: Any = None) -> None:
        from .conditions import prerequisite_evidence

        result = self.d.result
        if result is None:
            return
        rows = [[p.prerequisite.id, p.prerequisite.text, p.label,
                 prerequisite_evidence(self.d, p.prerequisite)]
                for p in result.prerequisites]
        self.w.table(["编号", "先决条件", "自评判定", "情况说明及佐证"], rows,
                     caption="先决条件自评表", widths_mm=[14, 56, 20, 66],
                     aligns=["center", "left", "center", "left"])

    def _table_score_summary(self, category: Any = None) -> None:
        result = self.d.result
        if result is None:
            return
        rows: list[list[Any]] = []
        for k, c in enumerate(result.categories, start=1):
            rows.append([k, c.category.name, fmt_points(c.points),
                         fmt_points(c.points - c.applicable_points), fmt_points(c.applicable_points),
                         fmt_score(c.score), fmt_ratio(c.ratio), f"{c.min_ratio * 100:g}%",
                         "—" if c.ratio is None else ("是" if c.passed else "否")])
        rows.append([Cell("合计", span=2, align="center", bold=True),
                     Cell(fmt_points(result.total_points), bold=True),
                     Cell(fmt_points(result.total_points - result.applicable_points), bold=True),
                     Cell(fmt_points(result.applicable_points), bold=True),
                     Cell(fmt_score(result.raw_total), bold=True), "—", "—", "—"])
        self.w.table(["序号", "一级指标", "分值", "不适用分值", "适用分值", "自评得分", "得分率",
                      "要求", "达到"], rows, caption="自评得分汇总表",
                     widths_mm=[11, 40, 13, 18, 16, 18, 15, 12, 13],
                     aligns=["center", "left", *["center"] * 7], font_size=10.5)

    def _text_scoring(self, category: Any = None) -> None:
        result = self.d.result
        if result is None:
            return
        iset = result.indicator_set
        full = fmt_points(result.total_points)
        if result.converted:
            self.w.paragraph(
                f"不适用的评价内容不计入分值。适用分值{fmt_points(result.applicable_points)}分，"
                f"实际得分{fmt_score(result.raw_total)}分，按“实际得分÷适用分值×{full}”折算，"
                f"自评得分为{fmt_score(result.total)}分。")
        else:
            self.w.paragraph(f"各项评价内容均适用，自评得分为{fmt_score(result.total)}分"
                             f"（满分{full}分）。")
        mins = sorted({c.min_ratio for c in result.categories})
        ratio = "、".join(f"{m * 100:g}%" for m in mins)
        self.w.paragraph(f"按{iset.display_title}，达标线为{fmt_points(result.pass_line)}分，"
                         f"各一级指标得分率应不低于{ratio}。")

    def _table_items(self, category: "Category") -> None:
        c = self._category_result(category)
        if c is None:
            return
        rows: list[list[Any]] = []
        for g in c.groups:
            for r in g.items:
                entry = self.d.items.get(r.item.id)
                shown = "不适用" if not r.applicable else (
                    "未评分" if r.given is None else fmt_points(r.given))
                note = _note(entry, r)
                rows.append([r.item.id, r.item.text, fmt_points(r.item.points), shown, note])
        rows.append([Cell("小计", span=2, align="center", bold=True),
                     Cell(fmt_points(c.points), bold=True), Cell(fmt_score(c.score), bold=True),
                     f"适用分值{fmt_points(c.applicable_points)}分，得分率{fmt_ratio(c.ratio)}"])
        self.w.table(["编号", "评价内容", "分值", "自评得分", "核查方式、佐证及扣分原因"], rows,
                     caption=f"{category.name}自评得分表", widths_mm=[14, 56, 12, 18, 56],
                     aligns=["center", "left", "center", "center", "left"], font_size=10.5)

    # -- problems and conclusion -----------------------------------------------------------------
    def _table_problems(self, category: Any = None) -> None:
        rows = [[k, p.problem, "、".join(p.items) or "—", p.measure or "—",
                 f"{p.deadline:%Y.%m.%d}" if p.deadline else "—", p.responsible or "—"]
                for k, p in enumerate(self.d.problems, start=1)]
        if not rows:
            self.w.paragraph("自评未发现需要整改的问题。")
            return
        self.w.paragraph(f"自评共发现问题{len(rows)}项，整改措施、完成时限和责任人见下表。")
        self.w.table(["序号", "存在问题", "涉及评价内容", "整改措施", "完成时限", "责任人"], rows,
                     caption="存在问题及整改措施表", widths_mm=[10, 46, 18, 44, 22, 16],
                     aligns=["center", "left", "center", "left", "center", "center"],
                     font_size=10.5)

    def _text_conclusion(self, category: Any = None) -> None:
        result = self.d.result
        if result is None:
            return
        with self.w.kept_together():  # the verdict never alone on a page
            self.w.paragraph("经逐项自评，" + "".join(result.reasons))
        self.w.paragraph(f"自评结论：{result.verdict.value}。")

    # -- annex -----------------------------------------------------------------------------------
    def _list_attachments(self, category: Any = None) -> None:
        for k, text in enumerate(self.d.se.attachments, start=1):
            self.w.paragraph(f"{k}.{text}")

    def _figures_photos(self, category: Any = None) -> None:
        for i, photo in enumerate(self.d.se.photos):
            where = str(self.run.at("self_evaluation", "photos", i, "file"))
            self.w.figure(self.w.resolve_image(photo.file, where), photo.caption, where=where)


def _note(entry: Any, r: Any) -> str:
    """The item's 核查方式、佐证及扣分原因 cell: what the enterprise wrote, labelled."""
    if r.na_by_set:
        return "按评价指标的适用范围，本项不适用于本矿山。"
    if entry is None:
        return ""
    parts = []
    if entry.method:
        parts.append(f"核查：{entry.method}")
    if entry.evidence and entry.evidence != entry.reason:
        parts.append(f"佐证：{entry.evidence}")
    if entry.reason:
        label = "不适用理由" if not r.applicable else ("扣分原因" if r.deduction > 0 else "说明")
        parts.append(f"{label}：{entry.reason}")
    return "\n".join(parts)
