"""Input limits: sizes for every input type (configurable), zip bombs and XML entity tricks in
.xlsx/.docx, macros, formulas without results, images checked by content."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty on sys.path
from conftest import EXAMPLE, EXAMPLE_DIR, run_cli
from make_corpus import (big_yaml, many_members, minimal_docx, minimal_xlsx, zip_bomb,
                         PLAN_PARAS, LIST_HEADER)

FILES = Path(__file__).parent / "nasty" / "files"


def clean_exit(res, code=2):
    assert res.code == code, res.output
    assert "Traceback" not in res.output and "内部错误" not in res.output
    return res


# ------------------------------------------------------------------ sizes

def test_ten_megabyte_yaml_is_refused_at_once(tmp_path, runner):
    path = big_yaml(tmp_path / "big.yaml", megabytes=10)
    assert path.stat().st_size > 10 * 1024 * 1024
    start = time.perf_counter()
    res = clean_exit(run_cli(runner, "validate", path))
    assert time.perf_counter() - start < 2
    assert "超过上限 5 MB" in res.stderr and "GREENMINE_MAX_YAML_MB" in res.stderr


def test_limits_come_from_environment_variables(tmp_path):
    env = {**os.environ, "GREENMINE_MAX_YAML_MB": "0.01", "GREENMINE_MAX_IMAGE_MEGAPIXELS": "2",
           "GREENMINE_MAX_DOCX_MB": "abc", "GREENMINE_MAX_TEXT_MB": "-3"}
    code = ("import greenmine_docs.limits as l; print(l.MAX_YAML_BYTES, l.MAX_IMAGE_PIXELS, "
            "l.MAX_DOCX_BYTES, l.MAX_TEXT_BYTES)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == [str(int(0.01 * 1024 * 1024)), "2000000",
                                  str(50 * 1024 * 1024), str(5 * 1024 * 1024)]  # bad: default
    proc = subprocess.run([sys.executable, "-m", "greenmine_docs", "validate", str(EXAMPLE)],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "GREENMINE_MAX_YAML_MB" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_markdown_narrative_over_the_limit_is_a_located_finding(example_copy, monkeypatch):
    from greenmine_docs import limits
    from greenmine_docs.api import validate

    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 100)
    report = validate(example_copy)
    hits = [f for f in report.errors if f.code == "GM-E407"]
    assert hits and "超过上限" in hits[0].message and hits[0].location.line


def test_workbook_and_document_size_limits(tmp_path, runner, monkeypatch):
    # modules that copy a limit at import are imported first, so the patch cannot leak
    import greenmine_docs.xlsx.read  # noqa: F401
    import greenmine_docs.officials.mine_list  # noqa: F401
    from greenmine_docs import limits, zipguard

    book = tmp_path / "名录.xlsx"
    book.write_bytes(minimal_xlsx([LIST_HEADER, ["甲矿", "市级", "吕梁市", "文水县", "露天开采"]]))
    plan = tmp_path / "方案.docx"
    plan.write_bytes(minimal_docx(PLAN_PARAS))
    monkeypatch.setattr(zipguard, "MAX_INPUT_BYTES", 500)
    monkeypatch.setattr(limits, "MAX_DOCX_BYTES", 500)
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 500)
    for args in (["validate", book], ["sample", book, "-o", tmp_path / "o.xlsx"],
                 ["selfcheck", "--read", book], ["check", plan], ["diff", plan, plan],
                 ["templates", "lint", plan]):
        res = clean_exit(run_cli(runner, *args))
        assert "超过上限" in res.stderr, args
    csv = tmp_path / "名录.csv"
    csv.write_text("矿山名称,名录级别,所在市\n" + "甲矿,市级,吕梁市\n" * 100, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 200)
    res = clean_exit(run_cli(runner, "sample", csv, "-o", tmp_path / "o.xlsx"))
    assert "GREENMINE_MAX_TEXT_MB" in res.stderr


# ------------------------------------------------------------------ zip packages

@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "xlsx": zip_bomb(folder / "bomb.xlsx", megabytes=100),
        "docx": zip_bomb(folder / "bomb.docx", member="word/document.xml", megabytes=100),
        "members": many_members(folder / "members.xlsx", n=6000),
    }


def _commands_for(path: Path, out: Path) -> list[list]:
    if path.suffix == ".docx":
        return [["check", path], ["diff", path, path], ["templates", "lint", path],
                ["plan", EXAMPLE, "-o", out / "p.docx", "--template", path]]
    return [["validate", path], ["convert", path, out / "x.yaml"], ["selfcheck", "--read", path],
            ["sample", path, "-o", out / "s.xlsx"], ["indicators", "import", path, "-o",
                                                     out / "i.yaml"],
            ["batch", path, "-o", out / "batch"], ["summarize", path, "-o", out / "sum.xlsx"],
            ["scoresheet", EXAMPLE, "--read", path]]


@pytest.mark.parametrize("kind,expected", [("xlsx", "压缩比异常"), ("docx", "压缩比异常"),
                                           ("members", "部件")])
def test_zip_bombs_are_refused_before_unpacking(bombs, tmp_path, runner, kind, expected):
    path = bombs[kind]
    assert path.stat().st_size < 1024 * 1024
    for args in _commands_for(path, tmp_path):
        start = time.perf_counter()
        res = run_cli(runner, *args)
        assert time.perf_counter() - start < 3, args
        assert res.code in (1, 2) and "Traceback" not in res.output, (args, res.output)
        assert "内部错误" not in res.output, (args, res.output)
        assert expected in res.output, (args, res.output)


@pytest.mark.parametrize("name,expected", [("lying-sizes.xlsx", "解压后"),
                                           ("truncated.xlsx", "已损坏"),
                                           ("truncated.docx", "已损坏"),
                                           ("old-binary.xlsx", "旧版"),
                                           ("not-a-zip.docx", "不是")])
def test_broken_packages_get_a_chinese_message(tmp_path, runner, name, expected):
    for args in _commands_for(FILES / name, tmp_path):
        res = run_cli(runner, *args)
        assert res.code in (1, 2) and "Traceback" not in res.output, (args, res.output)
        assert "内部错误" not in res.output and expected in res.output, (args, res.output)


# ------------------------------------------------------------------ XML entities

@pytest.mark.parametrize("name", ["entity-bomb.xlsx", "external-entity.xlsx",
                                  "entity-bomb.docx", "external-entity.docx"])
def test_xml_entities_are_refused_or_harmless(tmp_path, runner, name):
    """A "billion laughs" DTD or an entity pointing at /etc/passwd: the command refuses the file
    or reads it without expanding anything — quickly, never showing the file's content."""
    for args in _commands_for(FILES / name, tmp_path):
        start = time.perf_counter()
        res = run_cli(runner, *args)
        assert time.perf_counter() - start < 5, args
        assert res.code in (0, 1, 2) and "Traceback" not in res.output, (args, res.output)
        assert "内部错误" not in res.output, (args, res.output)
        assert "hahahaha" not in res.output and "root:" not in res.output
    for written in tmp_path.rglob("*"):
        if written.is_file() and written.suffix in (".yaml", ".xlsx", ".docx"):
            data = written.read_bytes()
            assert b"hahahaha" not in data and b"root:x:" not in data


