"""Registry of the documents ``greenmine build`` can write.

Each document module exposes ``DOCUMENT = DocumentSpec(...)``. ``render`` returns the files as
bytes (name -> content) so that everything is rendered before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..checks.context import CheckContext


@dataclass(frozen=True)
class DocumentSpec:
    key: str  # "plan", "selfcheck", "report", ...
    title: str  # Chinese, for messages and the manifest
    supports: Callable[["CheckContext"], bool]
    render: Callable[["CheckContext"], dict[str, bytes]]


DOCUMENT_MODULES = (
    "greenmine_docs.documents.plan.document",
    "greenmine_docs.documents.selfcheck.document",
    "greenmine_docs.documents.assessment.document",
)


def registered() -> list[DocumentSpec]:
    out = []
    for name in DOCUMENT_MODULES:
        try:
            mod = import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name):
                continue  # that document is not written yet
            raise
        out.append(mod.DOCUMENT)
    return out
