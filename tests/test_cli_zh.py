"""click's own words (usage errors, help headings) come out in Chinese, and every text click
can show a user has our Chinese for it."""
from __future__ import annotations

import ast
import importlib
import string
from pathlib import Path

import pytest

from greenmine_docs.cli import _click_zh
from tests.conftest import run_cli

# texts click shows only to a program's author (a command declared wrongly) or for features
# greenmine does not use (deprecated commands, shell completion's own module is not patched)
AUTHORS_ONLY = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Unknown color {colour!r}",
    "Error: {message}",  # termui's prompt error: the same text as the exceptions'
    # a path's kind is its placeholder in the help (FILE, PATH): kept, see _click_zh
    "file", "directory", "path",
}


def _click_texts() -> tuple[set[str], dict[str, str]]:
    """The texts of click's patched modules: ``_()``'s, and ``ngettext()``'s singular ->
    plural, read from their source."""
    single: set[str] = set()
    plural: dict[str, str] = {}
    for name in _click_zh.MODULES:
        source = Path(importlib.import_module(f"click.{name}").__file__ or "").read_text("utf-8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and args:
                single.add(args[0])
            elif node.func.id == "ngettext" and len(args) >= 2:
                plural[args[0]] = args[1]
    return single, plural


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_text_click_shows_users_has_chinese() -> None:
    single, plural = _click_texts()
    assert single - set(_click_zh.MESSAGES) - AUTHORS_ONLY == set()
    assert set(plural) - set(_click_zh.PLURALS) == set()


def test_no_text_of_ours_is_stale_or_asks_for_a_field_click_does_not_give() -> None:
    single, plural = _click_texts()
    for ours, theirs in [(_click_zh.MESSAGES, {t: t for t in single}),
                         (_click_zh.PLURALS, {t: t for t in plural})]:
        for text, chinese in ours.items():
            assert text in theirs, f"click no longer has {text!r}"
            assert _fields(chinese) <= _fields(text), text
    for text, chinese in _click_zh.PLURAL_FORMS.items():
        assert _fields(chinese) <= _fields(plural[text]), text
    for chinese in [*_click_zh.MESSAGES.values(), *_click_zh.PLURALS.values()]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese) or chinese.startswith("%"), chinese


def test_plural_texts_by_number() -> None:
    assert _click_zh.zh_plural("Did you mean {possibility}?", "x", 1) == "是否想输入 {possibility}？"
    assert "{possibilities}" in _click_zh.zh_plural("Did you mean {possibility}?", "x", 3)
    assert _click_zh.zh_plural("unknown {a}", "unknowns {a}", 2) == "unknowns {a}"


def test_install_is_idempotent_and_leaves_other_functions_alone() -> None:
    import click.core

    _click_zh.install()
    _click_zh.install()
    assert vars(click.core)["_"] is _click_zh.zh


@pytest.mark.parametrize("args, expected", [
    (["build", "--bogus", "x"], "错误：没有选项 '--bogus'。"),
    (["buidl"], "错误：没有命令 'buidl'。"),
    (["build"], "错误：缺少参数 'INPUT'"),
    (["batch", "x", "-o", "y", "-j", "abc"], "'abc' 不是有效的数字。"),
    (["validate", "--format", "pdf", "x"], "'pdf' 不是可选的值之一（'text', 'json', 'html'）。"),
])
def test_usage_errors_in_chinese(runner, args: list[str], expected: str) -> None:
    result = run_cli(runner, *args)
    assert result.code == 2
    assert expected in result.stderr
    assert "用法: greenmine" in result.stderr and "查看帮助" in result.stderr
    for english in ("Error:", "Usage:", "Try '", "No such", "Missing", "is not"):
        assert english not in result.output


def test_help_pages_in_chinese(runner) -> None:
    for args in (["--help"], ["validate", "--help"], ["indicators", "--help"]):
        result = run_cli(runner, *args)
        assert result.code == 0
        assert "选项:" in result.stdout and "显示本帮助并退出。" in result.stdout
        for english in ("Usage:", "Options:", "Commands:", "Show this message", "default:"):
            assert english not in result.stdout, (args, english)
    assert "命令:" in run_cli(runner, "--help").stdout
    assert "[默认：text]" in run_cli(runner, "validate", "--help").stdout


def test_batch_given_one_mine_file_says_to_build_it(runner, tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("mine: {}\n", encoding="utf-8")
    result = run_cli(runner, "batch", str(mine), "-o", str(tmp_path / "out"))
    assert result.code == 2
    assert "是单个矿山的输入文件" in result.stderr and "greenmine build" in result.stderr
    assert not (tmp_path / "out").exists()
