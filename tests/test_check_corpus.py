"""``greenmine check`` on the corpus of hand-written-looking plans (``tests/plans``): every
clean plan passes with exactly its expected findings (none, or the info findings written next
to it), every defective plan gives exactly the findings written next to its defect, compared
as the set of (code, heading named, paragraph) — the paragraph where the defect's text is."""
from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest

from greenmine_docs.officials.check import check_document
from greenmine_docs.officials.docx_structure import read_structure
from greenmine_docs.officials.numbering import norm_title
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


# --- the same plans as PDF (printed from Word by LibreOffice) ----------------------------------

# Defects a PDF keeps: not highlighting, tracked changes or comments (a PDF print shows the
# text as it looks, not as the file records it).
# Converting costs ~2 s a plan, so a representative subset runs by default: one clean plan per
# way of marking headings and a defect of each kind a PDF must show (structure, placeholder,
# facts in text and tables, names, money, dates). GREENMINE_TEST_PDF_ALL=1 runs all of them.
PDF_ALL = [d.name for d in DEFECTS if d.name not in ("highlight", "revisions", "comments")]
PDF_DEFECTS = PDF_ALL if os.environ.get("GREENMINE_TEST_PDF_ALL") else [
    "missing_chapter", "number_skips", "placeholder_table", "licence_number",
    "area_in_unit_label_table", "mine_name_everywhere", "total_investment", "licence_validity"]
PDF_CLEAN = [s.name for s in STYLES] if os.environ.get("GREENMINE_TEST_PDF_ALL") else [
    "heading1_chapter_typed", "bold_preface", "auto_chapter", "fonts_fullwidth", "run_in",
    "unlisted_wording", "appendix_as_list", "tables_four_column"]


@pytest.fixture(scope="session")
def pdf_corpus(corpus, tmp_path_factory) -> dict[str, Path]:
    """Every clean plan and the defects a PDF keeps, converted once per test session with one
    LibreOffice run (a throwaway profile, so a user's running office is not disturbed)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    names = [f"clean-{s}" for s in PDF_CLEAN] + [f"defect-{d}" for d in PDF_DEFECTS]
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    pdfs = {n: out / (corpus[n][0].stem + ".pdf") for n in names}
    for _attempt in range(2):  # LibreOffice on a busy machine now and then drops a file
        todo = [n for n in names if not pdfs[n].is_file()]
        if todo:
            subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(out),
                            *(str(corpus[n][0]) for n in todo)],
                           check=False, capture_output=True, timeout=600)
    missing = [n for n in names if not pdfs[n].is_file()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return pdfs


def _verdict(findings) -> Counter:

    return Counter((f.code, norm_title(f.location.part or "")) for f in findings)


@pytest.mark.parametrize("name", [f"clean-{s}" for s in PDF_CLEAN] +
                         [f"defect-{d}" for d in PDF_DEFECTS])
def test_pdf_gives_the_same_verdict(corpus, pdf_corpus, name: str, tmp_path: Path) -> None:
    """The PDF of a plan gets the findings its Word file gets (codes and headings), located
    by page and line."""
    _path, _expected, edits = corpus[name]
    inp = input_for(edits, tmp_path)
    docx_report = check_document(corpus[name][0], input_path=inp)
    pdf_report = check_document(pdf_corpus[name], input_path=inp)
    assert pdf_report.meta["origin"] == "pdf"
    assert _verdict(pdf_report.findings) == _verdict(docx_report.findings), \
        [str(f) for f in pdf_report.findings]
    located = [f for f in pdf_report.findings if f.location.paragraph is not None]
    assert not located  # pages and lines, not Word paragraph numbers
    for f in pdf_report.findings:
        if f.location.part and f.location.part != "页眉/页脚":
            assert f.location.page and f.location.line, str(f)


def test_html_shows_how_each_heading_was_matched(corpus, tmp_path: Path) -> None:
    """The HTML report lists every heading with how it was recognised and which outline
    chapter or section it was matched to, and how (title, alias, meaning, content)."""
    from fixtures.officials.helpers import invoke

    path = corpus["clean-unlisted_wording"][0]
    out_file = tmp_path / "检查报告.html"
    code, _out, err = invoke(["check", path, "--input", EXAMPLE, "--format", "html", "-o", out_file])
    html = out_file.read_text(encoding="utf-8")
    assert code == 0, err
    assert "标题识别与提纲对应" in html
    assert "<td>五、绿色矿山重点建设工程</td>" in html
    row = html.split("<td>五、绿色矿山重点建设工程</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>手工编号</td><td>建设任务</td><td>含义</td>" in row
    row = html.split("<td>（一）编制目的</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>总论 / 编制目的</td><td>标题</td>" in row
    auto = check_document(corpus["clean-auto_chapter"][0])
    rows = {r["heading"]: r for r in auto.meta["heading_map"]}
    assert rows["第一章总论"]["recognised_by"] == "自动编号"
    assert rows["编制说明"]["matched"] == "（正文前内容，不作为章）"
