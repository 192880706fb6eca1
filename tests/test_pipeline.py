"""The one orchestrator (:mod:`greenmine_docs.api`) and the documents as plug-ins.

- each document's blocking policy gives the same answer through ``build`` and through the
  document's own command;
- no output lands on a file the run reads (the input, the files it names, a ``--template``, a
  ``--set`` file, an outline), ``--force`` or not;
- the registries are plain imports: a module that fails to import fails, never disappears;
- a new document is one package + one registry line + its template + its tests
  (``tests/notice_document``: the test-only 整改通知书).
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import click
import pytest
from docx import Document

from conftest import EXAMPLE, run_cli
from greenmine_docs import api, documents
from greenmine_docs.cli import COMMANDS, command
from greenmine_docs.errors import InputError, OutputError
from greenmine_docs.pipeline import SECTION_TITLES
from greenmine_docs.resources import template_path

# the command that makes each document alone, and the file it is asked for
ALONE = {"plan": ("plan", "docx"), "selfcheck": ("selfcheck", "xlsx"),
         "selfeval": ("self-eval", "docx"), "report": ("report", "docx"),
         "scoresheet": ("scoresheet", "xlsx")}

# inputs whose findings stop some documents and not others, and what each gives
INELIGIBLE = {"  abnormal_list: false": "  abnormal_list: true",
              "    P3: {ruling: 符合, evidence: 2023年9月13日查询矿业权人勘查开采信息公示系统，未列入异常名录}":
              "    P3: {ruling: 不符合, evidence: 已列入异常名录}"}
CASES = {
    "eligibility error (GM-E2xx)": (INELIGIBLE, {"report", "scoresheet", "selfeval"}),
    "assessment error (GM-E5xx)": ({"role: 组长": "role: 成员"},
                                   {"plan", "selfcheck", "scoresheet", "selfeval"}),
    "plan error (GM-E4xx)": ({"  total_investment: 1818.50": "  total_investment: 1900.00"},
                             {"selfcheck", "report", "scoresheet", "selfeval"}),
    "self-evaluation error (GM-E9xx)": ({"  report_date: 2023-09-14": "  report_date: 2023-10-16"},
                                        {"plan", "selfcheck", "report", "scoresheet"}),
    "unusable indicator set (GM-E30x)": (
        {"indicator_set: national-2020-reference": "indicator_set: no-such-set"}, set()),
    "no errors": ({}, {"plan", "selfcheck", "selfeval", "report", "scoresheet"}),
}


def _made_by_build(result: api.Result) -> set[str]:
    names = {p.name for p in result.written}
    return {spec.key for spec in documents.DOCUMENTS
            if all(f"{spec.file_stem(result.run)}.{fmt}" in names for fmt in spec.formats)}


@pytest.mark.parametrize("case", CASES)
def test_each_documents_policy_is_the_same_in_build_and_in_its_own_command(variant, runner,
                                                                          tmp_path, case):
    replacements, expected = CASES[case]
    path = variant(replacements)
    built = api.build(path, tmp_path / "build")
    assert _made_by_build(built) == expected
    assert set(built.blocked) == set(ALONE) - expected
    for key, found in built.blocked.items():  # stopped by the findings its policy names
        assert found == documents.get(key).blocks_on.blockers(built.report)
    cli = run_cli(runner, "build", path, "-o", tmp_path / "cli-build")
    assert cli.code == (0 if case == "no errors" else 1)
    for key in built.blocked:
        assert f"未生成：{documents.get(key).title}" in cli.stderr
    for key, (name, fmt) in ALONE.items():
        out = tmp_path / f"{key}.{fmt}"
        res = run_cli(runner, name, path, "-o", out)
        assert out.exists() is (key in expected), (key, res.output)
        assert res.code == (0 if key in expected else 1), (key, res.output)


def test_strict_makes_warnings_stop_the_same_documents_in_build_and_alone(variant, tmp_path):
    """``--strict``: a warning stops a document when its policy names the warning's area."""
    path = variant({"    holder: 山西青岚建材有限公司": "    holder: 山西青岚建材股份有限公司"})
    built = api.build(path, tmp_path / "build", strict=True)
    assert {f.code for f in built.report.warnings} == {"GM-W229"} and not built.report.errors
    # a 2xx warning: not their areas
    assert _made_by_build(built) == {"report", "scoresheet", "selfeval"}
    for key, (_, fmt) in ALONE.items():
        alone = api.generate(key, path, tmp_path / f"{key}.{fmt}", strict=True)
        assert bool(alone.written) is (key not in built.blocked)


