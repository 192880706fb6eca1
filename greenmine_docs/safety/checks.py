"""Section check (``SECTION_CHECKS``): images that the plan's Markdown narrative refers to.

``![图题](photos/site.png)`` in a narrative becomes a figure when the plan is rendered. A path
that leaves the input's folder, a URL, a file that is no image (a ``.png`` that is really
text), a truncated file or a decompression bomb is reported here, with the narrative's
location, so the problem is a finding (GM-E407, the plan's "referenced file unusable") before
generation — not an error in the middle of it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import InputError
from ..findings import Finding, make

if TYPE_CHECKING:
    from ..checks.context import CheckContext


def markdown_images(text: str) -> list[str]:
    """The ``src`` of every image in Markdown ``text`` (the parser the renderer uses)."""
    if "![" not in text:  # no image syntax at all: skip the parser (and its import)
        return []
    parser = _parser()
    out: list[str] = []

    def walk(tokens: Any) -> None:
        for tok in tokens or []:
            if tok.type == "image":
                out.append(str(tok.attrs.get("src", "")))
            walk(tok.children)

    walk(parser.parse(text))
    return out


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def image_problem(base: Path, src: str) -> str:
    """Why the image ``src`` (relative to ``base``) cannot go into the document; "" if it can."""
    from .images import inspect_image

    if "://" in src or src.startswith("data:"):
        return "不是本地文件（不会下载网络图片）"
    root = base.resolve()
    try:
        path = (root / src).resolve()
    except (OSError, ValueError):
        return "路径无法识别"
    if path != root and root not in path.parents:
        return "路径指向输入文件所在目录之外"
    check = inspect_image(path)
    return "" if check.ok else check.problem


def _narratives(ctx: "CheckContext") -> Iterator[tuple[tuple[Any, ...], str]]:
    plan = ctx.submission.plan
    for key, value in (plan.narrative if plan is not None else {}).items():
        if isinstance(value, dict):
            for sub, text in value.items():
                if isinstance(text, str):
                    yield ("plan", "narrative", key, sub), text
        elif isinstance(value, str):
            yield ("plan", "narrative", key), value


def check(ctx: "CheckContext") -> Iterator[Finding]:
    from ..plan.data import is_md_path, read_markdown, resolve_inside

    for path, text in _narratives(ctx):
        location = ctx.at(*path)
        if is_md_path(text):
            try:
                text = read_markdown(resolve_inside(ctx.base_dir, text.strip(), location),
                                     location)
            except InputError:
                continue  # an unusable Markdown file is the plan checks' finding (GM-E407)
        for src in markdown_images(text):
            problem = image_problem(ctx.base_dir, src)
            if problem:
                # the plan's code for "a file the plan refers to cannot be used": a plan
                # problem, which (unlike GM-E7xx) does not stop the assessment report
                yield make("GM-E407", f"叙述中引用的图片“{src[:80]}”无法使用：{problem}。",
                           location=location,
                           hint="图片须是输入文件所在目录（或其子目录）中完整的 PNG/JPEG 文件，"
                                "且不超过大小和像素上限（GREENMINE_MAX_IMAGE_MB、"
                                "GREENMINE_MAX_IMAGE_MEGAPIXELS）。")
