"""Names a package exports but imports from its modules only when first asked for (PEP 562).

A package whose ``__init__`` imported every module it exports would load them all for any one
of them: the mines-table reader would bring openpyxl's writers, a build without ``--pdf`` the
LibreOffice session. Such a package sets ``__getattr__ = lazy_exports(__name__, homes)``.
"""
from __future__ import annotations

import sys
from importlib import import_module
from typing import Any, Callable


def lazy_exports(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``homes`` (name -> module under
    ``package``) imported from its module when first asked for, then kept in the package."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{home}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
