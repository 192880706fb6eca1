"""A YAML parse kept in the user's cache folder (``build_cold_cpu_s``, issue 21): read back, it is
what the fast path gives — values with their types, positions, the file named — and nothing but
plain data is kept or read back."""
from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from greenmine_docs import usercache
from greenmine_docs.load import yaml_fast, yaml_kept
from greenmine_docs.load.text import decode_text

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted([*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("templates/**/*.yaml"),
                  *ROOT.glob("greenmine_docs/**/*.yaml")])


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-cache"
    monkeypatch.setenv(usercache.ENV, str(folder))
    return folder


def _fresh(text: str, source: Path) -> yaml_kept.Parsed | None:
    """The fast path's own parse (nothing kept or read)."""
    return yaml_fast.parse(text, source)


def _same(got: yaml_kept.Parsed, expected: yaml_kept.Parsed) -> None:
    assert repr(got[0]) == repr(expected[0])  # int, float, bool, text and date apart
    assert got[0] == expected[0]
    for a, b in ((got[1], expected[1]), (got[2], expected[2])):
        assert a.file == b.file
        assert list(a.marks.items()) == list(b.marks.items())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_kept_parse_is_the_fast_paths_own(cache: Path, path: Path) -> None:
    text = decode_text(path.read_bytes(), path).text
    expected = _fresh(text, path)
    assert expected is not None
    assert yaml_kept.recalled(text, str(path)) is None
    _same(yaml_kept.fast_parse(text, path), expected)  # parsed and kept
    assert len(list((cache / yaml_kept.KIND).iterdir())) == 1
    elsewhere = Path("elsewhere/copy.yaml")  # the same text read from another file
    kept = yaml_kept.recalled(text, str(elsewhere))
    assert kept is not None
    _same(kept, _fresh(text, elsewhere))
    _same(yaml_kept.fast_parse(text, elsewhere), _fresh(text, elsewhere))


def test_values_other_than_plain_data_are_not_kept(cache: Path) -> None:
    text = "a: 2023-09-20 10:11:12\nb: 1\n"  # a timestamp: ruamel.yaml's datetime
    parsed = yaml_kept.fast_parse(text, Path("t.yaml"))
    assert parsed is not None and isinstance(parsed[0]["a"], dt.datetime)
    assert yaml_kept.recalled(text, "t.yaml") is None
    plain = "a: 2023-09-20\nb: [1, 1.5, true, ~, x]\n"
    assert yaml_kept.fast_parse(plain, Path("t.yaml")) is not None
    assert yaml_kept.recalled(plain, "t.yaml") is not None


def test_a_kept_body_that_names_another_class_is_not_read(cache: Path) -> None:
    text = "a: 1\n"
    assert yaml_kept.fast_parse(text, Path("t.yaml")) is not None
    digest = yaml_kept._key(text)
    assert digest is not None
    body = pickle.dumps(({"a": Path("x")}, {}, {}))  # a class the reader must not make
    usercache.store(yaml_kept.KIND, digest, body, keep=yaml_kept.KEEP)
    assert yaml_kept.recalled(text, "t.yaml") is None
    usercache.store(yaml_kept.KIND, digest, pickle.dumps([1, 2, 3]), keep=yaml_kept.KEEP)
    assert yaml_kept.recalled(text, "t.yaml") is None  # not the kept shape
    _same(yaml_kept.fast_parse(text, Path("t.yaml")), _fresh(text, Path("t.yaml")))


def test_the_yaml_limits_are_part_of_the_key(cache: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    # beyond a lower limit the fast path steps aside (ruamel.yaml refuses the file): a parse
    # kept under the higher limit must not be read then
    text = "a:\n  b:\n    c: 1\n"
    assert yaml_kept.fast_parse(text, Path("t.yaml")) is not None
    assert yaml_kept.recalled(text, "t.yaml") is not None
    monkeypatch.setattr(yaml_kept, "MAX_YAML_DEPTH", 1)
    assert yaml_kept.recalled(text, "t.yaml") is None
    monkeypatch.setattr(yaml_kept, "MAX_YAML_DEPTH", yaml_fast.MAX_YAML_DEPTH)
    monkeypatch.setattr(yaml_kept, "MAX_YAML_NODES", 2)
    assert yaml_kept.recalled(text, "t.yaml") is None


def test_the_escape_hatch_reads_nothing_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: 1\n"
    assert yaml_kept.fast_parse(text, Path("t.yaml")) is not None
    assert yaml_kept.recalled(text, "t.yaml") is not None
    monkeypatch.setenv("GREENMINE_YAML_FAST", "0")  # always ruamel.yaml
    assert yaml_kept.fast_parse(text, Path("t.yaml")) is None


def test_without_a_cache_folder_the_fast_path_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(usercache.ENV, "none")
    text = "a: [1, 2]\nb: x\n"
    _same(yaml_kept.fast_parse(text, Path("t.yaml")), _fresh(text, Path("t.yaml")))
    assert yaml_kept.recalled(text, "t.yaml") is None


def test_a_batch_s_mine_is_parsed_without_the_cache(cache: Path, tmp_path: Path) -> None:
    # a batch reads each mine once a run and keeps its own results: nothing kept, nothing read
    from greenmine_docs import api
    from greenmine_docs.load import read_input

    mine = ROOT / "examples" / "shanxi-limestone" / "mine.yaml"
    text = decode_text(mine.read_bytes(), mine).text
    run = api.load(mine, kept_parse=False)
    assert run.model is not None
    assert yaml_kept.recalled(text, str(mine)) is None
    api.load(mine)  # a single command's input is kept
    assert yaml_kept.recalled(text, str(mine)) is not None
    usercache.store(yaml_kept.KIND, yaml_kept._key(text) or "", pickle.dumps(({"x": 1}, {}, {})),
                    keep=yaml_kept.KEEP)
    assert read_input(mine, kept=False).data == _fresh(text, mine)[0]  # the kept one not read
