"""The user's cache folder across processes (``build_cold_cpu_s``, issue 21): entries are checked
when read, keyed by content and code, and what comes out of them is what the work gives."""
from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path

import pytest

from greenmine_docs import usercache
from greenmine_docs.errors import GreenmineError
from greenmine_docs.render import template_lint, template_package, template_verdicts
from greenmine_docs.resources import template_path

PLAN_TEMPLATE = template_path("implementation_plan", "plan-template.docx")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-cache"
    monkeypatch.setenv(usercache.ENV, str(folder))
    # documents made at different moments compare equal: a package's dates are the clock's
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T05:06:08")
    return folder


def _new_process() -> None:
    """Forget what this process remembers, as the next ``greenmine`` process would not have it."""
    from greenmine_docs.docx import document

    document._BLANK.clear()
    template_lint._lint_cached.cache_clear()
    template_package._checked.cache_clear()
    template_verdicts._content_digest.cache_clear()
    template_verdicts._LINTS_PASSED.clear()


def test_an_entry_comes_back_only_whole(cache: Path) -> None:
    digest = usercache.key("kind", 1)
    assert usercache.load("k", digest) is None
    usercache.store("k", digest, b"body\nwith lines", keep=4)
    assert usercache.load("k", digest) == b"body\nwith lines"
    (entry,) = (cache / "k").iterdir()
    whole = entry.read_bytes()
    entry.write_bytes(whole[:-3])  # cut short
    assert usercache.load("k", digest) is None
    entry.write_bytes(whole[:-1] + b"X")  # damaged
    assert usercache.load("k", digest) is None
    entry.write_bytes(b"no header")
    assert usercache.load("k", digest) is None


def test_keys_change_with_what_they_depend_on_and_with_the_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert usercache.key("a", 1) == usercache.key("a", 1) != usercache.key("a", 2)
    assert len(usercache.code_version()) == 64
    before = usercache.key("a", 1)
    monkeypatch.setattr(usercache, "_CODE", ["other code"])
    assert usercache.key("a", 1) != before


