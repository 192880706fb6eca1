"""A trial render for ``greenmine templates lint``: the tags of one part run in the sandbox.

Reading a tag cannot tell whether ``{{ 'a' * 10**9 }}``, ``'%99999d' % 1`` or two nested
``range(100000)`` loops go beyond the limits, or what a computed attribute name turns into:
lint therefore renders each part's tags once, with sample text for every variable and an opaque
value for the body, in the same sandbox and with the same limits as a real render
(:mod:`greenmine_docs.render.sandbox`). Refusals become findings at the tag that caused them —
GM-E713 for a limit, GM-E705 for a refused access; other errors (a sample value a filter cannot
convert, say) are not findings: the values at render time are different.
"""
from __future__ import annotations

from typing import Iterable

from .docx_tags import Tag, short

SAMPLE_TEXT = "示例文字"


def trial_findings(pieces: list[tuple[Tag, str]], variables: Iterable[str]
                   ) -> list[tuple[str, str, Tag]]:
    """(code, message, tag) for the refusals of rendering ``pieces`` — each tag with the Jinja
    source it contributes, in order — with sample values for ``variables``."""
    from jinja2.exceptions import SecurityError

    from .bounds import rendering
    from .jinja_env import make_env
    from .policy import Placeable, TemplateRefusal
    from .sandbox import StatementRefusal
    from .tplguard import template_line

    if not pieces:
        return []
    source, starts = _joined(pieces)
    context: dict[str, object] = {name: SAMPLE_TEXT for name in variables}
    if "body" in context:
        context["body"] = Placeable("subdoc", 0)
    try:
        with rendering(new=True):
            make_env().from_string(source).render(context)
    except (SecurityError, StatementRefusal) as e:
        tag = _tag_at(template_line(e), starts, pieces)
        if isinstance(e, TemplateRefusal) and e.kind == "limit":
            return [("GM-E713", f"标签“{short(tag.text)}”超出了计算限制：{e.message}", tag)]
        return [("GM-E705", f"标签“{short(tag.text)}”试图执行不允许的操作：{e.message}", tag)]
    except Exception:  # noqa: BLE001 — syntax: reported per tag; others: the sample values
        return []
    return []


def _joined(pieces: list[tuple[Tag, str]]) -> tuple[str, list[int]]:
    """The pieces' sources one per line, and the line each starts on."""
    starts, line = [], 1
    for _, src in pieces:
        starts.append(line)
        line += src.count("\n") + 1
    return "\n".join(src for _, src in pieces), starts


def _tag_at(lineno: int | None, starts: list[int], pieces: list[tuple[Tag, str]]) -> Tag:
    index = 0
    for i, start in enumerate(starts):
        if lineno is not None and start <= lineno:
            index = i
    return pieces[index][0]
