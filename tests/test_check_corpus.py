"""``greenmine check`` on the corpus of hand-written-looking plans (``tests/plans``): every
clean plan passes with exactly its expected findings (none, or the info findings written next
to it), every defective plan gives exactly the findings written next to its defect, compared
as the set of (code, heading named, paragraph) — the paragraph where the defect's text is."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from greenmine_docs.officials.check import check_document
from greenmine_docs.officials.docx_structure import read_structure
from plans.make_plans import DEFECTS, STYLE, STYLES, write_all

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "shanxi-limestone" / "mine.yaml"
ANY = -1
NO_APPENDIX = {s.name for s in STYLES if s.appendix == "none"} | \
    {d.name for d in DEFECTS if STYLE[d.style].appendix == "none"
     and all(code != "GM-E619" for code, *_ in d.expected)}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict:
    start = time.perf_counter()
    out = write_all(tmp_path_factory.mktemp("corpus"))
    corpus.seconds = time.perf_counter() - start  # type: ignore[attr-defined]
    return out


def input_for(edits: list[tuple[str, str]], folder: Path) -> Path:
    """The example input, or a variant of it with text replacements."""
    if not edits:
        return EXAMPLE
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "mine-variant.yaml"
    path.write_text(text, encoding="utf-8")
    for name in ("plan", "photos"):  # files the input refers to
        link = folder / name
        if not link.exists():
            link.symlink_to(EXAMPLE.parent / name)
    return path


def expected_set(path: Path, expected: list[tuple[str, str | None, str | None]]) -> Counter:
    """(code, heading, paragraph) with the paragraph found by its text (ANY when not given)."""
    blocks = read_structure(path).blocks
    out: Counter = Counter()
    for code, part, snippet in expected:
        index = ANY
        if snippet is not None:
            hits = [b.index for b in blocks if snippet in b.text]
            assert hits, f"{path.name}: no paragraph contains {snippet!r}"
            index = hits[0]
        out[(code, part, index)] += 1
    return out


def actual_set(report, expected: Counter) -> Counter:
    loose = {(c, p) for (c, p, i) in expected if i == ANY}
    out: Counter = Counter()
    for f in report.findings:
        key = (f.code, "*" if (f.code, "*") in loose else f.location.part)
        out[(*key, ANY if key in loose else f.location.paragraph)] += 1
    return out


def run_check(corpus: dict, name: str, tmp_path: Path):
    path, expected, edits = corpus[name]
    if "-appendix" not in name and name.split("-", 1)[1] in NO_APPENDIX:
        # the optional 附表与附图 is left out: said as info, after the last chapter
        expected = [*expected, ("GM-I622", "*", None)]
    report = check_document(path, input_path=input_for(edits, tmp_path))
    return path, expected, report


@pytest.mark.parametrize("style", [s.name for s in STYLES])
def test_clean_plan_passes(corpus, style: str, tmp_path: Path) -> None:
    path, expected, report = run_check(corpus, f"clean-{style}", tmp_path)
    shown = [str(f) for f in report.findings]
    assert not report.errors and not report.warnings, shown
    assert actual_set(report, expected_set(path, expected)) == expected_set(path, expected), shown


@pytest.mark.parametrize("defect", [d.name for d in DEFECTS])
def test_defect_is_found_exactly(corpus, defect: str, tmp_path: Path) -> None:
    path, expected, report = run_check(corpus, f"defect-{defect}", tmp_path)
    want = expected_set(path, expected)
    assert actual_set(report, want) == want, [str(f) for f in report.findings]


def test_corpus_size() -> None:
    assert len(STYLES) >= 12 and len(DEFECTS) >= 30
    assert len({d.name for d in DEFECTS}) == len(DEFECTS)