def test_code_version_follows_the_source_files(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    first = usercache.code_version()
    monkeypatch.setattr(usercache, "_CODE", [])
    assert usercache.code_version() == first  # the same files: the same version
    source = Path(usercache.__file__)
    stat = source.stat()
    monkeypatch.setattr(usercache, "_CODE", [])
    try:
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert usercache.code_version() != first  # an edited file: another version
    finally:
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_code_version_follows_the_libraries_that_write_the_packages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade of a library (its ``__init__.py`` written anew) makes another version: a
    workbook kept from the old openpyxl is not taken for what the new one writes."""
    library = tmp_path / "fakexlsx"
    library.mkdir()
    (library / "__init__.py").write_text("__version__ = '1.0'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(usercache, "LIBRARIES", (*usercache.LIBRARIES, "fakexlsx"))
    monkeypatch.setattr(usercache, "_CODE", [])
    first = usercache.code_version()
    (library / "__init__.py").write_text("__version__ = '1.10'\n")
    monkeypatch.setattr(usercache, "_CODE", [])
    assert usercache.code_version() != first
    assert "fakexlsx" not in sys.modules  # found, not imported


def test_none_keeps_nothing_and_a_folder_keeps_the_entries_used_last(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(usercache.ENV, "none")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    usercache.store("k", usercache.key(1), b"x", keep=4)
    assert usercache.load("k", usercache.key(1)) is None and not (tmp_path / "xdg").exists()
    monkeypatch.setenv(usercache.ENV, str(tmp_path / "c"))
    for i in range(6):
        usercache.store("k", usercache.key(i), b"x", keep=4)
    assert len(list((tmp_path / "c" / "k").iterdir())) == 4


def test_a_store_sweeps_out_prepared_photos_of_the_older_layout(cache: Path) -> None:
    """``photos/<key>.photo`` files (before photos were entries) are read by nothing: the next
    store in their folder removes them, and only them."""
    folder = cache / "photos"
    folder.mkdir(parents=True)
    old = [folder / f"{usercache.key(i)}.photo" for i in range(3)]
    for path in old:
        path.write_bytes(b'{"body": [0, ""]}\n')
    (folder / "notes.txt").write_text("mine")
    usercache.store("photos", usercache.key("new"), b"x", keep=500)
    assert sorted(p.suffix for p in folder.iterdir()) == [".entry", ".txt"]


def test_a_derived_text_is_made_once_and_then_read_back(cache: Path) -> None:
    made: list[str] = []

    def shout(text: str) -> str:
        made.append(text)
        return text.upper() + "\ud800"  # a lone surrogate comes back too

    assert usercache.derived_text("t", "abc", shout, keep=4) == "ABC\ud800"
    assert usercache.derived_text("t", "abc", shout, keep=4) == "ABC\ud800"
    assert usercache.derived_text("t", "abd", shout, keep=4) == "ABD\ud800"
    assert made == ["abc", "abd"]
    for entry in (cache / "t").iterdir():
        usercache.store_entry(entry, b"\xff not UTF-8", None)
    assert usercache.derived_text("t", "abc", shout, keep=4) == "ABC\ud800"
    assert made == ["abc", "abd", "abc"]


def test_template_parts_patched_from_the_cache_are_docxtpls(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next process takes the built-in templates' patched parts and their Jinja sources
    from the user's cache, equal to what docxtpl and the guard make of them."""
    import zipfile

    from docxtpl import DocxTemplate

    from greenmine_docs.render import tplguard

    with zipfile.ZipFile(PLAN_TEMPLATE) as zf:
        parts = [zf.read(n).decode("utf-8") for n in zf.namelist()
                 if n.startswith("word/") and n.endswith(".xml") and b"{" in zf.read(n)]
    assert parts
    first = [(tplguard._patched(p), tplguard._jinja_source(p)) for p in parts]
    tplguard._patched.cache_clear()
    tplguard._jinja_source.cache_clear()
    monkeypatch.setattr(tplguard, "_made_patch", lambda s: pytest.fail("patched again"))
    monkeypatch.setattr(tplguard, "_made_jinja_source", lambda s: pytest.fail("made again"))
    again = [(tplguard._patched(p), tplguard._jinja_source(p)) for p in parts]
    tplguard._patched.cache_clear()
    tplguard._jinja_source.cache_clear()
    assert again == first
    assert [a for a, _ in again] == [DocxTemplate.patch_xml(object(), p) for p in parts]


def test_a_blank_document_from_the_cache_is_the_one_built(cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs.docx import document

    _new_process()
    built = document.to_bytes(document.new_document(cover=True))
    (entry,) = (cache / "docx-blank").iterdir()
    _new_process()
    real_build = document._build
    monkeypatch.setattr(document, "_build", lambda **kw: pytest.fail("built again"))
    assert document.to_bytes(document.new_document(cover=True)) == built
    monkeypatch.setattr(document, "_build", real_build)
    entry.write_bytes(entry.read_bytes()[:100])  # damaged: built again, the same
    _new_process()
    assert document.to_bytes(document.new_document(cover=True)) == built


def _plan_template(tmp_path: Path) -> tuple[Path, set[str]]:
    """A copy of the built-in plan template and the variables it uses (with ``body``), in a
    process that has checked nothing yet."""
    import shutil

    template = tmp_path / "plan.docx"
    shutil.copy(PLAN_TEMPLATE, template)
    _new_process()
    return template, template_lint.used_variables(template) | {"body"}


def test_a_template_that_passed_its_checks_is_not_checked_again(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template, known = _plan_template(tmp_path)
    template_package.guard_template_file(template)
    assert template_lint.check_template(template, known=known).findings == []
    assert len(list((cache / template_verdicts.KIND).iterdir())) == 2
    _new_process()
    monkeypatch.setattr(template_lint, "_lint", lambda *a: pytest.fail("linted again"))
    monkeypatch.setattr(template_package, "_checked", lambda *a: pytest.fail("checked again"))
    template_package.guard_template_file(template)
    assert template_lint.check_template(template, known=known).findings == []
    monkeypatch.undo()
    monkeypatch.setenv(usercache.ENV, str(cache))
    # other variables given, another content: checked (and found wanting) again
    _new_process()
    with pytest.raises(GreenmineError, match="GM-E703|未提供|变量"):
        template_lint.check_template(template, known={"body"})
    template.write_bytes(template.read_bytes() + b"\0")  # still a valid package
    _new_process()
    checked: list[object] = []
    monkeypatch.setattr(template_package, "_checked", lambda *a: checked.append(a))
    template_package.guard_template_file(template)
    assert len(checked) == 1


def test_a_template_changed_while_its_package_was_checked_gets_no_pass(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs import zipguard

    template, _ = _plan_template(tmp_path)
    original = template.read_bytes()
    real = zipguard.check_office_file

    def checked_then_changed(*a: object, **k: object) -> None:
        real(*a, **k)
        template.write_bytes(original + b"\0")  # changed while it was checked (still a package)

    monkeypatch.setattr(zipguard, "check_office_file", checked_then_changed)
    template_package.guard_template_file(template)
    assert not (cache / template_verdicts.KIND).exists()  # neither content gets the pass
    looked: list[object] = []
    monkeypatch.setattr(zipguard, "check_office_file",
                        lambda *a, **k: looked.append(a) or real(*a, **k))
    for content in (original + b"\0", original):
        template.write_bytes(content)
        _new_process()
        template_package.guard_template_file(template)  # checked, now unchanged: passes
    assert len(looked) == 2
    _new_process()
    template_package.guard_template_file(template)
    template.write_bytes(original + b"\0")
    _new_process()
    template_package.guard_template_file(template)
    assert len(looked) == 2  # both contents passed while they stayed as they were


def test_a_lint_that_passed_under_other_template_limits_runs_again(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs import limits

    template, known = _plan_template(tmp_path)
    template_lint.check_template(template, known=known)
    linted: list[object] = []
    real = template_lint._lint
    monkeypatch.setattr(template_lint, "_lint", lambda *a: linted.append(a) or real(*a))
    monkeypatch.setattr(limits, "MAX_TEMPLATE_LOOPS", 10)  # its trial renders under this
    _new_process()
    template_lint.check_template(template, known=known)
    assert len(linted) == 1


def test_a_lint_pass_is_kept_for_the_content_linted_not_for_a_later_one(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template, known = _plan_template(tmp_path)
    original = template.read_bytes()
    real = template_lint._lint

    def lint_then_changed(*a: object) -> object:
        found = real(*a)
        template.write_bytes(original + b"\0")  # changed while it was linted (still a package)
        return found

    monkeypatch.setattr(template_lint, "_lint", lint_then_changed)
    assert template_lint.lint_template(template, known=known).findings == []
    linted: list[object] = []
    monkeypatch.setattr(template_lint, "_lint", lambda *a: linted.append(a) or real(*a))
    _new_process()
    template_lint.lint_template(template, known=known)  # the later content never passed
    assert len(linted) == 1
    template.write_bytes(original)
    _new_process()
    template_lint.lint_template(template, known=known)  # the content linted first did
    assert len(linted) == 1


@pytest.mark.parametrize("folder", ["none", "user-cache"])
def test_a_lint_this_process_saw_holds_only_under_the_same_template_limits(
        folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    from greenmine_docs import limits

    monkeypatch.setenv(usercache.ENV, folder if folder == "none" else str(tmp_path / folder))
    doc = docx.Document(str(PLAN_TEMPLATE))
    doc.add_paragraph("{% for i in range(50) %}第{{ i }}项{% endfor %}")
    template = tmp_path / "loops.docx"
    doc.save(str(template))
    _new_process()
    known = template_lint.used_variables(template) | {"body"}

    def codes() -> list[str]:
        return [f.code for f in template_lint.lint_template(template, known=known).findings]

    assert codes() == []
    monkeypatch.setattr(limits, "MAX_TEMPLATE_LOOPS", 10)  # in the same process: linted again
    assert codes() == ["GM-E713"]
    monkeypatch.setattr(limits, "MAX_TEMPLATE_LOOPS", 100)
    assert codes() == []


def test_a_template_with_problems_is_reported_every_time(cache: Path, tmp_path: Path) -> None:
    import docx

    doc = docx.Document(str(PLAN_TEMPLATE))
    doc.add_paragraph("{% for x in [1, 2] %}循环")
    template = tmp_path / "broken.docx"
    doc.save(str(template))
    for _ in range(2):
        _new_process()
        template_package.guard_template_file(template)
        with pytest.raises(GreenmineError, match="错误"):
            template_lint.check_template(template, known={"body"})
    kept = list((cache / template_verdicts.KIND).iterdir())
    assert len(kept) == 1  # the package's checks passed; the lint never did


def test_a_template_over_the_size_limit_is_refused_whatever_the_cache_says(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs import limits

    template, _ = _plan_template(tmp_path)
    template_package.guard_template_file(template)
    monkeypatch.setattr(limits, "MAX_DOCX_BYTES", template.stat().st_size - 1)
    _new_process()
    with pytest.raises(GreenmineError, match="上限"):
        template_package.guard_template_file(template)


# -- the first workbook of a layout --------------------------------------------------------
def _sheet(book, data: dict):
    """A small workbook: a merged, styled title, text that reads as a formula, a formula, a
    date, a row height."""

    from greenmine_docs.xlsx import write

    t = book.sheet("表")
    t.merge(1, 1, 1, 3)
    t.put(1, 1, "标题", write.look(font=_font(data.get("font", "bold"))))
    t.put_row(2, [data.get("text", "=1+1"), write.Formula("=A2"), dt.date(2024, 1, 2)],
              (write.look(),) * 3)
    t.height(2, 30)
    return None


@functools.lru_cache(maxsize=None)
def _font(kind: str):
    from openpyxl.styles import Font

    return Font(bold=kind == "bold", italic=kind == "italic")


def _workbook(data: dict):
    from greenmine_docs.xlsx import write

    return write.CachedWorkbook(build=lambda book: _sheet(book, data),
                                neutral=lambda book: _sheet(book, {}),
                                key=("tiny", 1), cache=write.SkeletonCache())


def test_a_kept_first_workbook_is_the_one_openpyxl_writes_now(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs.xlsx import remembered, write

    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T05:06:08")
    first = _workbook({}).bytes()  # the first of its layout: kept
    assert first == _workbook({}).plain()
    assert len(list((cache / remembered.KIND).iterdir())) == 1
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    expected = _workbook({}).plain()
    assert expected != first  # (the dates differ)
    monkeypatch.setattr(write, "OpenpyxlBook", lambda *a, **k: pytest.fail("written again"))
    assert remembered.first_workbook(_workbook({})) == expected


@pytest.mark.parametrize("base, other", [
    ({"text": "=1+1"}, {"text": "formula"}),  # a formula is not the text it reads as
    ({}, {"font": "italic"}),  # a look is its parts' content
    ({"text": "2"}, {"text": 2}),  # a number is not its text
])
def test_other_cells_are_another_workbook(cache: Path, base: dict, other: dict) -> None:
    from greenmine_docs.xlsx import remembered, write

    if other.get("text") == "formula":
        other = {"text": write.Formula("=1+1")}
    remembered.first_workbook(_workbook(base))
    assert remembered.first_workbook(_workbook(other)) == _workbook(other).plain()
    assert len(list((cache / remembered.KIND).iterdir())) == 2


def test_without_a_cache_folder_the_first_workbook_is_only_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from greenmine_docs.xlsx import remembered

    monkeypatch.setenv(usercache.ENV, "none")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T05:06:08")
    assert remembered.first_workbook(_workbook({})) == _workbook({}).plain()
    assert not (tmp_path / "xdg").exists()


def _package(members: list[tuple[str, bytes, int]], comment: bytes = b"") -> bytes:
    import io
    import zipfile

    from greenmine_docs.clock import StampedZip

    buf = io.BytesIO()
    with StampedZip(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, how in members:
            zf.writestr(name, data, compress_type=how)
        zf.comment = comment
    return buf.getvalue()


def test_dating_a_package_again_gives_what_zipfile_writes_now(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Members copied as they are compressed, only stamps and ``core.xml``'s dates new: the
    bytes ``zipfile`` writes for the same members at the new moment, stored members too."""
    import zipfile

    from greenmine_docs.xlsx import remembered
    from greenmine_docs.xlsx.fill import CORE_PART

    def core(stamp: str) -> bytes:
        return (f'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}'
                f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}'
                "</dcterms:modified></cp:coreProperties>").encode()

    def members(stamp: str) -> list[tuple[str, bytes, int]]:
        return [("[Content_Types].xml", b"<Types/>" * 50, zipfile.ZIP_DEFLATED),
                (CORE_PART, core(stamp), zipfile.ZIP_DEFLATED),
                ("xl/media/图.png", bytes(range(256)) * 8, zipfile.ZIP_STORED)]

    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2021-03-04T05:06:08")
    old = _package(members("2021-03-04T05:06:08Z"))
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    assert remembered.dated_now(old) == _package(members("2024-11-12T13:14:15Z"))
    with pytest.raises(ValueError):  # a form save_workbook never writes: written again
        remembered.dated_now(_package(members("2021-03-04T05:06:08Z"), comment=b"x"))


def test_the_folder_follows_the_environment_it_is_worked_out_from(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """``user_dir`` is remembered per setting of the variables it reads: a changed one (the
    web desk's tests, a user's shell) gives the folder anew."""
    monkeypatch.delenv(usercache.ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "a"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "a"))
    assert usercache.user_dir() == tmp_path / "a" / ".cache" / "greenmine-docs"
    monkeypatch.setenv("HOME", str(tmp_path / "b"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "b"))
    assert usercache.user_dir() == tmp_path / "b" / ".cache" / "greenmine-docs"
    monkeypatch.setenv("XDG_CACHE_HOME" if os.name != "nt" else "LOCALAPPDATA", str(tmp_path))
    assert usercache.user_dir() == tmp_path / "greenmine-docs"
    monkeypatch.setenv(usercache.ENV, "none")
    assert usercache.user_dir() is None
