"""A mine's outcome (合格 / 限期整改 / 不合格) from its record, by the round's rules in order:
the first rule whose test holds decides; none holds → 合格."""
from __future__ import annotations

from ...frozen import frozen
from ...model.verification import OutcomeRule
from .config import Round
from .record_read import Record

PENDING = "待定"  # a record with errors: no outcome until it is corrected


@frozen(quick_init=False)
class Outcome:
    outcome: str  # 合格 / 限期整改 / 不合格
    reason: str  # the rule's reason, with the failed conditions named; "" for 合格


def _holds(rule: OutcomeRule, rec: Record) -> bool:
    if rule.failed_conditions_at_least is not None:
        return len(rec.failed_conditions) >= rule.failed_conditions_at_least
    counted = [i for i in rec.problems if not rule.items or i.id in rule.items]
    return len(counted) >= (rule.problems_at_least or 0)


def decide(rec: Record, rnd: Round) -> Outcome:
    for rule in rnd.rules.outcome_rules:
        if _holds(rule, rec):
            reason = rule.reason
            if rule.failed_conditions_at_least is not None:
                reason += "（" + "；".join(c.text for c in rec.failed_conditions) + "）"
            return Outcome(rule.outcome, reason)
    return Outcome("合格", "")