def test_entities_inside_an_input_workbook_stay_text(tmp_path, runner):
    """The example as a workbook, with a DTD declaring a billion-laughs entity and an external
    one in its first sheet, both referenced from cells: validation reads them as plain text."""
    from make_corpus import with_hostile_dtd

    book = tmp_path / "input.xlsx"
    assert run_cli(runner, "convert", EXAMPLE, book).code in (0, 1)
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":
                text = with_hostile_dtd(data.decode("utf-8"), "worksheet")
                text = text.replace("山西青岚建材有限公司", "山西青岚&l9;&ext;", 1)
                data = text.encode("utf-8")
            dst.writestr(info, data)
    start = time.perf_counter()
    res = run_cli(runner, "validate", hostile, "--format", "json")
    assert time.perf_counter() - start < 5
    assert res.code in (0, 1, 2) and "Traceback" not in res.output and "内部错误" not in res.output
    assert "hahaha" not in res.output and "root:x" not in res.output


# ------------------------------------------------------------------ macros and formulas

def _cell_of(path: Path, value) -> tuple[str, str]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == value:
                    return ws.title, cell.coordinate
    raise AssertionError(value)


def test_macro_workbook_is_read_without_its_macros(example_workbook, tmp_path, runner):
    xlsm = example_workbook.with_suffix(".xlsm")
    macro = b"Attribute VB_Name = \"Module1\"\r\nSub Auto_Open()\r\nShell \"calc.exe\"\r\nEnd Sub"
    with zipfile.ZipFile(example_workbook) as src, zipfile.ZipFile(xlsm, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + macro)
    res = run_cli(runner, "validate", xlsm, "--format", "json")
    assert res.code == 0, res.output
    assert '"GM-I721"' in res.stdout
    plain, with_macro = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert run_cli(runner, "convert", example_workbook, plain).code == 0
    assert run_cli(runner, "convert", xlsm, with_macro).code == 0
    same = plain.read_text(encoding="utf-8").replace("mine.xlsx", "mine.xlsm")
    assert same == with_macro.read_text(encoding="utf-8")  # the same data, nothing more
    assert "calc" not in with_macro.read_text(encoding="utf-8")


