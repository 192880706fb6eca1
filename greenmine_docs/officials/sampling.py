"""The verification sample (实地核查抽查): who checks whom, how many, and which mines.

Rules (domain.md §1):
- groups: the province checks national and provincial mines (one group); each city checks its
  municipal mines (one group per city);
- each group gets at least ``ratio`` of its mines, rounded up: ``ceil(ratio × n)``, computed in
  exact decimal arithmetic (0.2 × 10 is 2, not 2.0000000000000004 → 3);
- switched-on priority rules (open-pit, reported problems, earlier rectification orders) fill
  places first; if more mines qualify than there are places, the places are drawn among them;
- the rest is drawn at random.

Reproducibility: every mine gets a *ticket*
``SHA-256("greenmine-sample-v1|seed|group|name|licence")``
and a group takes its mines in ticket order. The ticket depends only on the seed and the mine's
own identity, not on row order, platform, Python version or hash seed, so anyone can recompute
the draw; adding a mine to one city does not change the draw of another.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..clock import today
from ..errors import InputError
from ..findings import Location, Report, make
from .mine_list import ListedMine, city_key

ALGORITHM = "greenmine-sample-v1"

# rule key -> (Chinese label, predicate, accepted spellings on the command line)
PRIORITY_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "open-pit": ("露天开采", ("open-pit", "openpit", "open_pit", "露天", "露天开采")),
    "reported": ("被举报/信访", ("reported", "report", "举报", "信访", "被举报")),
    "rectification": ("以往整改要求", ("rectification", "rectify", "整改", "以往整改")),
}


def _matches(rule: str, mine: ListedMine) -> bool:
    if rule == "open-pit":
        return mine.open_pit
    if rule == "reported":
        return mine.reported
    return mine.rectification


def parse_ratio(text: str | float | Decimal) -> Decimal:
    """``0.2``, ``20%`` or ``1/5`` → ``Decimal('0.2')``; must be in (0, 1]."""
    s = str(text).strip().replace("％", "%")
    try:
        if s.endswith("%"):
            value = Decimal(s[:-1]) / 100
        elif "/" in s:
            num, den = s.split("/", 1)
            value = Decimal(num) / Decimal(den)
        else:
            value = Decimal(s)
    except (InvalidOperation, ZeroDivisionError, ValueError) as e:
        raise InputError(f"抽取比例“{text}”不是有效数字。", hint="例如 --ratio 0.2 或 --ratio 20%。") from e
    if not value.is_finite() or not (0 < value <= 1):  # NaN cannot even be compared
        raise InputError(f"抽取比例 {text} 超出范围。", hint="抽取比例应大于 0、不超过 1（100%）。")
    return value


def parse_priorities(text: str | None) -> tuple[str, ...]:
    """``open-pit,reported`` (or Chinese 露天,举报,整改) → rule keys in canonical order."""
    if not text or text.strip().lower() in ("none", "无", "off"):
        return ()
    if text.strip().lower() in ("all", "全部"):
        return tuple(PRIORITY_RULES)
    chosen: set[str] = set()
    for part in re.split(r"[,，、\s]+", text.strip()):
        if not part:
            continue
        for key, (_, spellings) in PRIORITY_RULES.items():
            if part.lower() in spellings:
                chosen.add(key)
                break
        else:
            raise InputError(f"未知的优先规则“{part}”。",
                             hint="可用：open-pit（露天开采）、reported（被举报/信访）、"
                                  "rectification（以往整改要求），用逗号分隔；all 表示全部。")
    return tuple(k for k in PRIORITY_RULES if k in chosen)


def quota(n: int, ratio: Decimal) -> int:
    return min(n, math.ceil(ratio * n)) if n else 0


def ticket(seed: int, group: str, mine: ListedMine) -> str:
    data = f"{ALGORITHM}|{seed}|{group}|{mine.canonical}".encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass
class Draw:
    mine: ListedMine
    ticket: str
    priority: tuple[str, ...]  # rule keys this mine matches (only switched-on rules)
    drawn: bool = False
    reason: str = ""  # "随机" or "优先：露天开采、被举报/信访"; "" when not drawn


@dataclass
class Group:
    key: str  # "province" or "city:吕梁"
    label: str  # "省级核查（国家级、省级矿山）" / "吕梁市（市级矿山）"
    checker: str  # who checks: as the list names it, e.g. "吕梁市规划和自然资源局"
    draws: list[Draw]  # every mine of the group, in list order
    required: int
    named: bool = False  # the checker's name comes from the list (not the generic default)

    @property
    def listed(self) -> int:
        return len(self.draws)

    @property
    def drawn(self) -> list[Draw]:
        return [d for d in self.draws if d.drawn]

    @property
    def n_priority(self) -> int:
        return sum(1 for d in self.draws if d.priority)

    @property
    def n_drawn_priority(self) -> int:
        return sum(1 for d in self.drawn if d.reason.startswith("优先"))


@dataclass
class SampleResult:
    groups: list[Group]
    ratio: Decimal
    seed: int
    priorities: tuple[str, ...]
    date: dt.date
    report: Report = field(default_factory=Report)
    source: str = ""
    source_sha256: str = ""
    sheet: str = ""
    province: str = ""

    @property
    def drawn(self) -> list[tuple[Group, Draw]]:
        return [(g, d) for g in self.groups for d in g.drawn]

    def rules_text(self) -> str:
        return "、".join(PRIORITY_RULES[k][0] for k in self.priorities) or "未启用"

    def to_dict(self) -> dict:
        return {
            "algorithm": ALGORITHM, "ratio": str(self.ratio), "seed": self.seed,
            "priorities": list(self.priorities), "date": self.date.isoformat(),
            "source": self.source, "source_sha256": self.source_sha256,
            "groups": [{
                "key": g.key, "label": g.label, "checker": g.checker, "listed": g.listed,
                "required": g.required, "drawn": len(g.drawn), "priority_mines": g.n_priority,
                "mines": [{"name": d.mine.name, "level": d.mine.level, "city": d.mine.city,
                           "row": d.mine.row, "reason": d.reason, "ticket": d.ticket[:16]}
                          for d in g.drawn],
            } for g in self.groups],
            "report": self.report.to_dict(),
        }


def _group_of(mine: ListedMine, province: str) -> tuple[str, str, str]:
    """Group key, label and checking authority. The authority is named as the list names it
    (核查单位 column); without a name the text says which level checks, not an invented name."""
    if mine.level in ("国家级", "省级"):
        prov = f"{province}自然资源主管部门" if province else "省级自然资源主管部门"
        return "province", "省级核查（国家级、省级矿山）", prov
    ck = city_key(mine.city)
    shown = mine.city if mine.city.endswith(("市", "州", "盟", "地区")) else mine.city + "市"
    return f"city:{ck}", f"{shown}（市级矿山）", f"{shown}自然资源主管部门"


def draw_sample(mines: list[ListedMine], *, ratio: Decimal, seed: int,
                priorities: tuple[str, ...] = (), date: dt.date | None = None,
                province: str = "", report: Report | None = None,
                sheet: str = "") -> SampleResult:
    """Group the mines, compute each group's quota and draw. Pure: same inputs, same result."""
    report = report if report is not None else Report()
    groups: dict[str, Group] = {}
    for mine in mines:
        key, label, checker = _group_of(mine, province)
        g = groups.setdefault(key, Group(key, label, checker, [], 0))
        if mine.checker and not g.named:  # the first row that names the authority names it
            g.checker, g.named = mine.checker, True
        rules = tuple(r for r in priorities if _matches(r, mine))
        g.draws.append(Draw(mine=mine, ticket=ticket(seed, key, mine), priority=rules))
        if "open-pit" in priorities and not mine.method:
            report.add(make("GM-W606", f"“{mine.name}”未填写开采方式，按非露天矿山处理。",
                            location=Location(file=report.source, sheet=sheet or None,
                                              cell=mine.cells.get("method"))))
    ordered = sorted(groups.values(), key=lambda g: (g.key != "province",))
    for g in ordered:
        g.required = quota(g.listed, ratio)
        pool_pri = sorted((d for d in g.draws if d.priority), key=lambda d: d.ticket)
        pool_rest = sorted((d for d in g.draws if not d.priority), key=lambda d: d.ticket)
        places = g.required
        for d in pool_pri[:places]:
            d.drawn = True
            d.reason = "优先：" + "、".join(PRIORITY_RULES[r][0] for r in d.priority)
        if len(pool_pri) > places:
            report.add(make("GM-I607", f"{g.label}有优先矿山 {len(pool_pri)} 座，应抽 {places} 座，"
                                       "已在优先矿山中按抽签值抽取。",
                            location=Location(file=report.source, part=g.label)))
        for d in pool_rest[:max(0, places - len(pool_pri))]:
            d.drawn = True
            d.reason = "随机"
    return SampleResult(groups=ordered, ratio=ratio, seed=seed, priorities=priorities,
                        date=date or today(), report=report, province=province)
