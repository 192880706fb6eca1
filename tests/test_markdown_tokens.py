"""Narrative tokens kept in the user's cache folder by the text's content
(``safety.markdown_tokens``): read back with every attribute markdown-it-py gave them."""
from __future__ import annotations

from pathlib import Path

import pytest

from greenmine_docs import usercache
from greenmine_docs.safety import markdown_limits, markdown_tokens

EXAMPLE_PLAN = Path(__file__).resolve().parents[1] / "examples" / "shanxi-limestone" / "plan"

SAMPLE = """# 一、概况

矿区位于**山西省**，采用*露天*开采，`台阶`高度 15 m。\\
第二行 <b>不是 HTML</b> & 符号。

1. 第一项
2. 第二项
   - 嵌套 [链接](https://example.org "题")
   - ![总平面图](plan/site-layout.png "图题")

> 引用的一段

| 指标 | 数值 |
|:---|---:|
| 复垦率 | 67% |

```text
代码块
```

---
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-cache"
    monkeypatch.setenv(usercache.ENV, str(folder))
    return folder


def _fields(tokens: list) -> list:
    return [[_fields(tok.children) if name == "children" and tok.children is not None
             else getattr(tok, name) for name in markdown_tokens.FIELDS] for tok in tokens]


@pytest.mark.parametrize("text", [SAMPLE, *(p.read_text("utf-8") for p in
                                            sorted(EXAMPLE_PLAN.glob("*.md")))])
def test_kept_tokens_are_the_parsers_field_by_field(cache: Path, text: str) -> None:
    parsed = markdown_limits._parser().parse(text)
    assert markdown_tokens.recalled(text) is None
    assert markdown_tokens.keep(text, parsed) is parsed
    kept = markdown_tokens.recalled(text)
    assert kept is not None and not isinstance(kept[0], type(parsed[0]))
    assert _fields(kept) == _fields(parsed)
    assert set(markdown_tokens.FIELDS) <= set(type(parsed[0]).__dataclass_fields__)


def test_the_next_process_parses_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = markdown_limits.parse(SAMPLE)
    markdown_limits._kept.cache_clear()
    monkeypatch.setattr(markdown_limits, "_parser", lambda: pytest.fail("parsed again"))
    assert _fields(markdown_limits.parse(SAMPLE)) == _fields(first)
    markdown_limits._kept.cache_clear()


@pytest.mark.parametrize("body", [b"{}", b"[[1, 2]]", b'[["text", "", 0]]', b"not json",
                                  b'[["text", "", 0, {}, null, 0, [["x"]], "", "", "", {}, '
                                  b'false, false]]'])
def test_a_kept_body_that_is_not_a_token_list_is_not_taken(cache: Path, body: bytes) -> None:
    markdown_tokens.keep(SAMPLE, markdown_limits._parser().parse(SAMPLE))
    (entry,) = (cache / markdown_tokens.KIND).iterdir()
    usercache.store_entry(entry, body, None)
    assert markdown_tokens.recalled(SAMPLE) is None


def test_tokens_with_meta_are_not_kept(cache: Path) -> None:
    tokens = markdown_limits._parser().parse("段落")
    tokens[0].meta = {1: "a plug-in's"}
    assert markdown_tokens.keep("段落", tokens) is tokens
    assert not (cache / markdown_tokens.KIND).exists()
