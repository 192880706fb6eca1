"""实地核查工作总结: the province's report on the round — scope and sample by level and city,
outcomes, the most frequent problems by indicator, rectification, next steps. Every number is
taken from :class:`CloseFacts`."""
from __future__ import annotations

from typing import Any

from ...cntext import cn_date
from .close_docx import doc_heading, doc_para, doc_signature, doc_title, official_doc
from .close_facts import CITY, PROVINCE, CloseFacts, city_name

TOP_PROBLEMS = 5


def _scope(doc: Any, facts: CloseFacts) -> None:
    from ...docx.tables import add_table

    listed, sampled = facts.listed_by(), facts.sampled_by()
    n_listed, n_sampled = sum(listed.values()), sum(sampled.values())
    doc_heading(doc, "一、核查范围和抽查情况")
    share = f"，占{n_sampled / n_listed:.1%}" if n_listed else ""
    doc_para(doc, f"本次核查对象为绿色矿山名录内的矿山{n_listed}座。按照国家级、省级矿山由省级"
               f"核查，市级矿山由所在市核查的分工，共抽取{n_sampled}座实地核查{share}。")
    keys = sorted(set(listed) | set(sampled), key=lambda k: (k[0] != PROVINCE, k[1]))
    rows = [[f"{PROVINCE}（国家级、省级矿山）" if k[0] == PROVINCE else f"{CITY}（{k[1]}）", listed.get(k, 0), sampled.get(k, 0)]
            for k in keys]
    rows.append(["合计", n_listed, n_sampled])
    add_table(doc, ("核查组别", "名录矿山（座）", "抽取核查（座）"), rows, widths_mm=(70, 40, 40),
              aligns=("left", "center", "center"))


def _outcomes(doc: Any, facts: CloseFacts) -> None:
    n = len(facts.rows)
    ok, fix, bad = (len(facts.with_outcome(o)) for o in ("合格", "限期整改", "不合格"))
    doc_heading(doc, "二、核查结论")
    doc_para(doc, f"实地核查的{n}座矿山中，核查结论为合格的{ok}座，限期整改的{fix}座，不合格的{bad}座。"
               f"共发现问题{facts.n_problems}项。")
    from ...docx.tables import add_table

    rows = []
    for city in facts.cities():
        mines = [r for r in facts.rows if city_name(r.mine.city) == city]
        rows.append([city, len(mines)] + [sum(1 for r in mines if r.outcome.outcome == o)
                                          for o in ("合格", "限期整改", "不合格")])
    rows.append(["合计", n, ok, fix, bad])
    add_table(doc, ("所在市", "核查（座）", "合格", "限期整改", "不合格"), rows,
              widths_mm=(40, 28, 28, 28, 28), aligns=("left",) + ("center",) * 4)


def _problems(doc: Any, facts: CloseFacts) -> None:
    doc_heading(doc, "三、发现的主要问题")
    top = facts.problem_items()[:TOP_PROBLEMS]
    if not top:
        doc_para(doc, "本次核查未发现问题。")
        return
    doc_para(doc, f"按评价内容统计，问题较多的{len(top)}项如下（括号内为存在该问题的矿山数）：")
    for n, (ident, text, count) in enumerate(top, start=1):
        doc_para(doc, f"{n}.评价内容{ident}“{text}”（{count}座）。")


def _rectification(doc: Any, facts: CloseFacts) -> None:
    fix, bad = facts.with_outcome("限期整改"), facts.with_outcome("不合格")
    days = facts.result.rnd.rules.deadline_days
    doc_heading(doc, "四、整改和移出安排")
    doc_para(doc, f"对{len(fix)}座限期整改的矿山，已于{cn_date(facts.issued)}印发限期整改通知书，"
               f"要求在{days}日内（{cn_date(facts.deadline)}前）完成整改，涉及问题"
               f"{sum(len(r.record.problems) for r in fix)}项。"
               f"对{len(bad)}座核查结论为不合格的矿山，拟从绿色矿山名录中移出。")


def _next(doc: Any, facts: CloseFacts) -> None:
    fix = len(facts.with_outcome("限期整改"))
    doc_heading(doc, "五、下一步工作")
    doc_para(doc, f"一是跟踪{fix}座限期整改矿山的整改进度，整改期限届满后逐项核验整改台账，"
               "对逾期未完成整改的矿山依据有关规定处理。")
    doc_para(doc, "二是将本次核查中限期整改和存在问题的矿山列为下一年度实地核查的优先抽查对象。")
    doc_para(doc, "三是对照发现的主要问题，督促名录内矿山开展自查自纠，落实绿色矿山建设要求。")


def render(facts: CloseFacts) -> bytes:
    from ...docx.document import to_bytes

    info = facts.result.rnd.info
    doc = official_doc()
    doc_title(doc, f"{info.year}年绿色矿山实地核查工作总结")
    _scope(doc, facts)
    _outcomes(doc, facts)
    _problems(doc, facts)
    _rectification(doc, facts)
    _next(doc, facts)
    doc_signature(doc, info.issuer, cn_date(facts.issued))
    return to_bytes(doc)
