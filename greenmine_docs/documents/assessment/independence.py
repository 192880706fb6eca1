"""Independence of the assessment agency (domain.md §3): the findings when the input shows it is
not independent, and what the commitment letter and the report may claim.

An agency must not have written or helped write the mine's implementation plan or its
self-evaluation, must have no affiliation with the mine and take no fees from it, and must have
had no business with it from one year before to one year after the assessment. A document
claims only what the input supports: without the agency's declaration it claims nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import TYPE_CHECKING, Iterator

from ...cntext import cn_date
from ...findings import Finding, make
from ...frozen import frozen

if TYPE_CHECKING:
    from ...model.assessment import Assessment
    from ...pipeline import Run

# the assessment's sentences of the commitment letter; each one holds only when the flag holds
_CONDUCT = ("依法依规、客观公正、实事求是地开展评估工作，严格按照评价指标逐项核查、逐项评分，如实反映矿山"
            "绿色矿山建设情况，不弄虚作假。")
_INDEPENDENT = ("我机构及评估组成员与被评估矿山及其采矿权人无隶属关系和利益关系，未参与该矿山绿色矿山建设实施"
                "方案编制和自评工作，评估前后各一年内不与其发生业务往来。")
_NO_FEES = "不向被评估企业收取任何费用，不接受宴请、礼品、礼金及其他任何形式的利益。"
_SECRECY = "对评估工作中知悉的企业商业秘密和技术资料严格保密。"
_RESPONSIBLE = "对评估报告内容和评估结论的真实性、准确性负责，自觉接受主管部门和社会的监督。"
_NUMBERS = "一二三四五六七八九"


def same_body(a: str | None, b: str | None) -> bool:
    """Two organisation names denote the same body (spaces and bracket widths ignored)."""
    if not a or not b:
        return False
    norm = lambda s: re.sub(r"\s+", "", s).replace("(", "（").replace(")", "）")  # noqa: E731
    return norm(a) == norm(b)


def window(a: "Assessment") -> tuple[dt.date, dt.date]:
    """One year before the assessment began to one year after its report."""
    from ...checks.eligibility import add_years

    starts = [a.desk_review.date, a.site_visit.start]
    if a.commission.contract_date is not None:
        starts.append(a.commission.contract_date)
    return add_years(min(starts), -1), add_years(a.report_date, 1)


@frozen(quick_init=False)
class Independence:
    """What the input supports saying about the agency's independence."""

    independent: bool  # no affiliation, no part in plan or self-check, no business in the window
    no_fees: bool  # declared that it takes no fees from the mine, and the mine did not commission
    members_declared: bool  # every team member signed a declaration
    reasons: tuple[str, ...] = field(default=())  # why a claim is not supported

    def commitments(self) -> list[str]:
        """The commitment letter's numbered sentences: only those the input supports."""
        texts = [_CONDUCT]
        if self.independent and self.members_declared:
            texts.append(_INDEPENDENT)
        if self.no_fees:
            texts.append(_NO_FEES)
        texts += [_SECRECY, _RESPONSIBLE]
        return [f"{_NUMBERS[i]}、{t}" for i, t in enumerate(texts)]


def independence(ctx: Run) -> Independence:
    """The claims the input supports (for an input with an assessment section)."""
    a = ctx.submission.assessment
    assert a is not None
    problems = [f.message for f in _problems(ctx, a)]
    d = a.independence
    declared = d is not None and bool(d.declared)
    mine_paid = same_body(a.commission.body, ctx.submission.enterprise.name)
    return Independence(
        independent=declared and not problems,
        no_fees=declared and d is not None and not d.fees_from_mine and not mine_paid,
        members_declared=bool(a.team) and all(m.independence_declared for m in a.team),
        reasons=tuple(problems) + (() if declared else ("未提供评估机构的独立性声明",)))


def check(ctx: Run) -> Iterator[Finding]:
    """Findings on the agency's independence (GM-E515–E519, GM-W518)."""
    a = ctx.submission.assessment
    if a is None:
        return
    yield from _problems(ctx, a)
    if a.independence is None or not a.independence.declared:
        where = ("assessment", "independence", "declared") if a.independence else ("assessment",)
        yield make("GM-W518", f"未提供{a.agency.name}的独立性声明，评估报告和承诺书不能作出独立性承诺。",
                   location=ctx.at(*where))


def _problems(ctx: Run, a: "Assessment") -> Iterator[Finding]:
    s = ctx.submission
    agency = a.agency.name
    if s.plan is not None and same_body(s.plan.compiler, agency):
        yield make("GM-E515", f"评估机构{agency}是本矿山实施方案的编制单位，不能承担该矿山的第三方评估。",
                   location=ctx.at("plan", "compiler"))
    if s.self_check is not None and same_body(s.self_check.compiler, agency):
        yield make("GM-E516", f"评估机构{agency}协助编写了本矿山的自评（自查）材料，不能承担该矿山的"
                   "第三方评估。", location=ctx.at("self_check", "compiler"))
    d = a.independence
    if d is None:
        return
    if d.affiliated or d.fees_from_mine:
        what = "与被评估企业有隶属或利益关系" if d.affiliated else "向被评估企业收取费用"
        field_name = "affiliated" if d.affiliated else "fees_from_mine"
        yield make("GM-E519", f"独立性声明填报评估机构{what}，不能承担该矿山的第三方评估。",
                   location=ctx.at("assessment", "independence", field_name))
    first, last = window(a)
    for i, deal in enumerate(d.dealings):
        if first <= deal.date <= last:
            yield make("GM-E517", f"评估机构于{cn_date(deal.date)}与被评估企业有业务往来"
                       f"（{deal.content}），在评估前后一年内（{cn_date(first)}至{cn_date(last)}）。",
                       location=ctx.at("assessment", "independence", "dealings", i, "date"))
