"""The libyaml fast path of read_yaml must give exactly what the ruamel.yaml path gives: the
same values (types included), value positions and key positions — or step aside (None)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenmine_docs.errors import InputError
from greenmine_docs.load import yaml_fast
from greenmine_docs.load.text import decode_text
from greenmine_docs.load.yaml_input import parse, parse_ruamel, read_yaml

ROOT = Path(__file__).resolve().parents[1]


def assert_same(text: str, source: Path = Path("t.yaml"), *, fast_expected: bool = True):
    fast = yaml_fast.parse(text, source)
    if fast is None:
        assert not fast_expected, "the fast path stepped aside"
        return
    data, positions, keys = parse_ruamel(text, source)
    assert repr(fast[0]) == repr(data)  # repr: int vs float vs bool vs str differences show
    assert fast[0] == data
    assert fast[1] == positions
    assert fast[2] == keys


def repo_yaml_files() -> list[Path]:
    out = []
    for pattern in ("examples/**/*.yaml", "templates/**/*.yaml", "greenmine_docs/**/*.yaml",
                    "tests/**/*.yaml"):
        out.extend(sorted(ROOT.glob(pattern)))
    return out


@pytest.mark.parametrize("path", repo_yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_in_the_repository(path: Path) -> None:
    try:
        text = decode_text(path.read_bytes(), path).text
    except InputError:
        return  # not text at all (an empty-file fixture): read_yaml stops before parsing
    # the inputs people write and the data we ship take the fast path; files broken on
    # purpose (alias bombs, deep nesting) must be left to the guarded ruamel.yaml path
    shipped = path.parts[len(ROOT.parts)] in ("examples", "templates", "greenmine_docs")
    if yaml_fast.parse(text, path) is None:
        assert not shipped
        try:  # the ruamel.yaml path reads it, or refuses it with a located message
            read_yaml(path)
        except InputError as e:
            assert e.message
        return
    assert_same(text, path)


EDGE_CASES = [
    "a: 1\nb: 1.50\nc: true\nd: ~\ne:\nf: 2023-09-20\ng: 2029-13-12\nh: 0123\ni: 0o17\n"
    "j: 1_000\nk: yes\nl: 'on'\nm: .inf\nn: 0x1F\no: +12\np: 1e3\nq: 12:30\nr: 2023-10\n",
    "list:\n  - 1\n  - two\n  -\n  - [a, 'b', \"c\\td\"]\n  - {x: 1, y: [2, 3]}\n"
    "  - - nested\n    - list\n",
    "text: |\n  line one\n    indented\n  line three\n\nfolded: >-\n  a\n  b\n\n  c\n"
    "keep: |+\n  kept\n\nstrip: |-\n  stripped\nindicator: |2\n    two extra\n",
    "plain: this is\n  a multi-line\n  plain scalar\nquoted: \"esc \\u4e2d \\x41 \\n\"\n"
    "single: 'it''s'\n",
    "# comment\n---\nkey: value  # trailing\n...\n",
    "'1.1.2': {score: 13, note: 中文}\n1.1.3: 12\n2024: 120.00\ntrue: 1\nnull: 2\n"
    "2023-09-20: d\n1.10: f\n",
    "a:\n  b:\n    c:\n      d: deep\n  e: []\n  f: {}\n",
    "key:\r\n  - crlf\r\n  - lines\r\n",
    "empty_doc_value: ''\nspaces: '  padded  '\nunicode: \u3000全角\u3000\n",
]

FALLBACKS = [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",  # merge key
    "a: !!str 1\n",  # explicit tag
    "%YAML 1.1\n---\na: yes\n",  # directive
    "a: 1\n---\nb: 2\n",  # two documents
    "? [a, b]\n: complex key\n",
    "- a\n- b\n",  # root is a list: ruamel words the error
    "just text\n",
    "",
    "# only a comment\n",
    "0: >#\n", "a: |-#\n  x\n",  # a comment right after a block scalar's header: ruamel refuses
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_agree(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("text", FALLBACKS)
def test_unusual_yaml_is_left_to_ruamel(text: str) -> None:
    assert yaml_fast.parse(text, Path("t.yaml")) is None


def test_keys_that_are_one_as_text_are_left_to_ruamel() -> None:
    """1 and "1" are two keys to YAML and one to the plain data: ruamel's path decides."""
    assert yaml_fast.parse('1: a\n"1": b\n', Path("t.yaml")) is None
    assert yaml_fast.parse("a:\n  x: 1\n  x: 2\n", Path("t.yaml")) is None
    assert_same("a:\n  x: 1\nb:\n  x: 2\n")  # the same key in two mappings


