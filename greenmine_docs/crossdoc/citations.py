"""Citations in the input agree with the citation data (findings GM-W236, GM-W237, GM-E238,
GM-E239): the user's citation list can be read, the local standards a mine names are in it, and
the plan's and the assessment's own texts name each listed document by its exact title and
number and cite nothing issued after they were written."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterator

from ..citations import Conflict, cited_in, citations_for, title_conflicts, user_list_problem
from ..cntext import cn_date
from ..findings import Finding, Location, make

if TYPE_CHECKING:
    from ..pipeline import Run


def check(ctx: Run) -> Iterator[Finding]:
    problem = user_list_problem(ctx)
    if problem:
        yield make("GM-E238", problem, location=ctx.at("campaign", "citations"))
    cites = citations_for(ctx)
    for i, code in enumerate(ctx.submission.mine.local_standards):
        if cites.standard(code) is None:
            yield make("GM-E239", f"适用地方标准“{code}”不在引用文件清单中，文档无法写出它的准确名称。",
                       location=ctx.at("mine", "local_standards", i))
    for text, location, written in _texts(ctx):
        for c in title_conflicts(text, cites):
            yield make("GM-W236", _conflict_message(c), location=location)
        if written is None:
            continue
        for cited in cited_in(text, cites):
            if cited.date is not None and cited.date > written:
                yield make("GM-W237", f"引用的{cited.cite()}发布于{cn_date(cited.date)}，晚于本文件的编制日期"
                           f"{cn_date(written)}。", location=location)


def _conflict_message(c: Conflict) -> str:
    return f"文字中写作“{c.written}”，引用文件清单中该文号（编号）的文件是{c.expected}。"


def _texts(ctx: Run) -> Iterator[tuple[str, Location, dt.date | None]]:
    """The input's own texts that cite documents, where they are and the date of the
    document they belong to."""
    s = ctx.submission
    if s.plan is not None:
        from ..errors import ConfigError, InputError
        from ..documents.plan.checks import narratives
        from ..documents.plan.data import plan_data

        try:
            data = plan_data(ctx)
        except (InputError, ConfigError):
            data = None
        if data is not None:
            for _, _, text in narratives(data):
                yield text.text, text.location, s.plan.date
    a = s.assessment
    if a is not None:
        for i, m in enumerate(a.desk_review.materials):
            yield m, ctx.at("assessment", "desk_review", "materials", i), a.report_date
        for i, h in enumerate(a.highlights):
            yield h, ctx.at("assessment", "highlights", i), a.report_date
