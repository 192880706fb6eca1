"""An :class:`IndicatorSet` back to plain data (the documented YAML shape) and to YAML text.

``build_set(to_data(s))`` gives back an equal set, which the tests check for every built-in set.
"""
from __future__ import annotations

import io
from typing import Any

from .build import FORMAT_TAG
from .model import IndicatorSet


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def to_data(iset: IndicatorSet) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT_TAG, "id": iset.id, "title": iset.title}
    for key in ("document_number", "edition", "source"):
        if getattr(iset, key):
            data[key] = getattr(iset, key)
    data["official"] = iset.official
    if iset.note:
        data["note"] = iset.note
    data.update(total_points=_num(iset.total_points), pass_line=_num(iset.pass_line),
                min_ratio=iset.min_ratio)
    if iset.score_decimals is not None:
        data["score_decimals"] = iset.score_decimals
    if iset.declared_counts is not None:
        data["counts"] = dict(zip(("categories", "groups", "items"), iset.declared_counts))
    data["prerequisites"] = [
        {"id": p.id, "text": p.text, **({"evidence": p.evidence} if p.evidence else {}),
         **({"fact": p.fact} if p.fact else {})} for p in iset.prerequisites]
    cats = []
    for c in iset.categories:
        cat: dict[str, Any] = {"id": c.id, "name": c.name, "points": _num(c.points)}
        if c.min_ratio != iset.min_ratio:
            cat["min_ratio"] = c.min_ratio
        groups = []
        for g in c.groups:
            items = []
            for i in g.items:
                item: dict[str, Any] = {"id": i.id, "text": i.text, "points": _num(i.points)}
                if i.method:
                    item["method"] = i.method
                if i.evidence:
                    item["evidence"] = i.evidence
                applies: dict[str, list[str]] = {}
                if i.applies_to.standards:
                    applies["standards"] = list(i.applies_to.standards)
                if i.applies_to.methods:
                    applies["methods"] = list(i.applies_to.methods)
                if applies:
                    item["applies_to"] = applies
                items.append(item)
            groups.append({"id": g.id, "name": g.name, "points": _num(g.points), "items": items})
        cat["groups"] = groups
        cats.append(cat)
    data["categories"] = cats
    return data


def to_yaml(iset: IndicatorSet) -> str:
    """YAML text of the set, ids quoted so ``"1.10"`` never turns into a number."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Q

    def quote_ids(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (Q(v) if k == "id" else quote_ids(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [quote_ids(v) for v in node]
        return node

    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    buf.write(f"# {iset.display_title}\n")
    if not iset.official:
        buf.write("# " + iset.reference_notice + "\n")
    yaml.dump(quote_ids(to_data(iset)), buf)
    return buf.getvalue()
