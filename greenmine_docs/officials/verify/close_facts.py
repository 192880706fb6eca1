"""Figures of a closed round, computed once for every document that prints them."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from ...frozen import frozen
from .round_read import MineResult, RoundResult

PROVINCE, CITY = "省级核查", "市级核查"


def responsible(level: str) -> str:
    return PROVINCE if level in ("国家级", "省级") else CITY


def city_name(city: str) -> str:
    return city if city.endswith("市") else city + "市"


@frozen(quick_init=False)
class CloseFacts:
    result: RoundResult
    issued: dt.date
    deadline: dt.date

    @property
    def rows(self) -> list[MineResult]:
        return self.result.results

    def with_outcome(self, outcome: str) -> list[MineResult]:
        return [r for r in self.rows if r.outcome.outcome == outcome]

    def cities(self) -> list[str]:
        seen: list[str] = []
        for r in self.rows:
            if city_name(r.mine.city) not in seen:
                seen.append(city_name(r.mine.city))
        return seen

    def listed_by(self) -> Counter:
        """(responsible level, city) -> listed mines; city "" for the province's group."""
        return Counter((responsible(lv), "" if responsible(lv) == PROVINCE else city_name(c))
                       for lv, c in self.result.sample.listed)

    def sampled_by(self) -> Counter:
        return Counter((responsible(r.mine.level),
                        "" if responsible(r.mine.level) == PROVINCE else city_name(r.mine.city))
                       for r in self.rows)

    def problem_items(self) -> list[tuple[str, str, int]]:
        """(item id, item text, mines with a problem on it), most frequent first, then by id
        order of the round's items."""
        order = {i.id: n for n, i in enumerate(self.result.rnd.items)}
        texts = {i.id: i.text for i in self.result.rnd.items}
        count = Counter(p.id for r in self.rows for p in r.record.problems)
        return [(i, texts[i], n) for i, n in sorted(count.items(), key=lambda kv: (-kv[1], order[kv[0]]))]

    @property
    def n_problems(self) -> int:
        return sum(len(r.record.problems) for r in self.rows)


def facts_for(result: RoundResult, issued: dt.date) -> CloseFacts:
    return CloseFacts(result, issued, issued + dt.timedelta(days=result.rnd.rules.deadline_days))
