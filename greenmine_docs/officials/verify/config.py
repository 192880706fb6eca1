"""The round's configuration: our default rules (package data) and a round file that overrides
them key by key; the indicator items the records list."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import InputError
from ...frozen import frozen
from ...indicators.model import IndicatorSet, Item
from ...model.verification import RoundFile, RoundInfo, VerificationRules
from ...resources import template_path

RULES_FILE = ("verification", "rules.yaml")


@frozen(quick_init=False)
class Round:
    info: RoundInfo
    rules: VerificationRules
    iset: IndicatorSet
    source: str = ""  # the round file, "" for defaults only

    @property
    def items(self) -> tuple[Item, ...]:
        """The items a record lists: the focus list in its own order, else every item."""
        every = {i.id: i for c in self.iset.categories for i in c.items}
        if not self.rules.focus_items:
            return tuple(every.values())
        return tuple(every[i] for i in self.rules.focus_items)

    def bureau_of(self, level: str, city: str) -> str:
        """Who checks and issues: the province for national and provincial mines, the city's
        bureau (as the round names it) for municipal ones."""
        if level in ("国家级", "省级"):
            return self.info.issuer
        key = city.removesuffix("市")
        for name, bureau in self.info.city_bureaus.items():
            if name.removesuffix("市") == key:
                return bureau
        return f"{key}市自然资源主管部门"


def _yaml(path: Path) -> Any:
    from ...load.yaml_input import parse

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"无法读取核查轮次文件 {path.name}。", hint="请确认文件存在且为 UTF-8 编码。") from e
    return parse(text, path)[0]


def _plain(value: Any) -> Any:
    """ruamel's round-trip containers → plain dicts and lists (pydantic validates those)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _validate(model: Any, data: Any, where: str) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}中“{path}”无效：{first['msg']}",
                         hint="对照 templates/verification/rules.yaml 中的说明修改。") from e


def load_round(path: str | Path | None) -> Round:
    """The round file (``round.yaml``) merged over the default rules, and the indicator set
    the rules name. Raises :class:`InputError` / :class:`ConfigError` when unusable."""
    if path is None:
        raise InputError("请用 --round 指定核查轮次文件（round.yaml）。",
                         hint="示例见 examples/verification-round/round.yaml。")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到核查轮次文件：{path}", hint="请检查文件路径。")
    defaults = _plain(_yaml(template_path(*RULES_FILE)))
    data = _validate(RoundFile, _plain(_yaml(path)), f"核查轮次文件 {path.name} ")
    merged = {**defaults, **data.rules}
    rules = _validate(VerificationRules, merged, f"{path.name} 的 rules ")
    from ...indicators.load import resolve

    iset = resolve(rules.indicator_set, path.parent)
    known = {i.id for c in iset.categories for i in c.items}
    unknown = [i for i in rules.focus_items if i not in known]
    if unknown:
        raise InputError(f"{path.name}：重点核查评价内容 {'、'.join(unknown)} 不在指标体系"
                         f"“{iset.title}”中。", hint="focus_items 只能填写该指标体系中的评价内容编号。")
    for rule in rules.outcome_rules:
        bad = [i for i in rule.items if i not in known]
        if bad:
            raise InputError(f"{path.name}：结论规则“{rule.reason}”中的评价内容 {'、'.join(bad)} "
                             "不在指标体系中。")
    return Round(info=data.round, rules=rules, iset=iset, source=str(path))
