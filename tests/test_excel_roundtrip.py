"""YAML → XLSX → YAML is lossless: on every example that is a full submission (whatever
examples exist when the tests run), and on submissions generated from the model itself."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from conftest import EXAMPLES, run_cli
from greenmine_docs.api import validate
from greenmine_docs.convert import convert
from greenmine_docs.excel_input import read_workbook, render_workbook
from greenmine_docs.excel_input.layout import analyse
from greenmine_docs.findings import Severity
from greenmine_docs.load.yaml_input import read_yaml
from greenmine_docs.model import Submission

FOUNDATION = ("campaign", "enterprise", "mine", "reserves", "eligibility")


def _full_submissions() -> list[Path]:
    out = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        try:
            data = read_yaml(path).data
        except Exception:  # noqa: BLE001 — not an input file at all
            continue
        if isinstance(data, dict) and all(k in data for k in FOUNDATION):
            out.append(path)
    return out


EXAMPLE_FILES = _full_submissions()


def test_examples_exist() -> None:
    assert any(p.parent.name == "shanxi-limestone" for p in EXAMPLE_FILES)


def _dump(data: Any) -> dict[str, Any]:
    return Submission.model_validate(data).model_dump(mode="python")


def _keys(report) -> set[tuple[str, str | None]]:
    """What validation found, without the Excel reader's own notes."""
    return {(f.code, f.location.path) for f in report
            if not f.code.startswith(("GM-I15", "GM-W15", "GM-E15"))}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_example_yaml_xlsx_yaml(path: Path, tmp_path: Path) -> None:
    folder = tmp_path / path.parent.name
    shutil.copytree(path.parent, folder)  # relative references (photos, .md) keep resolving
    src = folder / path.name
    xlsx = folder / "converted.xlsx"
    report = convert(src, xlsx)
    assert not [f for f in report if f.code == "GM-W155"]
    dropped = {f.location.path for f in report if f.code == "GM-W153"}
    raw = read_yaml(src)
    back = read_workbook(xlsx)
    assert not [f for f in back.findings if f.severity is Severity.ERROR], back.findings
    yaml_again = folder / "again.yaml"
    convert(xlsx, yaml_again)
    again = read_yaml(yaml_again)
    assert yaml_again.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=")
    try:
        expected = _dump(raw.data)
    except ValidationError:
        expected = None
    if expected is not None:  # a valid submission: the loaded data are identical
        assert _diff(expected, _dump(back.data)) == []
        assert _diff(expected, _dump(again.data)) == []
        assert list(again.data) == [k for k in Submission.model_fields if k in again.data]
    # valid or flawed: validation finds the same problems at the same fields, except keys the
    # workbook has no cell for (reported when converting)
    from_yaml = {k for k in _keys(validate(src)) if not (k[0] == "GM-E102" and k[1] in dropped)}
    assert _keys(validate(xlsx)) == from_yaml
    assert _keys(validate(yaml_again)) == from_yaml


def test_cli_convert_both_ways(runner, tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLES / "shanxi-limestone", folder)
    xlsx, back = folder / "mine.xlsx", folder / "back.yaml"
    res = run_cli(runner, "convert", folder / "mine.yaml", xlsx)
    assert res.code == 0, res.output
    assert "已转换" in res.stdout
    res = run_cli(runner, "convert", xlsx, back, "--format", "json")
    assert res.code == 0, res.output
    assert '"valid": true' in res.stdout
    assert _dump(read_yaml(back).data) == _dump(read_yaml(folder / "mine.yaml").data)
    refused = run_cli(runner, "convert", folder / "mine.yaml", xlsx)
    assert refused.code == 2 and "--force" in refused.stderr
    bad = run_cli(runner, "convert", folder / "mine.yaml", folder / "mine.csv")
    assert bad.code == 2 and "扩展名" in bad.stderr
    same = run_cli(runner, "convert", xlsx, xlsx, "--force")
    assert same.code == 2 and "输入" in same.stderr


