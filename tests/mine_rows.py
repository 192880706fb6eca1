"""Rows for mines tables in tests: the example's foundation sections, varied per mine (name,
staff, remaining reserves, licence end, 0–2 penalties)."""
from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from conftest import EXAMPLE
from greenmine_docs.load.yaml_input import read_yaml

FOUNDATION = ("schema_version", "campaign", "enterprise", "mine", "reserves", "eligibility")


def mine_rows(n: int) -> list[dict[str, Any]]:
    base = {k: v for k, v in read_yaml(EXAMPLE).data.items() if k in FOUNDATION}
    out = []
    for i in range(n):
        d = copy.deepcopy(base)
        d["mine"]["name"] = f"测试{i + 1}号灰岩矿"
        d["mine"]["staff"] = 50 + i
        d["reserves"]["remaining"]["value"] = 1000.5 + i
        d["mine"]["licence"]["valid_to"] = dt.date(2026 + i % 5, 6, 12)
        penalty = d["eligibility"]["penalties"][0]
        d["eligibility"]["penalties"] = [
            {**penalty, "decision_number": f"吕环罚〔2021〕{i}-{k}号"} for k in range(i % 3)]
        out.append(d)
    return out
