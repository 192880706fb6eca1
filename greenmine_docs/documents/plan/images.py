"""A check of the plan (declared in its spec): its Markdown narrative — its size, and the images
it refers to.

Size: each narrative text is measured before it is parsed
(:mod:`~greenmine_docs.safety.markdown_limits`): a table wider than Word allows, more
paragraphs, list items and cells (or markup characters) over the whole plan than the limits,
lists or quotes nested too deep — GM-E417 at the Markdown file's line (or the input's field),
and the text is not parsed further.

Images: ``![图题](photos/site.png)`` in a narrative becomes a figure when the plan is rendered.
A path that leaves the input's folder, a URL, a file that is no image (a ``.png`` that is really
text), a truncated file or a decompression bomb is reported here, with the narrative's
location, so the problem is a finding (GM-E407, the plan's "referenced file unusable") before
generation — not an error in the middle of it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ...errors import InputError
from ...findings import Finding, Location, make

if TYPE_CHECKING:
    from ...pipeline import Run
    from ...safety.markdown_limits import Problem


def markdown_images(text: str, tokens: list[Any] | None = None) -> list[str]:
    """The ``src`` of every image in Markdown ``text`` (the parser the renderer uses;
    ``tokens``: the text already parsed)."""
    if "![" not in text:  # no image syntax at all: skip the parser (and its import)
        return []
    out: list[str] = []

    def walk(tokens: Any) -> None:
        for tok in tokens or []:
            if tok.type == "image":
                out.append(str(tok.attrs.get("src", "")))
            walk(tok.children)

    if tokens is None:
        from ...safety.markdown_limits import parse

        tokens = parse(text)
    walk(tokens)
    return out


def image_problem(base: Path, src: str) -> str:
    """Why the image ``src`` (relative to ``base``) cannot go into the document; "" if it can."""
    from ...safety.images import inspect_image
    from ...safety.inputs import OUTSIDE, inside

    if "://" in src or src.startswith("data:"):
        return "不是本地文件（不会下载网络图片）"
    path = inside(base, src)
    if path is None:
        return "路径" + OUTSIDE
    check = inspect_image(path)
    return "" if check.ok else check.problem


def _narratives(ctx: "Run") -> Iterator[tuple[tuple[Any, ...], str]]:
    plan = ctx.submission.plan
    for key, value in (plan.narrative if plan is not None else {}).items():
        if isinstance(value, dict):
            for sub, text in value.items():
                if isinstance(text, str):
                    yield ("plan", "narrative", key, sub), text
        elif isinstance(value, str):
            yield ("plan", "narrative", key), value


def check(ctx: "Run") -> Iterator[Finding]:
    from ...safety.markdown_limits import Budget, might_nest, parse, scan, too_deep
    from .data import is_md_path, markdown_file

    budget, spent = Budget(), False
    for path, text in _narratives(ctx):
        file = None
        if is_md_path(text):
            location = ctx.at(*path)
            try:
                file, text = markdown_file(ctx, ctx.base_dir, text.strip(), location)
            except InputError:
                continue  # an unusable Markdown file is the plan checks' finding (GM-E407)
        if spent:
            continue  # over the plan's budget already: reported once, nothing more parsed
        problem = budget.take(scan(text))
        tokens = None
        if problem is None and ("![" in text or might_nest(text)):
            tokens = parse(text)
            problem = too_deep(tokens)
        if problem is not None:
            spent = problem.whole_plan
            yield _too_big(problem, ctx.at(*path), file)
            continue
        for src in markdown_images(text, tokens):
            problem_text = image_problem(ctx.base_dir, src)
            if problem_text:
                # the plan's code for "a file the plan refers to cannot be used": a plan
                # problem, which (unlike GM-E7xx) does not stop the assessment report
                yield make("GM-E407", f"叙述中引用的图片“{src[:80]}”无法使用：{problem_text}。",
                           location=ctx.at(*path),
                           hint="图片须是输入文件所在目录（或其子目录）中完整的 PNG/JPEG 文件，"
                                "且不超过大小和像素上限（GREENMINE_MAX_IMAGE_MB、"
                                "GREENMINE_MAX_IMAGE_MEGAPIXELS）。")


def _too_big(problem: "Problem", location: Location, file: Path | None) -> Finding:
    """GM-E417 at the Markdown file's line, or at the input's field (line named in the text)."""
    if file is not None:
        where = Location(file=str(file), line=problem.line, path=location.path)
        return make("GM-E417", f"{problem.message}。", location=where, hint=problem.hint)
    at = f"（文字第 {problem.line} 行）" if problem.line else ""
    return make("GM-E417", f"{problem.message}{at}。", location=location, hint=problem.hint)