def test_a_model_that_does_not_load_stops_every_document(tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text("schema_version: 1\ncampaign: {province: 山西省}\n", encoding="utf-8")
    built = api.build(bad, tmp_path / "out")
    assert built.run.model is None and not built.written and not (tmp_path / "out").exists()
    for key, (_, fmt) in ALONE.items():
        alone = api.generate(key, bad, tmp_path / f"{key}.{fmt}")
        assert alone.blocked[key] == alone.report.errors and not alone.written


# -- protected paths -----------------------------------------------------------------------
def _commands_with_a_template_file() -> list[str]:
    """Every command with a ``--template FILE`` option (``sample --template`` is a flag)."""
    found = []
    for name in COMMANDS:
        cmd = command(name)
        subs = cmd.commands.values() if isinstance(cmd, click.Group) else [cmd]
        for sub in subs:
            if any(p.name == "template" and isinstance(p, click.Option) and not p.is_flag
                   for p in sub.params):
                found.append(name)
    return found


def test_template_equal_to_the_output_is_refused_by_every_command(runner, tmp_path):
    names = _commands_with_a_template_file()
    keys = {"plan": "plan", "report": "report", "self-eval": "selfeval"}
    # a new one is checked here too; the zone plan (not a mine's document) in tests/test_zone.py
    assert set(names) == set(keys) | {"zone-plan"}
    for name in keys:
        key = keys[name]
        spec = documents.get(key)
        assert spec.template is not None
        target = tmp_path / f"{name}.docx"
        shutil.copy(template_path(*spec.template), target)
        before = target.read_bytes()
        res = run_cli(runner, name, EXAMPLE, "-o", target, "--template", target, "--force")
        assert res.code == 2 and "拒绝覆盖输入" in res.stderr, res.output
        assert target.read_bytes() == before
        with pytest.raises(OutputError, match="拒绝覆盖输入"):
            api.generate(key, EXAMPLE, target, template=target, force=True)
        assert target.read_bytes() == before


def test_set_and_outline_files_the_run_reads_are_never_replaced(variant, runner, tmp_path):
    sets = tmp_path / "体系.xlsx"
    assert run_cli(runner, "indicators", "export", "national-2020-reference", "-o", sets).code == 0
    before = sets.read_bytes()
    res = run_cli(runner, "selfcheck", EXAMPLE, "--set", sets, "-o", sets, "--force")
    assert res.code == 2 and "拒绝覆盖输入" in res.stderr and sets.read_bytes() == before
    # named in the input: the set file, and the plan's outline
    path = variant({"indicator_set: national-2020-reference": "indicator_set: 本省体系.xlsx",
                    "plan:\n": "plan:\n  outline: 提纲.yaml\n"})
    shutil.copy(sets, path.parent / "本省体系.xlsx")
    shutil.copy(template_path("implementation_plan", "outline.yaml"), path.parent / "提纲.yaml")
    for args in (["selfcheck", path, "-o", path.parent / "本省体系.xlsx"],
                 ["scoresheet", path, "-o", path.parent / "本省体系.xlsx"],
                 ["validate", path, "-o", path.parent / "提纲.yaml"],
                 ["validate", path, "-o", path]):
        kept = Path(args[-1]).read_bytes()
        res = run_cli(runner, *args, "--force")
        assert res.code == 2 and "拒绝覆盖输入" in res.stderr, (args, res.output)
        assert Path(args[-1]).read_bytes() == kept
    run = api.check(api.load(path))
    protected = {p.resolve() for p in run.protected}
    assert {path.resolve(), (path.parent / "本省体系.xlsx").resolve(),
            (path.parent / "提纲.yaml").resolve()} <= protected


# -- registries: plain imports ---------------------------------------------------------------
def _exec_fresh(name: str, broken: str, monkeypatch) -> None:
    """Run module ``name``'s code again (not replacing the loaded one) while ``broken`` cannot
    be imported."""
    monkeypatch.setitem(sys.modules, broken, None)  # import of it raises ImportError
    parent, _, child = broken.rpartition(".")
    monkeypatch.delattr(sys.modules[parent], child)  # (or `from . import` would find it)
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


@pytest.mark.parametrize("registry,broken", [
    ("greenmine_docs.documents", "greenmine_docs.documents.plan.document"),
    ("greenmine_docs.documents", "greenmine_docs.documents.assessment.document"),
    ("greenmine_docs.codes", "greenmine_docs.codes.plan"),
])
def test_a_registered_module_that_fails_to_import_fails(monkeypatch, registry, broken):
    with pytest.raises(ImportError):
        _exec_fresh(registry, broken, monkeypatch)


def test_every_command_module_imports_and_every_command_is_offered(runner):
    for name, (module, attribute, _) in COMMANDS.items():
        cmd = command(name)
        assert isinstance(cmd, click.Command) and cmd.name == name, (module, attribute)
    res = run_cli(runner, "--help")
    assert all(f"  {name} " in res.stdout for name in COMMANDS)


def test_every_document_declares_a_checked_policy_and_is_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert documents.markdown_table() in readme
    keys = [spec.key for spec in documents.DOCUMENTS]
    assert len(keys) == len(set(keys))
    for spec in documents.DOCUMENTS:
        assert spec.title and spec.formats and spec.blocks_on.text
        assert set(spec.needs) <= set(SECTION_TITLES)
    with pytest.raises(InputError, match="没有名为"):
        documents.get("no-such-document")


# -- a new document: the test-only 整改通知书 ---------------------------------------------------
@pytest.fixture
def with_notice(monkeypatch):
    """The registry with the notice added: the one line a new document adds to
    ``greenmine_docs/documents/__init__.py``."""
    import notice_document

    monkeypatch.setattr(documents, "DOCUMENTS", (*documents.DOCUMENTS, notice_document.DOCUMENT))
    return notice_document.DOCUMENT


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_a_new_document_needs_only_its_package_a_registry_line_its_template_and_tests(
        with_notice, variant, tmp_path):
    """The notice touched 4 files: tests/notice_document/__init__.py (spec, renderer, check),
    tests/notice_document/notice.docx (template), this test file, and (in a real document)
    one line of greenmine_docs/documents/__init__.py. Nothing else knows about it, yet build,
    its own generation, its check, its blocking policy and the README table all work."""
    built = api.build(EXAMPLE, tmp_path / "build")
    notice = tmp_path / "build" / "山西青岚建材有限公司青岚山水泥用灰岩矿整改通知书.docx"
    assert notice in built.written
    scored = built.run.scores.assessment
    assert scored is not None
    assert f"评估结论为：达标（得分 {scored.result.total:.2f} 分）" in _text(notice)
    alone = api.generate("notice", EXAMPLE, tmp_path / "通知.docx")
    assert alone.written == [tmp_path / "通知.docx"]
    assert _text(tmp_path / "通知.docx") == _text(notice)
    assert "| `notice` | 整改通知书 | DOCX | assessment（第三方评估）" in documents.markdown_table()
    # its check runs for every input, in validate too
    undated = variant({"deadline: 2024-05-31": "deadline: null"})  # the first problem
    assert "GM-W560" in {f.code for f in api.validate(undated).findings}
    # its policy: an assessment error stops it, a plan error does not
    stopped = api.build(variant({"role: 组长": "role: 成员"}), tmp_path / "b2")
    assert "notice" in stopped.blocked
    made = api.build(variant({"  total_investment: 1818.50": "  total_investment: 1900.00"}),
                     tmp_path / "b3")
    assert "notice" not in made.blocked and any("整改通知书" in p.name for p in made.written)
    with pytest.raises(InputError, match="不使用 Word 模板"):  # it has no --template
        api.generate("notice", EXAMPLE, tmp_path / "x.docx", template=with_notice_template())


def with_notice_template() -> Path:
    import notice_document

    return notice_document.TEMPLATE
