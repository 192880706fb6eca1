"""What a new ``greenmine`` process pays once (issue 21, ``build_cold_cpu_s``): each shortcut is
checked for the property that makes it safe, or compared with the way it replaced."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shanxi-limestone" / "mine.yaml"


def _greenmine(prelude: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``greenmine ARGS`` as its console script runs it (``main()`` without arguments), after
    ``prelude``."""
    code = (f"{prelude}\nimport sys\nsys.argv = ['greenmine', *sys.argv[1:]]\n"
            "from greenmine_docs.cli import main\nmain()\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=120)


def test_the_process_ends_after_its_exit_handlers_with_its_output_and_code() -> None:
    # a handler registered at exit runs; text still in a buffer (no newline, no flush) is
    # written; the command's own exit code is the process's (1: findings)
    prelude = ("import atexit, sys\n"
               "atexit.register(lambda: sys.stdout.write('handler ran'))")
    done = _greenmine(prelude, "validate", "examples/flawed-format/mine.yaml")
    assert done.returncode == 1, done.stderr
    assert "GM-" in done.stdout  # the report itself
    assert done.stdout.endswith("handler ran")


def test_a_running_thread_is_waited_for_as_a_normal_exit_does() -> None:
    # the thread writes once the main thread has ended (which a normal exit says to the
    # threads it waits for), so its text is the last
    prelude = ("import threading, sys\n"
               "def late():\n"
               "    threading.main_thread().join()\n"
               "    sys.stdout.write('thread finished')\n"
               "threading.Thread(target=late).start()")
    done = _greenmine(prelude, "validate", str(EXAMPLE))
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.endswith("thread finished")


def test_a_caller_calling_main_keeps_its_process() -> None:
    # main(argv) (a program or test embedding the CLI) exits with SystemExit as before
    from greenmine_docs.cli import main

    with pytest.raises(SystemExit) as e:
        main(["validate", str(ROOT / "examples" / "flawed-format" / "mine.yaml")])
    assert e.value.code == 1


def test_the_collector_stays_off_only_in_a_process_that_ends_with_its_command(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from greenmine_docs.cli import _common

    assert gc.isenabled()
    with _common.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()  # a caller's process (this test's) gets it back
    monkeypatch.setattr(_common, "_PROCESS_ENDS_WITH_COMMAND", [False])
    _common.process_ends_with_command()
    try:
        with _common.collector_paused():
            pass
        assert not gc.isenabled()  # the greenmine process: no full collection before its end
    finally:
        gc.enable()


def test_a_build_in_its_own_process_ends_with_the_collector_off(tmp_path: Path) -> None:
    prelude = ("import atexit, gc, sys\n"
               "atexit.register(lambda: sys.stdout.write(f'collector {gc.isenabled()}'))")
    done = _greenmine(prelude, "build", str(EXAMPLE), "-o", str(tmp_path), "--only", "plan")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("collector False")


def test_a_rebuild_takes_workbooks_images_tokens_and_yaml_from_the_user_cache_without_libraries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbooks' looks are described without openpyxl (``xlsx.styles``), and a date cell's
    format is known without it; the images' checks and Word forms (``safety.image_verdicts``),
    the prepared photos, the narratives' tokens (``safety.markdown_tokens``) and the YAML
    files' parses (``load.yaml_kept``) are kept by content: a build whose workbooks, images and
    texts were kept by the build before never imports openpyxl (about 0.05 s of a new
    process), Pillow (about 0.02 s and the decodes), markdown-it-py (about 0.02 s and the
    parse) nor PyYAML (about 0.01 s and the parses), and writes the same documents and
    workbooks."""
    monkeypatch.setenv("GREENMINE_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    prelude = ("import atexit, sys\natexit.register(lambda: sys.stdout.write("
               "'imported ' + repr(sorted({'openpyxl', 'PIL', 'markdown_it', 'yaml'}"
               " & set(sys.modules)))))")
    outs = []
    for run in ("first", "again"):
        outs.append(tmp_path / run)
        done = _greenmine(prelude, "build", str(EXAMPLE), "-o", str(outs[-1]))
        assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("imported []")
    made = sorted(p.name for p in outs[0].iterdir() if p.suffix in (".docx", ".xlsx"))
    assert len(made) == 6 and sum(name.endswith(".xlsx") for name in made) == 2
    assert all((outs[0] / m).read_bytes() == (outs[1] / m).read_bytes() for m in made)


@pytest.mark.parametrize("given, used, own_loader", [
    (None, "__all__", False), ("true", "true", False), ("", "", True),
    ("logfire", "logfire", True)])
def test_the_greenmine_process_looks_for_no_pydantic_plugins_unless_told(
        monkeypatch: pytest.MonkeyPatch, given: str | None, used: str, own_loader: bool) -> None:
    """Without plugins to look for, pydantic's plugin loader is one that finds none and reads
    no entry points (``importlib.metadata`` is never imported); told to look for some (all, or
    all but those named), pydantic's own loader looks."""
    if given is None:
        monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    else:
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", given)
    prelude = ("import atexit, os, sys\natexit.register(lambda: sys.stdout.write("
               "'plugins ' + repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')) + ' loader ' + "
               "repr(hasattr(sys.modules['pydantic.plugin._loader'], '__file__')) + ' metadata ' "
               "+ repr('importlib.metadata' in sys.modules)))")
    done = _greenmine(prelude, "validate", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f"plugins {used!r} loader {own_loader!r} metadata {own_loader!r}")


def test_the_stand_in_plugin_loader_hands_any_other_name_to_pydantics_own() -> None:
    """A pydantic that asks its plugin loader for more than ``get_plugins`` (a newer one) gets
    it from its own loader, imported then: the stand-in saves time, it never breaks a
    command; a module attribute it lacks is missing, as from any module."""
    code = (
        "import os, sys\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "from greenmine_docs.cli._common import process_ends_with_command\n"
        "process_ends_with_command()\n"
        "stand_in = sys.modules['pydantic.plugin._loader']\n"
        "assert list(stand_in.get_plugins()) == [] and not hasattr(stand_in, '__file__')\n"
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
        "own = sys.modules['pydantic.plugin._loader']\n"
        "print(PYDANTIC_ENTRY_POINT_GROUP, own is not stand_in, hasattr(own, '__file__'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["pydantic", "True", "True"]


def test_styling_by_look_gives_the_workbook_style_cell_gives(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain path styles a cell from its look's indexes, found once per workbook; the
    saved workbook is byte for byte the one per-cell style assignments give (parts left
    ``None`` keep what the cell had, number formats included). The clock is fixed: two saves
    a second apart differ in their dates, which is not what this compares."""
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from greenmine_docs.xlsx.book import OpenpyxlBook, look, style_cell
    from greenmine_docs.xlsx.write import save_workbook, set_value

    thin = Side(style="thin")
    parts = [Font(name="宋体", size=10), Font(bold=True), Border(left=thin, right=thin),
             PatternFill("solid", fgColor="D9E2F3"), Alignment(wrap_text=True)]
    looks = [look(parts[0], parts[2], None, parts[4]), look(parts[1], None, parts[3], None),
             look(None, parts[2], None, None, "0.00"), look(parts[0], None, None, None),
             look(fmt="yyyy-mm-dd")]
    book = OpenpyxlBook()
    target = book.sheet("表")
    wb = book.wb
    ref = OpenpyxlBook()
    ws = ref.sheet("表").ws
    for i in range(60):
        row, col, lk = i // 7 + 1, i % 7 + 1, looks[i % len(looks)]
        target.put(row, col, f"值{i}", lk)
        cell = ws.cell(row=row, column=col)
        set_value(cell, f"值{i}")
        style_cell(cell, font=lk[0], border=lk[1], fill=lk[2], alignment=lk[3])
        if lk[4] is not None:
            cell.number_format = lk[4]
        if i % 5 == 0:  # a second look over the first: only its parts change
            over = looks[(i + 2) % len(looks)]
            target.apply(row, col, over)
            style_cell(cell, font=over[0], border=over[1], fill=over[2], alignment=over[3])
            if over[4] is not None:
                cell.number_format = over[4]
    assert save_workbook(wb) == save_workbook(ref.wb)


def test_the_font_registry_escapes_what_xml_text_needs() -> None:
    from greenmine_docs.docx.pdf_fonts import _prop

    assert _prop("ReplaceTable", 'A&B <C> "D"') == (
        '<prop oor:name="ReplaceTable" oor:op="fuse"><value>A&amp;B &lt;C&gt; "D"</value></prop>')


def test_a_template_is_linted_once_per_render_with_the_variables_it_gets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Linted with the variables the render gives (not also without them), once: a later
    render of the same template version with the same variables is not linted again."""
    from greenmine_docs.render import template_lint, template_verdicts, tpl
    from greenmine_docs.resources import template_path

    monkeypatch.setattr(template_verdicts, "_LINTS_PASSED", {})  # none passed so far
    calls: list[object] = []
    real = template_lint.check_template

    def counted(path: object, *, known: object = None) -> object:
        calls.append(known)
        return real(path, known=known)

    monkeypatch.setattr(template_lint, "check_template", counted)
    path = next(template_path("implementation_plan").glob("*.docx"))
    used = template_lint.used_variables(path)

    def context(t: object) -> dict[str, object]:
        return {**{name: "文字" for name in used}, "body": t.new_subdoc()}  # type: ignore[attr-defined]

    assert tpl.render_template(path, context)[:2] == b"PK"
    assert len(calls) == 1 and calls[0] is not None
    assert tpl.render_template(path, context)[:2] == b"PK"
    assert len(calls) == 1


def test_reading_a_mines_table_does_not_load_the_workbook_writers(tmp_path) -> None:
    """``batch --validate-only`` forks its readers from a process that has not imported
    openpyxl (the writers' library, ~0.1 s): the names of ``excel_input`` load their modules
    when first used, the mines table's writer imports what it writes with, and the reader
    tells date formats itself (``xlsx.read.is_date_format``)."""
    from mine_rows import mine_rows

    from greenmine_docs.excel_input import write_mines_table

    table = tmp_path / "名录.xlsx"
    write_mines_table(mine_rows(3), table)
    code = ("import sys; from greenmine_docs.excel_input.mines import MinesReader; "
            "r = MinesReader(sys.argv[1]); r.__enter__(); rows = r.read_all(); "
            "assert len(rows) == 3 and 'openpyxl' not in sys.modules, 'openpyxl'; "
            "from greenmine_docs.excel_input import render_workbook; "
            "assert callable(render_workbook); print('ok')")
    done = subprocess.run([sys.executable, "-c", code, str(table)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_validating_does_not_import_jinja(tmp_path: Path) -> None:
    """The checks read the documents' outlines (``render.outline``), not their templates:
    ``greenmine validate`` and ``batch --validate-only`` (whose workers fork after the first
    mine's checks) never import jinja2 (~20 ms of a new process); the package's names still
    load it when asked for."""
    prelude = ("import atexit, sys\natexit.register(lambda: sys.stdout.write("
               "'imported ' + repr(sorted({'jinja2', 'markupsafe'} & set(sys.modules)))))")
    done = _greenmine(prelude, "validate", str(EXAMPLE))
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.endswith("imported []")
    code = ("import sys; from greenmine_docs.render import make_env; "
            "print(make_env().from_string('{{ 1 + 1 }}').render(), 'jinja2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["2", "True"], done.stderr


def test_the_templates_import_docxtpl_without_its_subdocument_module() -> None:
    """A build's templates import docxtpl as it is where docxcompose is not installed: without
    ``docxtpl.subdoc``, docxcompose and Babel; the docxtpl class is docxtpl's own, and its
    subdocument module still imports afterwards (docxcompose is in the test extras)."""
    pytest.importorskip("docxcompose")
    code = ("import sys\n"
            "from greenmine_docs.render.tplguard import DocxTemplate\n"
            "import docxtpl.template\n"
            "print(sorted({'docxtpl.subdoc', 'docxcompose', 'babel'} & set(sys.modules)),"
            " DocxTemplate is docxtpl.template.DocxTemplate)\n"
            "from docxtpl.subdoc import Subdoc\n"
            "print(Subdoc.__module__, 'docxcompose' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.splitlines() == ["[] True", "docxtpl.subdoc True"], done.stderr


def _validators(annotation: object, found: dict[int, object], models: set[type]) -> None:
    """The functions of the Before/After validators in ``annotation`` (and in the models it
    names), by id."""
    import typing

    from pydantic import AfterValidator, BaseModel, BeforeValidator

    if isinstance(annotation, (AfterValidator, BeforeValidator)):
        found[id(annotation.func)] = annotation.func
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in models:
            models.add(annotation)
            for info in annotation.model_fields.values():
                for part in (info.annotation, *info.metadata):
                    _validators(part, found, models)
        return
    for part in (*typing.get_args(annotation), *getattr(annotation, "__metadata__", ())):
        _validators(part, found, models)


def test_the_model_s_validators_keep_the_signature_inspect_gives() -> None:
    """pydantic asks for a validator's signature at every field that uses it: each validator
    of the model keeps its own (``model.base.signed``), the one ``inspect`` works out from
    the function itself."""
    import inspect
    import types

    from greenmine_docs.model import Submission

    found: dict[int, object] = {}
    _validators(Submission, found, set())
    assert len(found) >= 8
    for func in found.values():
        assert isinstance(func, types.FunctionType)
        assert "__signature__" in vars(func), func.__qualname__
        plain = types.FunctionType(func.__code__, func.__globals__, func.__name__,
                                   func.__defaults__, func.__closure__)
        plain.__annotations__ = func.__annotations__
        assert inspect.signature(func) == inspect.signature(plain), func.__qualname__
