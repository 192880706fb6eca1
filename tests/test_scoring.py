"""The scoring engine: worked examples and property tests of the arithmetic (hypothesis)."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from greenmine_docs.findings import Location
from greenmine_docs.indicators import MineProfile, load_builtin
from greenmine_docs.indicators.build import build_set
from greenmine_docs.scoring import ItemScore, Status, Verdict, fmt_points, fmt_ratio, fmt_score, score

REF = "national-2020-reference"


def _full(iset, mine=None):
    return {i.id: ItemScore(score=i.points) for i in iset.iter_items() if i.applies(mine)}


def _all_met(iset):
    return {p.id: True for p in iset.prerequisites}


def test_full_marks_pass_with_plain_total():
    iset = load_builtin(REF)
    r = score(iset, _full(iset), _all_met(iset))
    assert r.verdict is Verdict.PASS
    assert r.total == r.raw_total == 1000
    assert not r.converted
    assert [c.score for c in r.categories] == [c.points for c in iset.categories]
    assert r.reasons[0] == "先决条件全部符合。"


def test_failed_prerequisite_fails_whatever_the_score():
    iset = load_builtin(REF)
    rulings = _all_met(iset) | {"P3": False}
    r = score(iset, _full(iset), rulings)
    assert r.total == 1000
    assert r.verdict is Verdict.FAIL
    assert "P3" in r.reasons[0] and "一票否决" in r.reasons[0]
    assert [p.prerequisite.id for p in r.failed_prerequisites] == ["P3"]


def test_category_ratio_below_minimum_fails_even_above_pass_line():
    iset = load_builtin(REF)
    items = _full(iset)
    # category 5 (120 points): drop 31 points -> 89/120 = 74.2 % < 75 %, total 969 >= 800
    for ref in ("5.1.1", "5.1.3", "5.2.1"):
        items[ref] = ItemScore(score=0, reason="未开展")
    items["5.3.4"] = ItemScore(score=1, reason="部分实现")
    r = score(iset, items, _all_met(iset))
    cat5 = r.categories[4]
    assert cat5.score == 89 and cat5.ratio == pytest.approx(89 / 120) and not cat5.passed
    assert r.total == 969
    assert r.verdict is Verdict.FAIL
    assert any("科技创新与智能矿山" in x and "74.2%" in x for x in r.reasons)


def test_total_below_pass_line_fails():
    iset = load_builtin(REF)
    items = {i.id: ItemScore(score=i.points * 0.78, reason="部分不足") for i in iset.iter_items()}
    r = score(iset, items, _all_met(iset))
    assert r.total == pytest.approx(780)
    assert r.verdict is Verdict.FAIL
    assert any("未达到达标线" in x for x in r.reasons)


def test_not_applicable_items_leave_the_denominator_and_total_is_converted():
    iset = load_builtin(REF)
    mine = MineProfile(industry_standard="DZ/T 0318-2018", method="露天开采")
    na = [i for i in iset.iter_items() if not i.applies(mine)]
    assert {i.id for i in na} == {"1.1.8", "2.1.3", "3.1.5", "3.2.4", "3.3.2", "5.4.4"}
    items = _full(iset, mine)
    items["1.1.1"] = ItemScore(score=5, reason="分区不清")
    r = score(iset, items, _all_met(iset), mine)
    applicable = 1000 - sum(i.points for i in na)
    assert r.applicable_points == applicable == 941
    assert r.raw_total == applicable - 10
    assert r.total == pytest.approx((applicable - 10) / applicable * 1000)
    assert r.converted
    assert r.items["1.1.8"].status is Status.NOT_APPLICABLE and r.items["1.1.8"].na_by_set
    env = r.categories[0]
    assert env.applicable_points == 208 and env.ratio == pytest.approx(198 / 208)
    assert any("折算" in x for x in r.reasons)


def test_declared_not_applicable_needs_a_reason():
    iset = load_builtin(REF)
    items = _full(iset)
    items["3.2.3"] = ItemScore(not_applicable=True)
    r = score(iset, items, _all_met(iset))
    assert r.items["3.2.3"].status is Status.NOT_APPLICABLE
    assert [p.kind for p in r.problems] == ["na_without_reason"]
    assert r.total == 1000  # 992/992 converted back


def test_problems_unscored_invalid_no_reason_unknown():
    iset = load_builtin(REF)
    items = _full(iset)
    del items["1.1.1"]
    items["1.1.2"] = ItemScore(score=16)  # above 15
    items["1.1.3"] = ItemScore(score=10)  # deduction without reason
    items["9.9.9"] = ItemScore(score=1)
    r = score(iset, items, {"P1": True, "PX": False})
    kinds = {(p.kind, p.ref) for p in r.problems}
    assert ("unscored", "1.1.1") in kinds
    assert ("out_of_range", "1.1.2") in kinds
    assert ("no_reason", "1.1.3") in kinds
    assert ("unknown_item", "9.9.9") in kinds
    assert ("unknown_prerequisite", "PX") in kinds
    assert ("unruled_prerequisite", "P2") in kinds
    assert r.items["1.1.2"].status is Status.INVALID and r.items["1.1.2"].score == 0
    assert r.raw_total == 1000 - 15 - 15 - 2
    assert r.verdict is Verdict.INCOMPLETE
    assert r.reasons[0].startswith("评分尚未完成")


def test_formatting():
    assert fmt_points(800.0) == "800" and fmt_points(812.456) == "812.46"
    assert fmt_points(None) == "—" and fmt_points(-0.0) == "0"
    assert fmt_ratio(0.8125) == "81.3%" and fmt_ratio(None) == "—"


@pytest.mark.parametrize("fmt", [fmt_points, fmt_score, fmt_ratio])
def test_formatting_remembered_equals_formatting_anew(fmt):
    """The formatters are cached: numbers that are equal keys (1, 1.0 and True; 0.0 and
    -0.0, which fmt_ratio prints differently) print in any order as each does alone."""
    from greenmine_docs.indicators import numbers

    values = [0, 0.0, -0.0, True, 1, 1.0, 2.675, 1.005, -1.005, 0.125, 0.0005, -0.0049,
              -0.00001, 937.1, 812.456, 902.4918743228602, 1e-7, 12345678.905, None]
    caches = [numbers.fmt_points, numbers.fmt_score, numbers._percent]

    def alone(x: float | None) -> str:
        for cache in caches:
            cache.cache_clear()
        return fmt(x)

    expected = [alone(x) for x in values]
    for order in (range(len(values)), reversed(range(len(values)))):
        for cache in caches:
            cache.cache_clear()
        for i in order:
            assert fmt(values[i]) == expected[i], (fmt.__name__, values[i])
    assert fmt_ratio(-0.0) == "-0.0%" and fmt_ratio(0.0) == "0.0%"
    assert fmt_score(2.675) == "2.68" and fmt_score(-0.001) == "0.00"
    assert fmt_score(937.1) == "937.10" and fmt_ratio(0.0005) == "0.1%"


# ---- property tests over random, consistent indicator sets ---------------------------------

HALF = st.integers(min_value=1, max_value=40).map(lambda n: n / 2)  # 0.5 … 20 points


@st.composite
def indicator_sets(draw):
    """Random valid set data: points add up by construction."""
    cats = []
    n_item = 0
    for ci in range(draw(st.integers(1, 4))):
        groups = []
        for gi in range(draw(st.integers(1, 3))):
            items = []
            for ii in range(draw(st.integers(1, 4))):
                n_item += 1
                item = {"id": f"{ci + 1}.{gi + 1}.{ii + 1}", "text": f"评价内容{n_item}",
                        "points": draw(HALF)}
                if draw(st.booleans()) and draw(st.booleans()):
                    item["applies_to"] = {"methods": [draw(st.sampled_from(
                        ["露天开采", "地下开采"]))]}
                items.append(item)
            groups.append({"id": f"{ci + 1}.{gi + 1}", "name": f"二级{ci}{gi}",
                           "points": sum(i["points"] for i in items), "items": items})
        cats.append({"id": str(ci + 1), "name": f"一级{ci}",
                     "points": sum(g["points"] for g in groups), "groups": groups,
                     "min_ratio": draw(st.sampled_from([0, 0.6, 0.75, 0.9]))})
    total = sum(c["points"] for c in cats)
    data = {"id": "random", "title": "随机", "official": False, "total_points": total,
            "pass_line": draw(st.floats(min_value=0.5, max_value=1)).__round__(2) * total or total,
            "prerequisites": [{"id": f"P{i}", "text": f"条件{i}"} for i in range(draw(st.integers(0, 3)))],
            "categories": cats}
    iset, findings = build_set(data, lambda p: Location())
    assert iset is not None, [str(f) for f in findings]
    return iset


@st.composite
def scored(draw):
    iset = draw(indicator_sets())
    mine = draw(st.sampled_from([None, MineProfile(method="露天开采"), MineProfile(method="地下开采")]))
    items = {}
    for it in iset.iter_items():
        if not it.applies(mine):
            continue
        steps = int(it.points * 2)
        items[it.id] = ItemScore(score=draw(st.integers(0, steps)) / 2, reason="扣分原因")
    rulings = {p.id: draw(st.booleans()) for p in iset.prerequisites}
    return iset, mine, items, rulings


@settings(max_examples=100, deadline=None)
@given(scored())
def test_subtotals_add_up(case):
    iset, mine, items, rulings = case
    r = score(iset, items, rulings, mine)
    for c in r.categories:
        assert c.score == pytest.approx(sum(g.score for g in c.groups))
        assert c.applicable_points == pytest.approx(sum(g.applicable_points for g in c.groups))
        for g in c.groups:
            assert g.score == pytest.approx(sum(x.score for x in g.items if x.applicable))
            assert 0 <= g.score <= g.applicable_points <= g.points
    assert r.raw_total == pytest.approx(sum(c.score for c in r.categories))
    assert r.applicable_points == pytest.approx(sum(c.applicable_points for c in r.categories))
    assert 0 <= r.total <= iset.total_points + 1e-9
    if r.applicable_points:
        assert r.total == pytest.approx(r.raw_total * iset.total_points / r.applicable_points)
    if r.applicable_points == iset.total_points:
        assert r.total == pytest.approx(r.raw_total)
    assert not [p for p in r.problems if p.kind not in ("unruled_prerequisite",)]


@settings(max_examples=100, deadline=None)
@given(scored())
def test_verdict_rule(case):
    iset, mine, items, rulings = case
    r = score(iset, items, rulings, mine)
    vetoed = any(v is False for v in rulings.values())
    exact_total = (Fraction(r.raw_total) * Fraction(iset.total_points) / Fraction(r.applicable_points)
                   if r.applicable_points else Fraction(0))
    ratios_ok = all(c.applicable_points == 0
                    or Fraction(c.score) / Fraction(c.applicable_points) >= Fraction(str(c.min_ratio))
                    for c in r.categories)
    expected = (Verdict.FAIL if vetoed else
                Verdict.PASS if exact_total >= Fraction(str(iset.pass_line)) and ratios_ok
                else Verdict.FAIL)
    assert r.verdict is expected
    assert r.reasons, "a verdict always says why"


@settings(max_examples=60, deadline=None)
@given(scored())
def test_a_result_kept_for_the_same_question_is_the_one_worked_out(case):
    from greenmine_docs import scoring

    iset, mine, items, rulings = case
    first = score(iset, items, rulings, mine)
    again = score(iset, dict(items), dict(rulings), mine)  # other dicts, the same question
    assert again is first
    assert again == scoring._scored(iset, items, rulings, mine)


def test_a_result_is_kept_only_for_the_very_same_question():
    iset = load_builtin(REF)
    ref = next(iter(iset.items))
    whole, decimal = (score(iset, {ref: ItemScore(score=n, reason="少")}, _all_met(iset))
                      for n in (1, 1.0))
    assert type(whole.items[ref].given) is int and type(decimal.items[ref].given) is float
    reasoned = score(iset, {ref: ItemScore(score=1, reason="另一个原因")}, _all_met(iset))
    assert reasoned.items[ref].reason == "另一个原因"
    open_mine = score(iset, {ref: ItemScore(score=1, reason="少")}, _all_met(iset),
                      MineProfile(method="露天开采"))
    assert open_mine is not whole
    unruled = score(iset, {ref: ItemScore(score=1, reason="少")}, {})
    assert {p.kind for p in unruled.problems} - {p.kind for p in whole.problems} == {
        "unruled_prerequisite"}


@settings(max_examples=60, deadline=None)
@given(scored(), st.data())
def test_raising_a_score_never_lowers_the_total(case, data):
    iset, mine, items, rulings = case
    assume(items)  # a generated case may score no item: nothing to raise
    before = score(iset, items, rulings, mine)
    ref = data.draw(st.sampled_from(sorted(items)))
    item = iset.items[ref]
    items = dict(items)
    items[ref] = ItemScore(score=item.points)
    after = score(iset, items, rulings, mine)
    assert after.total >= before.total - 1e-9
    assert after.raw_total >= before.raw_total


@settings(max_examples=60, deadline=None)
@given(indicator_sets())
def test_full_marks_always_reach_full_points_and_pass(iset):
    for mine in (None, MineProfile(method="露天开采"), MineProfile(method="地下开采")):
        r = score(iset, {i.id: ItemScore(score=i.points) for i in iset.iter_items()},
                  {p.id: True for p in iset.prerequisites}, mine)
        if r.applicable_points:
            assert r.total == pytest.approx(iset.total_points)
            assert r.verdict is Verdict.PASS


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(-10**6, 10**6),
                          st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
                max_size=12))
def test_sums_are_exact_and_their_floats_are_the_fractions(values) -> None:
    """Group sums are kept as numerators per denominator: their Fraction is the exact sum of
    the numbers as written, and their float the Fraction's float, made without it."""
    from greenmine_docs.scoring import _as_float, _combined, _exact_parts

    parts = _exact_parts(values)
    exact = sum((Fraction(repr(float(v))) if isinstance(v, float) else Fraction(v)
                 for v in values), Fraction(0))
    assert _combined(parts) == exact
    assert _as_float(parts) == float(exact)


