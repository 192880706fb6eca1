"""The last step of every command that writes Word documents: tables of contents written out,
and PDFs (``--pdf``) — one place for ``build``, ``plan`` and ``report``.

:func:`finish_documents` takes the rendered files (name -> bytes, nothing written yet) and
returns them with each DOCX's table of contents filled (:mod:`.toc`) and, with ``pdf``, a PDF
beside each DOCX. Its notes say, in Chinese, what the user should know: how the tables of
contents were made and which fonts the PDFs use.

LibreOffice runs only when it is asked for — ``pdf``, or ``toc_pages`` (``--toc-pages``) — and
then gives the page numbers of its layout to the tables of contents (:mod:`.office`: one
LibreOffice per process, kept running for a whole build or batch worker). Otherwise the tables of
contents list the headings without page numbers: laying a document out only for its page numbers
costs seconds a document (a build of the example 2.7 → 8.9 s), while Word fills the numbers in
itself when it opens the document (the field is marked dirty) and the PDF, the one form read
without Word, always has them. A document LibreOffice crashes or hangs on keeps its headings-only
table of contents, gets no PDF and is listed in :attr:`Finished.failed`; the other documents go on.
"""
from __future__ import annotations

from dataclasses import field
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..frozen import record
from .pdf import find_soffice, missing_soffice
from .toc import fill_tocs, has_toc

if TYPE_CHECKING:
    from .office import ConversionFailed, Office

NO_PAGES = ("目录已列出各级标题，未填页码（未找到 LibreOffice）；在 Word 中打开文档会自动更新目录和页码，"
            "WPS 中右键目录选“更新域”。")
NOT_ASKED = ("目录已列出各级标题，未填页码；在 Word 中打开文档会自动更新目录和页码，WPS 中右键目录选“更新域”。"
             "需要页码时加 --toc-pages（或 --pdf）由 LibreOffice 排版后填入。")
NO_UNO = ("目录已列出各级标题，未填页码（LibreOffice 自带的 Python 接口 uno 不可用）；在 Word 中打开文档"
          "会自动更新目录和页码。")


@record
class Finished:
    files: dict[str, bytes]
    notes: list[str] = field(default_factory=list)
    pdf_faces: list[str] | None = None  # font faces the PDFs embed (pdffonts), when made
    failed: dict[str, ConversionFailed] = field(default_factory=dict)  # DOCX name -> why


def finish_documents(files: dict[str, bytes], *, pdf: bool = False, toc_pages: bool = False,
                     office: Office | None = None) -> Finished:
    """Fill the tables of contents of every DOCX in ``files`` (with the page numbers of
    LibreOffice's layout when ``pdf`` or ``toc_pages``) and, with ``pdf``, add ``NAME.pdf`` for
    each ``NAME.docx``. Raises :class:`DependencyError` for ``pdf`` without LibreOffice (before
    any work). LibreOffice's side (:mod:`.office`) is imported only when asked for."""
    if not (pdf or toc_pages):
        return _headings_only(files)
    from .office import shared_office

    office = office or shared_office()
    if office is None:
        raise missing_soffice()
    return _laid_out(files, office, pdf=pdf)


def _headings_only(files: dict[str, bytes]) -> Finished:
    """The tables of contents with their headings, without page numbers."""
    result = Finished(dict(files))
    notes: set[str] = set()
    for name, data in files.items():
        if PurePath(name).suffix.lower() != ".docx":
            continue
        filled = result.files[name] = fill_tocs(data)  # ``data`` itself: no TOC
        if (filled is not data or getattr(data, "tocs_filled", False)) and not notes:
            # (once: looking for LibreOffice is a walk of PATH, ~9 stat calls)
            notes.add(NOT_ASKED if find_soffice() is not None else NO_PAGES)
    result.notes = sorted(notes)
    return result


def _laid_out(files: dict[str, bytes], office: Office, *, pdf: bool) -> Finished:
    """The tables of contents with the page numbers of ``office``'s layout, and the PDFs
    with ``pdf``."""
    from .office import ConversionFailed
    from .pdf_fonts import pdf_faces

    result = Finished({})
    notes: set[str] = set()
    faces: set[str] = set()
    for name, data in files.items():
        result.files[name] = data
        if PurePath(name).suffix.lower() != ".docx":
            continue
        toc = has_toc(data)
        if not toc and not pdf:
            continue
        if toc and not office.lays_out():
            result.files[name] = data = fill_tocs(data)
            notes.add(NO_UNO)
            toc = False
        try:
            converted = office.convert(data, name=PurePath(name).stem, pdf=pdf)
        except ConversionFailed as e:
            result.failed[name] = e
            if toc:
                result.files[name] = fill_tocs(data)
            continue
        if toc:
            result.files[name] = fill_tocs(data, converted.tocs)
        if converted.pdf is not None:
            result.files[str(PurePath(name).with_suffix(".pdf"))] = converted.pdf
            faces.update(pdf_faces(converted.pdf) or ())
    result.notes = sorted(notes)
    if pdf:
        result.pdf_faces = sorted(faces)
        result.notes.append(_font_note(office, result.pdf_faces))
    return result


def _font_note(office: Office, faces: list[str] | None) -> str:
    plan = office.fonts
    if not plan.known:
        used = "未能列出本机字体（没有 fc-list），未替换字体"
    else:
        used = plan.summary() or "文档所用字体本机均已安装，未替换"
    embedded = f"；PDF 中嵌入：{'、'.join(faces)}" if faces else ""
    return f"PDF 字体：{used}{embedded}。"
