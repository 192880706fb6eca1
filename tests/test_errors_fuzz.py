"""Looking for more internal errors: hypothesis over the number reader and over every number
and date field with the values that broke them (∞, NaN, denormals, 10⁴⁰⁰, ``1_5``), and
hand-made odd shapes in every section (wrong types, lists for mappings, empty text, negative
counts) through ``validate`` and ``build``; odd workbook cells (error values, formulas without
results, dates as numbers, merged cells). The outcome is always a report or a clean exit 2."""
from __future__ import annotations

import copy
import datetime as dt
import io
import math

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from greenmine_docs.numtext import LARGEST, SMALLEST, read_number
from test_safety_hypothesis import EXAMPLE_DATA, _set, clean

FAST = settings(max_examples=300, deadline=None, derandomize=True)
SLOW = settings(max_examples=12, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


# ------------------------------------------------------------------ the number reader

@FAST
@given(text=st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_read_number_never_raises_and_gives_usable_numbers(text):
    read = read_number(text)
    assert read.value is None or read.problem == ""
    if read.value is not None:
        assert math.isfinite(read.value) and abs(read.value) <= LARGEST
        assert read.value == 0 or abs(read.value) >= SMALLEST
    if read.problem:
        assert read.kind in ("infinite", "ambiguous", "range")


@FAST
@given(number=st.one_of(st.integers(-10**12, 10**12),
                        st.floats(-1e12, 1e12).filter(lambda x: x == 0 or abs(x) >= 1e-9)))
def test_plain_numbers_read_as_python_reads_them(number):
    assert read_number(repr(number)).value == number
    assert read_number(f" {number} ").value == number


@FAST
@given(whole=st.integers(1000, 10**12), digits=st.integers(1, 2) | st.integers(4, 6))
def test_a_comma_not_followed_by_three_digits_is_never_a_number(whole, digits):
    text = f"{whole // 10 ** digits},{whole % 10 ** digits:0{digits}d}"
    read = read_number(text)
    assert read.value is None and read.kind == "ambiguous", (text, read)
    assert read_number(f"{whole:,}").value == whole


# ------------------------------------------------------------------ every number and date field

def _leaves(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*prefix, i))
    else:
        yield prefix, node


NUMBER_PATHS = [p for p, v in _leaves(EXAMPLE_DATA)
                if isinstance(v, (int, float)) and not isinstance(v, bool)]
DATE_PATHS = [p for p, v in _leaves(EXAMPLE_DATA) if isinstance(v, dt.date)]
ODD_NUMBERS = st.one_of(
    st.floats(), st.floats(allow_subnormal=True, min_value=-1e-300, max_value=1e-300),
    st.integers(-10**400, 10**400), st.sampled_from([10**400, -10**400, 1e309, -1e-320]),
    st.sampled_from(["1_5", "1,5", "Infinity", "-inf", "nan", "1e309", "1e-400", "0,86",
                     "12,34,567", "1 5", "１，５", "1,500", "-0"]))
ODD_DATES = st.one_of(st.dates(), st.sampled_from(["0001-01", "9999-12", "2024-13", "0000-05",
                                                   "9999-12-31", "2023-02-30"]))


def _write(project, data):
    from ruamel.yaml import YAML

    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    target = project / "mine.yaml"
    target.write_text(buf.getvalue(), encoding="utf-8")
    return target




@SLOW
@given(path=st.sampled_from(NUMBER_PATHS), value=ODD_NUMBERS)
def test_any_odd_number_in_any_number_field_validates_and_builds_cleanly(example_project, runner,
                                                                         path, value):
    data = copy.deepcopy(EXAMPLE_DATA)
    _set(data, path, value)
    target = _write(example_project, data)
    clean(run_cli(runner, "validate", target, "--format", "json"))
    clean(run_cli(runner, "build", target, "-o", example_project / "out", "--force"))


@SLOW
@given(path=st.sampled_from(DATE_PATHS), value=ODD_DATES)
def test_any_odd_date_in_any_date_field_validates_and_builds_cleanly(example_project, runner, path,
                                                                     value):
    data = copy.deepcopy(EXAMPLE_DATA)
    _set(data, path, value)
    target = _write(example_project, data)
    clean(run_cli(runner, "validate", target, "--format", "json"))
    clean(run_cli(runner, "build", target, "-o", example_project / "out", "--force"))


# ------------------------------------------------------------------ odd shapes in every section

SHAPES = ["", "   ", [], {}, [1, 2], {"x": 1}, 0, -5, 10**400, True, None, "\u202e",
          [{"a": 1}], [[]]]


@pytest.mark.parametrize("section", list(EXAMPLE_DATA))
@pytest.mark.parametrize("shape", SHAPES, ids=repr)
def test_any_shape_in_place_of_a_section(example_project, runner, section, shape):
    data = copy.deepcopy(EXAMPLE_DATA)
    data[section] = shape
    clean(run_cli(runner, "validate", _write(example_project, data), "--format", "json"))


SUBSECTIONS = [p for p, _ in _leaves(EXAMPLE_DATA)] + [
    ("mine", "licence"), ("mine", "licence", "scale"), ("reserves", "remaining"),
    ("eligibility", "penalties"), ("eligibility", "penalties", 0), ("plan", "tasks"),
    ("plan", "tasks", 0), ("plan", "narrative"), ("plan", "period"), ("self_check", "items"),
    ("self_check", "prerequisites"), ("assessment", "scores"), ("assessment", "team"),
    ("assessment", "photos"), ("assessment", "photos", 0), ("plan", "tasks", 0, "by_year")]


@SLOW
@given(path=st.sampled_from(SUBSECTIONS), shape=st.sampled_from(SHAPES))
def test_any_shape_anywhere_builds_or_reports(example_project, runner, path, shape):
    data = copy.deepcopy(EXAMPLE_DATA)
    _set(data, path, shape)
    target = _write(example_project, data)
    clean(run_cli(runner, "validate", target, "--format", "json"))
    clean(run_cli(runner, "build", target, "-o", example_project / "out", "--force"))


@pytest.mark.parametrize("value", [{10**400: 5}, {-5: 10}, {"abc": 10}, {2024: ".inf"},
                                   {2024: "1,5"}, {99999: 1}])
def test_investment_by_year_with_odd_years(example_project, runner, value):
    data = copy.deepcopy(EXAMPLE_DATA)
    data["plan"]["tasks"][0]["by_year"] = value
    target = _write(example_project, data)
    res = run_cli(runner, "validate", target, "--format", "json")
    clean(res)
    assert res.code == 1
    clean(run_cli(runner, "build", target, "-o", example_project / "out", "--force"))


# ------------------------------------------------------------------ odd workbook cells

@pytest.fixture(scope="module")
def book(example_workbook):
    """The example as an input workbook, and the cell of each field."""
    from greenmine_docs.load import read_input

    return example_workbook, read_input(example_workbook).locate


CELLS = [("mine", "licence", "area_km2"), ("campaign", "reference_date"), ("mine", "status"),
         ("eligibility", "abnormal_list"), ("mine", "staff"), ("reserves", "report_year"),
         ("mine", "licence", "valid_to"), ("enterprise", "name")]
ODD_CELLS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "=1/0", "=NOSUCH()", 45000, -1, 10**20,
             2958466, 1e308, dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31), "1,5", "inf"]


