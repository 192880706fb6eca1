"""Money in integer 分 of 万元 (hundredths), so that totals by category and by year add up exactly
to the sum of the rows, as a reviewer checks with a calculator; and an investment spread over
the calendar years it spans (the implementation plan's tasks, the zone plan's projects)."""
from __future__ import annotations

import datetime as dt
from typing import Mapping, Protocol


class Scheduled(Protocol):
    """Anything with an investment over a time span (a plan task, a zone project)."""

    @property
    def investment(self) -> float: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...
    @property
    def by_year(self) -> Mapping[int, float] | None: ...


def cents(amount: float) -> int:
    return int(round(amount * 100))


def money(c: int) -> float:
    return c / 100


def split_by_year(task: Scheduled) -> dict[int, int]:
    """An investment per calendar year, in cents: the explicit ``by_year`` when given,
    otherwise spread over its days; rounding remainders go to the largest share, so the parts
    always add up to the task's investment exactly."""
    total = cents(task.investment)
    if task.by_year:
        return {int(y): cents(v) for y, v in sorted(task.by_year.items())}
    start, end = task.start, max(task.end, task.start)
    days_total = (end - start).days + 1
    shares: dict[int, int] = {}
    for year in range(start.year, end.year + 1):
        a = max(start, dt.date(year, 1, 1))
        b = min(end, dt.date(year, 12, 31))
        shares[year] = total * ((b - a).days + 1) // days_total
    rest = total - sum(shares.values())
    if rest:
        biggest = max(shares, key=lambda y: shares[y])
        shares[biggest] += rest
    return shares
