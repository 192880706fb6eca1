"""greenmine-docs: validate, score and generate China's green-mine (绿色矿山) documents.

Library API (the CLI is a thin layer over these):

- :func:`greenmine_docs.api.load` — read a YAML or Excel input into a ``Submission``
- :func:`greenmine_docs.api.validate` — all findings about an input, as a ``Report``
- :func:`greenmine_docs.api.build` — validate, then write every supported document
"""
from __future__ import annotations

# the package version (pyproject.toml reads it from here); a literal, because looking it up
# with importlib.metadata costs about 50 ms at every start of the command
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: keep `import greenmine_docs` (and --help) fast
    if name in ("load", "validate", "build"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