def test_convert_elsewhere_warns_about_relative_files(tmp_path: Path) -> None:
    report = convert(EXAMPLES / "shanxi-limestone" / "mine.yaml", tmp_path / "mine.xlsx")
    moved = [f for f in report if f.code == "GM-W155"]
    if any((EXAMPLES / "shanxi-limestone" / p).is_file() for p in ("plan/basis.md",)):
        assert any(f.location.path == "plan.narrative.basis" for f in moved)
    assert all(f.severity is Severity.WARNING for f in moved)


# -- generated submissions ---------------------------------------------------------------------
_CJK = "矿山企业山西吕梁青岚灰岩水泥年度方案评审专家整改"
_TEXT = st.text(alphabet=_CJK + "ABCxyz0123456789-_/（）()《》.%=·", min_size=1, max_size=10)
_ITEM = st.text(alphabet=_CJK + "ABCxyz0123456789-/（）", min_size=1, max_size=8)


def _bounds(info: Any) -> tuple[float, float]:
    lower, upper = -1e6, 1e6
    for m in (info.metadata if info is not None else ()):
        if getattr(m, "ge", None) is not None:
            lower = float(m.ge)
        if getattr(m, "gt", None) is not None:
            lower = float(m.gt) + 0.001
        if getattr(m, "le", None) is not None:
            upper = float(m.le)
        if getattr(m, "lt", None) is not None:
            upper = float(m.lt) - 0.001
    return lower, upper


def _strategy(annotation: Any, info: Any = None, depth: int = 0) -> st.SearchStrategy:
    return _from(analyse(annotation), _bounds(info), depth)


_KEYS = st.integers(2000, 2100).map(str)  # valid for dict[str, …] and dict[int, …] alike
_NESTED = st.one_of(_TEXT, st.dictionaries(_KEYS, _TEXT, min_size=1, max_size=2))


def _from(ti: Any, bounds: tuple[float, float] = (-1e6, 1e6), depth: int = 0
          ) -> st.SearchStrategy:
    lower, upper = bounds
    kind = ti.kind
    if ti.nested:
        return _NESTED
    if kind in ("str", "any"):
        return _TEXT
    if kind == "text":
        return st.lists(_TEXT, min_size=1, max_size=3).map("\n".join)
    if kind == "int":
        return st.integers(int(max(lower, -10**6)), int(min(upper, 10**6)))
    if kind == "float":
        return st.floats(max(lower, -1e6), min(upper, 1e6), allow_nan=False,
                         allow_infinity=False).map(lambda x: round(x, 4))
    if kind == "bool":
        return st.booleans()
    if kind in ("date", "datetime"):
        return st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))
    if kind == "enum":
        return st.sampled_from(ti.choices)
    if kind == "list" and ti.item is not None:
        return st.lists(_ITEM if ti.item.kind == "str" else _from(ti.item), max_size=3)
    if kind == "model" and ti.model is not None:
        return _model_strategy(ti.model, depth + 1)
    if kind == "list_model" and ti.model is not None:
        return st.lists(_model_strategy(ti.model, depth + 1), max_size=2)
    if kind == "dict" and ti.item is not None:
        return st.dictionaries(_KEYS, _from(ti.item, depth=depth + 1), max_size=2)
    return st.none()


def _has_content(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_content(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_content(v) for v in value)
    return value is not None


def _model_strategy(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy:
    required, optional = {}, {}
    for name, info in model.model_fields.items():
        strategy = _strategy(info.annotation, info, depth)
        if info.default is None and analyse(info.annotation).kind in ("model", "dict",
                                                                        "list", "list_model"):
            # an empty section, list or mapping reads back as "not given" (documented), which
            # differs from an explicit empty one only where the default is None
            strategy = strategy.filter(_has_content)
        (required if info.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


@settings(max_examples=8, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no slow shrinking
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@given(data=_model_strategy(Submission))
def test_generated_submissions_round_trip(data: dict[str, Any], tmp_path_factory) -> None:
    try:
        expected = _dump(data)
    except ValidationError:
        assume(False)
        return
    content, findings = render_workbook(data)
    assert findings == []
    path = tmp_path_factory.mktemp("gen") / "gen.xlsx"
    path.write_bytes(content)
    back = read_workbook(path)
    assert _diff(expected, _dump(back.data)) == []


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths where two dumped submissions differ (readable failure messages)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in {*a, *b} for d in _diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]