@pytest.mark.parametrize("text,nodes,depth", [
    ("a: 1\nb: [2, 3]\nc: {d: 4}\n", 7, 2),  # root, 1, list, 2, 3, mapping, 4
    ("a:\n- x: 1\n  y: [1, 2]\n", 7, 4),
])
def test_the_node_and_depth_limits_send_the_text_to_ruamel(monkeypatch, text, nodes, depth):
    """At the limits the fast path reads the text; one node or level over, ruamel.yaml does
    (and reports it). ``depth`` is the deepest value's level."""
    assert_same(text)
    monkeypatch.setattr(yaml_fast, "MAX_YAML_NODES", nodes)
    monkeypatch.setattr(yaml_fast, "MAX_YAML_DEPTH", depth)
    assert yaml_fast.parse(text, Path("t.yaml")) is not None
    monkeypatch.setattr(yaml_fast, "MAX_YAML_NODES", nodes - 1)
    assert yaml_fast.parse(text, Path("t.yaml")) is None
    monkeypatch.setattr(yaml_fast, "MAX_YAML_NODES", nodes)
    monkeypatch.setattr(yaml_fast, "MAX_YAML_DEPTH", depth - 1)
    assert yaml_fast.parse(text, Path("t.yaml")) is None


def test_typed_scalars_are_kept_and_give_the_same_values() -> None:
    """Numbers, dates and words are typed once per process and read back the same; a date
    is a new object each time (one object twice in the data becomes an anchor and an alias
    when dumped); short text that starts like one is kept as text (keys, item ids), longer
    text that only starts like a number is not, nor merge keys (the fast path steps aside)."""
    import yaml

    text = ("a: 12\nb: 0.25\nc: 2023-09-20\nd: true\ne: 2023年矿山地质环境年度检查\nf: ~\n"
            "g: 2023-09-20\nh: 1234567\ni: 1234567\nname: 1.1.2\nj: 2023年检查\n")
    first = yaml_fast.parse(text, Path("t.yaml"))
    assert first is not None
    assert {"12", "0.25", "true", "~", "1234567", "2023-09-20"} <= set(yaml_fast._TYPED)
    assert yaml_fast._TYPED["name"] == "name" and yaml_fast._TYPED["1.1.2"] == "1.1.2"
    assert yaml_fast._TYPED["2023年检查"] == "2023年检查"
    assert "2023年矿山地质环境年度检查" not in yaml_fast._TYPED
    assert first[0]["name"] == "1.1.2" and first[0]["j"] == "2023年检查"
    assert first[0]["c"] == first[0]["g"] == dt.date(2023, 9, 20)
    assert first[0]["c"] is not first[0]["g"]
    assert "&" not in yaml.safe_dump(first[0])  # nothing shared that a dumper would alias
    again = yaml_fast.parse(text, Path("t.yaml"))
    assert again is not None and repr(again[0]) == repr(first[0])
    assert_same(text)
    assert yaml_fast.parse("<<: {a: 1}\n", Path("t.yaml")) is None
    assert "<<" not in yaml_fast._TYPED
    assert yaml_fast.parse("<<: {a: 1}\n", Path("t.yaml")) is None


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: [1, 2\n", "a:\n\t- tab\n", "a: b: c\n",
                                  "a: \"unterminated\n"])
def test_errors_keep_ruamel_messages(tmp_path: Path, text: str) -> None:
    assert yaml_fast.parse(text, Path("t.yaml")) is None
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_yaml(f)
    assert "行" in e.value.message or "YAML" in e.value.message


def test_read_yaml_uses_the_fast_path_and_can_be_switched_off(tmp_path: Path,
                                                              monkeypatch) -> None:
    f = tmp_path / "in.yaml"
    f.write_text("mine:\n  name: 青岚矿\n  staff: 0186\n  valid_to: 2029-06-12\n",
                 encoding="utf-8")
    fast = read_yaml(f)
    monkeypatch.setenv("GREENMINE_YAML_FAST", "0")
    assert yaml_fast.parse(f.read_text(encoding="utf-8"), f) is None
    slow = read_yaml(f)
    assert fast.data == slow.data == {"mine": {"name": "青岚矿", "staff": slow.data["mine"]["staff"],
                                               "valid_to": dt.date(2029, 6, 12)}}
    assert fast.positions == slow.positions and fast.key_positions == slow.key_positions
    assert str(fast.locate(("mine", "valid_to"))).endswith(":4:13 [mine.valid_to]") or \
        fast.locate(("mine", "valid_to")).line == 4


