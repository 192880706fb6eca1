"""One error hierarchy for the library; the CLI turns every one of them into exit code 2.

Errors are raised when an input or an option cannot be used at all. Problems *inside* a usable
input are not errors but :class:`greenmine_docs.findings.Finding` objects collected in a report.
"""
from __future__ import annotations


class GreenmineError(Exception):
    """Base of every error the library raises on purpose. ``message`` is Chinese, user-facing."""

    def __init__(self, message: str, *, hint: str = "", location: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def __str__(self) -> str:
        parts = [f"{self.location}：{self.message}" if self.location else self.message]
        if self.hint:
            parts.append(f"处理建议：{self.hint}")
        return "\n".join(parts)


class InputError(GreenmineError, ValueError):
    """An input file cannot be read: missing, empty, binary, wrong encoding, broken syntax."""


class ConfigError(GreenmineError, ValueError):
    """An indicator set, outline or template configuration is unusable."""


class TemplateError(GreenmineError):
    """A DOCX/XLSX template is broken (unbalanced tags, unknown variables...)."""


class OutputError(GreenmineError, OSError):
    """An output cannot be written (exists without --force, would overwrite an input...)."""


class DependencyError(GreenmineError, RuntimeError):
    """An optional external program (LibreOffice, pandoc) is missing."""