def test_formula_without_a_cached_value_is_a_located_warning(example_workbook, tmp_path):
    import openpyxl

    from greenmine_docs.api import validate

    sheet, cell = _cell_of(example_workbook, 186)  # mine.staff
    wb = openpyxl.load_workbook(example_workbook)
    wb[sheet][cell] = "=100+86"  # openpyxl stores formulas without a result
    path = example_workbook.with_name("formula.xlsx")
    wb.save(path)
    report = validate(path)
    hits = [f for f in report.findings if f.code == "GM-W720"]
    assert len(hits) == 1
    assert (hits[0].location.sheet, hits[0].location.cell) == (sheet, cell)
    assert "=100+86" in hits[0].message
    assert any(f.location.sheet == sheet and f.location.cell == cell and f.code != "GM-W720"
               for f in report.findings) or report.valid  # the empty value: a model finding

    # the same formula with the result Excel would have saved: the value is used, no warning
    cached = example_workbook.with_name("cached.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(cached, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if b"<f>100+86</f>" in data:
                data = data.replace(b"<f>100+86</f><v></v>", b"<f>100+86</f><v>186</v>")
                data = data.replace(b"<f>100+86</f><v/>", b"<f>100+86</f><v>186</v>")
                assert b"<v>186</v>" in data
            dst.writestr(info, data)
    report = validate(cached)
    assert "GM-W720" not in report.codes() and report.valid


# ------------------------------------------------------------------ images

def test_images_are_checked_by_content(tmp_path, monkeypatch):
    from greenmine_docs import limits
    from greenmine_docs.safety.images import inspect_image

    jpg = (EXAMPLE_DIR / "photos" / "01-bench.jpg").read_bytes()
    disguised = tmp_path / "photo.png"  # a JPEG named .png: fine, it is judged by content
    disguised.write_bytes(jpg)
    check = inspect_image(disguised)
    assert check.ok and check.format == "JPEG"
    text = inspect_image(FILES / "text-as-image.png")
    assert not text.ok and text.kind == "format" and "文字" in text.problem
    bomb = inspect_image(FILES / "decompression-bomb.png")
    assert not bomb.ok and bomb.kind == "too_large"
    assert not inspect_image(FILES / "truncated.png").ok
    half = tmp_path / "half.jpg"
    half.write_bytes(jpg[: len(jpg) // 2])
    assert inspect_image(half).kind == "unreadable"
    pdf = tmp_path / "scan.jpg"
    pdf.write_bytes(b"%PDF-1.7\n...")
    assert "PDF" in inspect_image(pdf).problem
    monkeypatch.setattr(limits, "MAX_IMAGE_BYTES", 1000)
    assert inspect_image(disguised).kind == "too_large"
    monkeypatch.setattr(limits, "MAX_IMAGE_BYTES", 30 * 1024 * 1024)
    monkeypatch.setattr(limits, "MAX_IMAGE_PIXELS", 1000)
    assert "兆像素" in inspect_image(disguised).problem


def test_photo_and_figure_problems_are_findings_not_crashes(tmp_path, runner):
    from make_corpus import example_variants

    variants = example_variants(EXAMPLE_DIR, tmp_path)
    expected = {"traversal-photo": "GM-E546", "text-photo": "GM-E541", "bomb-photo": "GM-E542",
                "truncated-photo": "GM-E541", "traversal-figure": "GM-E407",
                "text-figure": "GM-E407", "bomb-figure": "GM-E407",
                "traversal-narrative": "GM-E407"}
    for name, code in expected.items():
        res = run_cli(runner, "validate", variants[name], "--format", "json")
        assert res.code == 1 and f'"{code}"' in res.stdout, (name, res.output)
        out = tmp_path / f"out-{name}"
        res = run_cli(runner, "build", variants[name], "-o", out)
        assert res.code == 1 and "Traceback" not in res.output, name
        built = [p.name for p in out.iterdir()]
        # each document stops on its own sections' errors: an assessment photo stops the
        # report and not the plan, a plan's file the plan and not the report
        photo = name.endswith("photo")
        assert any(n.endswith("实施方案.docx") for n in built) is photo, name
        assert any(n.endswith("评估报告.docx") for n in built) is not photo, name


def test_every_limit_is_documented():
    """Each environment variable of limits.py (and the confinement option) is in the README
    part on safety, with its default."""
    import re

    from greenmine_docs import limits
    from greenmine_docs.safety.inputs import ALLOWED_DIRS_ENV

    doc = (Path(__file__).parents[1] / "docs" / "readme-parts" / "safety.md").read_text(
        encoding="utf-8")
    table = re.findall(r"^\| (GREENMINE_\w+) \| (\d+) \|", limits.__doc__, re.M)
    assert len(table) >= 16
    for name, default in table:
        row = next((line for line in doc.splitlines() if f"`{name}`" in line), None)
        assert row is not None, name
        assert default in row, (name, default, row)
    assert f"`{ALLOWED_DIRS_ENV}`" in doc
