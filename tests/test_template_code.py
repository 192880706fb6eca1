"""Template code kept in the user's cache folder (``build_cold_cpu_s``, issue 21): a template made
from kept code renders what one compiled afresh renders — escaping, filters, the sandbox's
bounds, the template lines of errors — and only the standard environment keeps or reads it."""
from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from jinja2 import TemplateError

from greenmine_docs import usercache
from greenmine_docs.render import jinja_env, template_code
from greenmine_docs.render.jinja_env import compile_template, make_env
from greenmine_docs.render.tplguard import template_line

SOURCE = ("{% for r in rows %}<w:t>{{ r.name }}：{{ r.amount | amount }}</w:t>\n"
          "{% endfor %}{{ when | cn_date }}{{ note }}")
CONTEXT = {"rows": [{"name": "甲<乙>", "amount": 1234.5}, {"name": "丙&", "amount": 2}],
           "when": "2024-03-05", "note": "{{ 7*7 }}"}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(usercache.ENV, str(tmp_path / "user-cache"))
    jinja_env._standard_template.cache_clear()
    yield tmp_path / "user-cache"
    jinja_env._standard_template.cache_clear()


def _fresh(source: str, autoescape: bool) -> str:
    env = make_env()
    env.autoescape = autoescape
    return env.from_string(source).render(CONTEXT)


def _kept(folder: Path) -> list[Path]:
    kind = folder / template_code.KIND
    return sorted(kind.iterdir()) if kind.exists() else []


@pytest.mark.parametrize("autoescape", [True, False])
def test_a_template_from_kept_code_renders_as_one_compiled_afresh(
        cache: Path, autoescape: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_env()
    env.autoescape = autoescape
    first = compile_template(env, SOURCE).render(CONTEXT)
    assert first == _fresh(SOURCE, autoescape)
    assert len(_kept(cache)) == 1
    jinja_env._standard_template.cache_clear()  # as the next process
    monkeypatch.setattr(type(env).__mro__[1], "compile", _no_compiling)
    again = compile_template(env, SOURCE)
    assert again.render(CONTEXT) == first
    assert again.source_chars == len(SOURCE)  # the sandbox's output budget still counts it


def _no_compiling(*args: object, **kwargs: object) -> None:
    raise AssertionError("compiled again")


def test_autoescaping_is_part_of_the_key(cache: Path) -> None:
    on, off = make_env(), make_env()
    off.autoescape = False
    assert "甲&lt;乙&gt;" in compile_template(on, SOURCE).render(CONTEXT)
    assert "甲<乙>" in compile_template(off, SOURCE).render(CONTEXT)
    assert len(_kept(cache)) == 2
    jinja_env._standard_template.cache_clear()
    assert "甲<乙>" in compile_template(off, SOURCE).render(CONTEXT)
    assert "甲&lt;乙&gt;" in compile_template(on, SOURCE).render(CONTEXT)


def test_a_kept_body_that_is_not_code_is_not_used(cache: Path) -> None:
    compile_template(make_env(), SOURCE)
    [entry] = _kept(cache)
    digest = entry.name.removesuffix(usercache.SUFFIX)
    usercache.store(template_code.KIND, digest, marshal.dumps(("not", "code")), keep=8)
    jinja_env._standard_template.cache_clear()
    assert compile_template(make_env(), SOURCE).render(CONTEXT) == _fresh(SOURCE, True)
    usercache.store(template_code.KIND, digest, b"\x00garbage", keep=8)
    jinja_env._standard_template.cache_clear()
    assert compile_template(make_env(), SOURCE).render(CONTEXT) == _fresh(SOURCE, True)


def test_only_the_standard_environment_keeps_code(cache: Path) -> None:
    env = make_env()
    env.filters["extra"] = str  # not the standard filters: compiled here, nothing kept
    assert env.from_string("{{ 1 | extra }}").render() == "1"
    assert compile_template(env, "{{ 2 | extra }}").render() == "2"
    assert _kept(cache) == []


def test_an_error_in_kept_code_names_its_template_line(cache: Path) -> None:
    source = "a\nb\n{{ rows[5] }}\n"
    for _ in range(2):  # compiled and kept, then from the kept code
        jinja_env._standard_template.cache_clear()
        with pytest.raises(TemplateError) as e:
            compile_template(make_env(), source).render({"rows": []})
        assert template_line(e.value) == 3
    assert len(_kept(cache)) == 1
