"""Every regular expression of ``officials/`` that reads document text stays linear.

A submitted plan is untrusted text: one paragraph of 3,000 spaces made the typed-TOC pattern
backtrack for more than a minute. Each entry below is a function that applies one or more of
those patterns to user text; each is fed long runs of the characters that make badly written
patterns backtrack (spaces, tabs, dots, digits, brackets, labels followed by spaces) and must
finish in a bound that only a linear pattern meets.
"""
from __future__ import annotations

import re
import time
from typing import Callable

import pytest

from greenmine_docs.errors import InputError
from greenmine_docs.officials import facts, mine_list, numbering, placeholders, sampling
from greenmine_docs.officials.verify.record_checks import is_vague

N = 20_000
BOUND_S = 2.0  # a linear scan of 20,000 characters takes milliseconds; the old TOC pattern took minutes


def _facts_patterns(text: str) -> None:
    """The label searches of :mod:`facts` (licence number, mine name, numeric labels)."""
    for pat in facts.label_patterns():
        for _ in pat.finditer(text):
            pass


def _example_round():
    """The example verification round (its vague phrases and place words)."""
    from pathlib import Path

    from greenmine_docs.officials.verify.config import load_round

    return load_round(Path(__file__).resolve().parent.parent / "examples" / "verification-round"
                      / "round.yaml")


def _quiet(fn: Callable[[str], object], text: str) -> None:
    """Call ``fn``; the clear error it gives for an unknown value is not the point here."""
    try:
        fn(text)
    except InputError:
        pass


USER_TEXT_FUNCTIONS: list[tuple[str, Callable[[str], object]]] = [
    ("numbering.is_toc_line", numbering.is_toc_line),
    ("numbering.parse_number", numbering.parse_number),
    ("numbering.norm_title", numbering.norm_title),
    ("placeholders.placeholders_in", placeholders.placeholders_in),
    ("facts label patterns", _facts_patterns),
    ("mine_list.norm_name", mine_list.norm_name),
    ("mine_list.parse_level", mine_list.parse_level),
    ("sampling.parse_priorities", lambda s: _quiet(sampling.parse_priorities, s)),
    ("verify.record_checks.is_vague", lambda s: is_vague(s + "偏少", _example_round())),
]

RUNS = {
    "spaces": " " * N + "x",
    "ideographic spaces": "\u3000" * N + "x",
    "tabs": "\t" * N + "x",
    "dots": "." * N + "x",
    "leaders then digits": "…" * N + "1234",
    "digits": "1" * N + "x",
    "dotted numbers": "1.1" * (N // 3) + " x",
    "angle brackets": "<" * N,
    "label then spaces": "证号" + " " * N + "!",
    "labels repeated": "生产规模" * (N // 4),
    "name label then spaces": "矿山名称：" + " " * N + "。",
    "X run": "X" * N + "a",
    "chapter digits": "第" + "一" * N + " " * N + "x",
}


@pytest.mark.parametrize("run", list(RUNS), ids=list(RUNS))
@pytest.mark.parametrize("name,fn", USER_TEXT_FUNCTIONS, ids=[n for n, _ in USER_TEXT_FUNCTIONS])
def test_linear_on_long_runs(name: str, fn: Callable[[str], object], run: str) -> None:
    text = RUNS[run]
    start = time.perf_counter()
    fn(text)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND_S, f"{name} took {elapsed:.2f} s on {len(text)} characters of {run}"


@pytest.mark.parametrize("text,expected", [
    ("第一章 总论……………………1", True),
    ("一、总论\t3", True),
    ("一、总论\t 12", True),
    ("一、总论 . . 5", True),
    ("（一）编制目的   7", True),
    ("一、总论.\t9", True),
    ("一、总论\t.9", False),
    ("储量为1234", False),
    ("共计 2023", False),  # four digits: a year, not a page
    ("一、总论 5", False),
    ("一、总论………１２", True),  # full-width page numbers
    ("一、总论……１２", False),  # two leader characters are not a leader
    ("", False),
])
def test_toc_line_recognition(text: str, expected: bool) -> None:
    assert numbering.is_toc_line(text) is expected


def test_patterns_are_compiled_once() -> None:
    """The label patterns are module constants (no compile per paragraph)."""
    assert all(isinstance(p, re.Pattern) for p in facts.label_patterns())