# -- generated documents ------------------------------------------------------------------
_text = st.text(st.sampled_from(list("ab 中文:#-'\"\\\t{}[],&*!|>%@`?=~\u3000.0123456789eE+_x")),
                max_size=12)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                     st.floats(allow_nan=False, allow_infinity=False, width=32),
                     st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), _text)
_keys = st.one_of(_text.filter(lambda s: s.strip() != ""), st.integers(0, 3000))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=20)
_docs = st.dictionaries(_keys, _values, min_size=1, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_docs, flow=st.sampled_from([False, None]), width=st.sampled_from([20, 80, 4096]),
       style=st.sampled_from([None, "'", '"', "|"]))
def test_generated_documents_agree(doc, flow, width, style) -> None:
    import yaml

    text = yaml.dump(doc, Dumper=yaml.SafeDumper, allow_unicode=True, default_flow_style=flow,
                     width=width, default_style=style if style != "|" else None, sort_keys=False)
    try:
        parse_ruamel(text, Path("t.yaml"))
    except InputError:
        assert yaml_fast.parse(text, Path("t.yaml")) is None
        return
    assert_same(text, fast_expected=False)


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(list("ab:- #'\"\n\t{}[],|>&*!?%~0123.\\中")), max_size=40))
def test_arbitrary_text_never_disagrees(text: str) -> None:
    try:
        reference = parse_ruamel(text, Path("t.yaml"))
    except (InputError, AttributeError, TypeError):
        reference = None
    fast = yaml_fast.parse(text, Path("t.yaml"))
    if fast is None:
        return
    assert reference is not None, "the fast path accepted text the ruamel path rejects"
    assert repr(fast[0]) == repr(reference[0])
    assert fast[1] == reference[1] and fast[2] == reference[2]


# -- hand-shaped documents: empty values, comments, nested lists, CRLF ---------------------
_SCALARS = ["1", "0123", "1.50", "yes", "true", "~", "", "2023-09-20", "中文值", "'q'", '"d\\n"',
            "a b c", "|\n{ind}  lit\n{ind}  eral", ">-\n{ind}  fo\n{ind}  ld", "[1, 2]",
            "{x: 1}", "[]", "{}", "null", "x # c", "2024-13-40", "-1.5e3", "'it''s'", "0x1f",
            "1.1.2", "-1.2.3", "1..2", "1.2.3e4", "2023.09.20", ".1.2", "..."]


def _lines(rnd, ind: str, depth: int) -> list[str]:
    lines = []
    for k in range(rnd.randint(1, 4)):
        key = rnd.choice(["a", "key", "中", "1.1.2", "2024", "'q k'", "c d", "true"]) + str(k)
        r = rnd.random()
        if r < 0.2 and depth < 3:  # a nested mapping
            lines.append(f"{ind}{key}:" + rnd.choice(["", "  # c", " "]))
            if rnd.random() < 0.3:
                lines.append(rnd.choice(["", "# x", ind + "  # y"]))
            lines += _lines(rnd, ind + rnd.choice(["  ", "    "]), depth + 1)
        elif r < 0.35 and depth < 3:  # a list (indented or not), with empty items
            lines.append(f"{ind}{key}:" + rnd.choice(["", "  # c"]))
            sind = ind + rnd.choice(["", "  "])
            for _ in range(rnd.randint(1, 3)):
                rr = rnd.random()
                if rr < 0.3:
                    lines.append(f"{sind}-" + rnd.choice(["", " ", "  # c"]))
                elif rr < 0.6 and depth < 2:
                    sub = _lines(rnd, sind + "  ", depth + 1)
                    sub[0] = sind + "- " + sub[0][len(sind) + 2:]
                    lines += sub
                else:
                    lines.append(f"{sind}- " + rnd.choice(_SCALARS).replace("{ind}", sind + "  "))
                if rnd.random() < 0.2:
                    lines.append(rnd.choice(["", "# z", sind + "# w"]))
        else:  # a scalar (maybe empty), maybe a comment after it or on the next line
            v = rnd.choice(_SCALARS).replace("{ind}", ind)
            lines.append(f"{ind}{key}:" + ("" if v == "" else " " + v)
                         + rnd.choice(["", "", "  # e"]))
            if rnd.random() < 0.15:
                lines.append(rnd.choice(["", "# x", ind + "# y"]))
    return lines


