"""Every document of every example stays byte-identical (issue 15's safety net), and the one
clock (:mod:`greenmine_docs.clock`) controls every time an output records."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from document_text import program_in_package
from output_docs import CLOCK, HASHES, build_all, load_expected

REGENERATE = ".venv/bin/python tests/output_docs.py --update"

# Working files the program hands its users, not documents anyone submits: they say what made
# them and how to use it (the input workbooks, the mines tables, a batch's summary, the sampling
# record naming its reproducible method).
WORKING_FILES = {"excel-template.xlsx", "mines-table-template.xlsx", "mines-table.xlsx",
                 "批量处理汇总.xlsx", "sample.xlsx", "sample-priority.xlsx",
                 "sample-template.xlsx"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    work = tmp_path_factory.mktemp("outputs")
    return work / "out", build_all(work)


def test_no_document_names_the_program_anywhere_in_its_package(
        built: tuple[Path, dict[str, str]]) -> None:
    """Every DOCX and XLSX the examples give, but the working files above, in every part of
    its package: hidden sheets, sheet and style names, properties, relationships."""
    out, _ = built
    documents = [p for p in sorted(out.rglob("*")) if p.suffix in (".docx", ".xlsx")
                 and p.name not in WORKING_FILES and ".greenmine-cache" not in p.parts]
    assert len(documents) > 60
    found = [hit for p in documents for hit in program_in_package(p)]
    assert not found, "\n".join(found)


def test_every_example_output_is_byte_identical(built: tuple[Path, dict[str, str]]) -> None:
    _, got = built
    expected = load_expected()
    changed = sorted(k for k in got.keys() & expected.keys() if got[k] != expected[k])
    new, gone = sorted(got.keys() - expected.keys()), sorted(expected.keys() - got.keys())
    lines = [*(f"  changed: {k}" for k in changed), *(f"  new:     {k}" for k in new),
             *(f"  missing: {k}" for k in gone)]
    assert not lines, (
        "outputs of the bundled examples differ from tests/data/output_hashes.json:\n"
        + "\n".join(lines)
        + f"\nIf this change is on purpose, run `{REGENERATE}` and commit {HASHES.name} on its "
        "own, saying which outputs changed and why; otherwise your change altered a document.")


def test_outputs_are_the_same_when_a_users_cache_is_filled_and_then_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other tests run without a user cache folder; here every command runs twice with one
    (first filling it, then taking from it what it kept), and both runs give the same bytes."""
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("GREENMINE_CACHE_DIR", str(cache))
    expected = load_expected()
    for run in ("filled", "read"):
        got = build_all(tmp_path / run)
        changed = sorted(k for k in got.keys() | expected.keys() if got.get(k) != expected.get(k))
        assert not changed, f"with a user cache ({run}), these outputs differ: {changed}"
        if run == "filled":  # what the second run can take instead of working it out
            kinds = {p.name for p in cache.iterdir() if any(p.glob("*.entry"))}
            assert {"batch-summary", "docx-blank", "image-verdicts", "markdown-tokens", "photos",
                    "photo-versions", "template-checks", "template-jinja-source",
                    "template-patched", "xlsx-first"} <= kinds, kinds


def test_the_list_was_made_with_the_fixed_clock() -> None:
    import json

    assert json.loads(HASHES.read_text(encoding="utf-8"))["clock"] == CLOCK
    assert len(load_expected()) > 50


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T05:06:08")


def test_workbooks_record_the_fixed_clock(frozen: None) -> None:
    from openpyxl import Workbook

    from greenmine_docs.xlsx.write import save_workbook

    wb = Workbook()
    wb.active["A1"] = "甲"
    data = save_workbook(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2021, 3, 4, 5, 6, 8)}
        core = zf.read("docProps/core.xml").decode()
    assert core.count("2021-03-04T05:06:08Z") == 2  # created and modified
    assert save_workbook(wb) == data


def test_documents_and_dates_follow_the_fixed_clock(frozen: None) -> None:
    import datetime as dt

    from docx import Document

    from greenmine_docs import clock
    from greenmine_docs.docx.document import to_bytes

    with zipfile.ZipFile(io.BytesIO(to_bytes(Document()))) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2021, 3, 4, 5, 6, 8)}
    assert clock.today() == dt.date(2021, 3, 4)
    assert clock.now() == dt.datetime(2021, 3, 4, 5, 6, 8)


def test_a_zone_offset_is_read_as_utc_and_nonsense_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from greenmine_docs import clock

    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T08:00:00+08:00")
    assert clock.now() == dt.datetime(2021, 3, 4, 0, 0, 0)
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "yesterday")
    with pytest.raises(ValueError, match="GREENMINE_FIXED_CLOCK"):
        clock.now()
    monkeypatch.delenv("GREENMINE_FIXED_CLOCK")
    assert abs(clock.now() - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) \
        < dt.timedelta(minutes=1)
