"""envvars.get: os.environ.get's answer, without the exception of a missing variable."""
from __future__ import annotations

import os

import pytest

from greenmine_docs import envvars
from greenmine_docs.docx import islands

NAME = "GREENMINE_TEST_ENVVARS"


@pytest.mark.parametrize("value", ["1", "", " 0 ", "甲乙", "a=b;c", "\udcff"])
def test_a_set_variable_reads_as_os_environ_gives_it(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert envvars.get(NAME) == os.environ.get(NAME) == value
    assert envvars.get(NAME, "x") == value


def test_a_missing_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert envvars.get(NAME) is None
    assert envvars.get(NAME, "fallback") == "fallback"


def test_every_change_through_os_environ_is_seen_at_once(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert envvars.get(NAME) is None
    os.environ[NAME] = "first"
    try:
        assert envvars.get(NAME) == "first"
        os.environ[NAME] = "second"
        assert envvars.get(NAME) == "second"
        del os.environ[NAME]
        assert envvars.get(NAME) is None
        os.environ.update({NAME: "third"})
        assert envvars.get(NAME) == "third"
    finally:
        os.environ.pop(NAME, None)


def test_the_whole_environment_reads_the_same():
    for name, value in os.environ.items():
        assert envvars.get(name) == value


def test_an_environment_that_is_a_plain_mapping_is_asked_itself(monkeypatch):
    monkeypatch.setattr(os, "environ", {NAME: "plain"})
    assert envvars.get(NAME) == "plain"
    assert envvars.get(NAME + "_MISSING", "d") == "d"


def test_a_name_that_is_not_text_is_refused_as_os_environ_refuses_it():
    with pytest.raises(TypeError):
        os.environ.get(1)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        envvars.get(1)  # type: ignore[call-overload]


def test_the_islands_check_follows_the_variable(monkeypatch):
    monkeypatch.setenv("GREENMINE_CHECK_ISLANDS", "1")
    assert islands._checking()
    monkeypatch.setenv("GREENMINE_CHECK_ISLANDS", "0")
    assert not islands._checking()
    monkeypatch.delenv("GREENMINE_CHECK_ISLANDS")
    assert not islands._checking()