_NUMBERS = st.lists(st.one_of(st.integers(-10**6, 10**6),
                              st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
                    max_size=12)


@settings(max_examples=300, deadline=None)
@given(_NUMBERS, _NUMBERS, st.floats(0, 1))
def test_category_sums_and_rate_in_integers_are_the_fractions(scores, points, min_ratio) -> None:
    """A category's sums over one denominator and its rate and pass, worked out in integers,
    are what the Fractions give: the same floats, the same comparison (signs included)."""
    from greenmine_docs.scoring import _category_ratio, _combined, _exact_parts, _over_one

    score_parts, app_parts = _exact_parts(scores), _exact_parts(points)
    score_n, score_d = _over_one(score_parts)
    app_n, app_d = _over_one(app_parts)
    c_score, c_app = _combined(score_parts), _combined(app_parts)
    assert score_d > 0 and app_d > 0
    assert Fraction(score_n, score_d) == c_score and Fraction(app_n, app_d) == c_app
    assert (score_n / score_d, app_n / app_d) == (float(c_score), float(c_app))
    if c_app and abs(c_score / c_app) > 2 ** 1024:  # beyond floats (no input gets there): both
        with pytest.raises(OverflowError):  # raise
            float(c_score / c_app)
        with pytest.raises(OverflowError):
            _category_ratio(score_n, score_d, app_n, app_d, min_ratio)
        return
    ratio, passed = _category_ratio(score_n, score_d, app_n, app_d, min_ratio)
    if not c_app:
        assert (ratio, passed) == (None, True)
    else:
        exact = c_score / c_app
        assert ratio == float(exact)
        assert passed == (exact >= Fraction(repr(min_ratio)))
