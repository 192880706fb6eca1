"""Template rendering: the one sandboxed Jinja environment (:mod:`.jinja_env`)."""
from .jinja_env import make_env, render_string

__all__ = ["make_env", "render_string"]