@pytest.mark.parametrize("shift", range(len(ODD_CELLS)))
def test_odd_values_in_workbook_cells(book, runner, tmp_path, shift):
    """Round ``shift`` puts a different odd value in each field (over all rounds every field
    gets every value): one workbook written and read per round."""
    path, locate = book
    wb = openpyxl.load_workbook(path)
    for i, field in enumerate(CELLS):
        where = locate(field)
        wb[where.sheet][where.cell].value = ODD_CELLS[(i + shift) % len(ODD_CELLS)]
    target = tmp_path / "odd.xlsx"
    wb.save(target)
    clean(run_cli(runner, "validate", target, "--format", "json"))


def test_merged_cells_over_numbers_and_dates(book, runner, tmp_path):
    """A merge that swallows a number field and the date below it: read, noted, no crash."""
    path, locate = book
    wb = openpyxl.load_workbook(path)
    area = locate(("mine", "licence", "area_km2"))
    ws = wb[area.sheet]
    row = ws[area.cell].row
    ws.merge_cells(f"{area.cell}:{ws[area.cell].column_letter}{row + 3}")
    target = tmp_path / "merged.xlsx"
    wb.save(target)
    clean(run_cli(runner, "validate", target, "--format", "json"))
    clean(run_cli(runner, "build", target, "-o", tmp_path / "out"))