@pytest.mark.parametrize("seed", range(4))
def test_hand_shaped_documents_agree(seed: int) -> None:
    import random

    rnd = random.Random(seed)
    accepted = 0
    for _ in range(150):
        text = "\n".join(_lines(rnd, "", 0)) + rnd.choice(["\n", "", "\n\n"])
        if rnd.random() < 0.2:
            text = text.replace("\n", "\r\n")
        fast = yaml_fast.parse(text, Path("t.yaml"))
        try:
            reference = parse_ruamel(text, Path("t.yaml"))
        except InputError:
            assert fast is None, "the fast path accepted text the ruamel path rejects:\n" + text
            continue
        assert fast is not None, text
        accepted += 1
        assert repr(fast[0]) == repr(reference[0]), text
        assert fast[1] == reference[1], text
        assert fast[2] == reference[2], text
    assert accepted > 50


def test_copied_resolver_patterns_are_still_ruamels() -> None:
    """The fast path types plain scalars with copies of ruamel.yaml's YAML 1.2 patterns for
    numbers and dates; a ruamel.yaml upgrade that changes them must fail here."""
    from ruamel.yaml.resolver import implicit_resolvers

    ours = {"tag:yaml.org,2002:float": yaml_fast._RUAMEL_FLOAT,
            "tag:yaml.org,2002:int": yaml_fast._RUAMEL_INT,
            "tag:yaml.org,2002:timestamp": yaml_fast._RUAMEL_TIMESTAMP}
    for versions, tag, regexp, _first in implicit_resolvers:
        if (1, 2) in versions and tag in ours:
            assert regexp.pattern == ours[tag].pattern, tag


@pytest.mark.parametrize("value", ["0", "-0", "+12", "186", "0186", "1_000", "0x1F", "0o17",
                                   "1.50", "1.", ".5", "1e3", "-1.5E+3", ".inf", "-.Inf", ".nan",
                                   "2023-09-20", "2023-9-20", "2029-13-12", "2023-09-20 10:30:00",
                                   "2023-09-20T10:30:00Z", "1.1.2", "0358-3021166", "91141100MA",
                                   "true", "True", "TRUE", "tRue", "yes", "no", "on", "null", "Null",
                                   "~", "nan", "name", "full_time", "<", "=x", "-", "- x", "+",
                                   "12:30", "1:20:30", "中文", "3.0", "-3.25"])
def test_plain_scalars_typed_like_ruamel(value: str) -> None:
    for text in (f"k: {value}\n", f"{value}: v\n"):
        try:
            parse_ruamel(text, Path("t.yaml"))
        except InputError:  # "- x" as a key: a syntax error on both paths
            assert yaml_fast.parse(text, Path("t.yaml")) is None
            continue
        assert_same(text)


@pytest.mark.parametrize("text", ["a: 1\nb: [x, 2023-09-20]\n", "a: &x 1\nb: *x\n",
                                  "? a\n: 1\n"])
def test_the_one_parse_takes_either_way_to_the_same_result(text: str) -> None:
    """``parse`` is what every YAML read goes through: the fast path where it applies (the
    first text), ruamel.yaml where it steps aside (an alias, a tag) — the same result."""
    assert (yaml_fast.parse(text, Path("t.yaml")) is None) == (text != "a: 1\nb: [x, 2023-09-20]\n")
    data, positions, keys = parse(text, Path("t.yaml"))
    reference = parse_ruamel(text, Path("t.yaml"))
    assert (data, dict(positions), dict(keys)) == (reference[0], dict(reference[1]),
                                                  dict(reference[2]))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab :-?\n\r\t\x85\u2028\u2029 #")), max_size=40))
def test_the_unusual_test_is_the_patterns(text: str) -> None:
    """The substring scans before the pattern find exactly what the pattern finds."""
    assert yaml_fast._unusual(text) is (yaml_fast._UNUSUAL.search(text) is not None)
