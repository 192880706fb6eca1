"""Rendering DOCX templates, safely: the one sandboxed Jinja environment (:mod:`.jinja_env`,
:mod:`.sandbox`, :mod:`.policy`, :mod:`.bounds`), templates opened and rendered
(:mod:`.tpl`: ``open_template``, ``render_template``) through the guarded docxtpl class
(:mod:`.tplguard`), and the checks of a user's template (:mod:`.template_lint` with
:mod:`.docx_tags`, :mod:`.template_access`, :mod:`.template_trial`, :mod:`.template_package`).
Above :mod:`greenmine_docs.docx` (the layout helpers) and :mod:`greenmine_docs.safety`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .jinja_env import make_env, render_string

__all__ = ["make_env", "render_string"]

# the documents' outlines (:mod:`.outline`), which the checks read, need no Jinja: validating
# does not import it (jinja2 and markupsafe, ~20 ms of a new process)
__getattr__ = lazy_exports(__name__, {"make_env": "jinja_env", "render_string": "jinja_env"})
