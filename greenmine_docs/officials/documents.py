"""One entry for the documents ``check`` and ``diff`` read: a Word file (.docx) or a PDF,
as the same :class:`~.structure.Structure`."""
from __future__ import annotations

from pathlib import Path

from .docx_structure import read_structure
from .structure import Structure


def is_pdf(path: Path) -> bool:
    from ..errors import InputError
    from ..safety.inputs import open_regular

    if path.suffix.lower() == ".pdf":
        return True
    try:  # a FIFO or a device is not opened (it would block): the Word check refuses it
        with open_regular(path) as fh:
            return fh.read(5) == b"%PDF-"
    except (InputError, OSError):
        return False


def check_file(path: Path) -> None:
    """A clear :class:`InputError` for a file that cannot be read, before any is read."""
    from .docx_package import check_word_file
    from .pdf_structure import check_pdf_file

    (check_pdf_file if is_pdf(path) else check_word_file)(path)


def read_document(path: str | Path, *, known_titles: dict[str, str] | None = None) -> Structure:
    path = Path(path)
    if is_pdf(path):
        from .pdf_structure import read_pdf

        return read_pdf(path, known_titles=known_titles)
    return read_structure(path, known_titles=known_titles)
