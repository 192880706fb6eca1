"""The last step of every command that writes Word documents: tables of contents written out,
and PDFs (``--pdf``) — one place for ``build``, ``plan`` and ``report``.

:func:`finish_documents` takes the rendered files (name -> bytes, nothing written yet) and
returns them with each DOCX's table of contents filled (:mod:`.toc`) — page numbers from
LibreOffice's layout where LibreOffice runs (:mod:`.office`), the headings alone otherwise — and,
with ``pdf``, a PDF beside each DOCX. Its notes say, in Chinese, what the user should know: how
the tables of contents were made and which fonts the PDFs use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from .office import Office, shared_office
from .pdf import missing_soffice
from .pdf_fonts import pdf_faces
from .toc import fill_tocs, has_toc

NO_PAGES = ("目录已列出各级标题，未填页码（未找到 LibreOffice）；在 Word 中打开文档会自动更新目录和页码，"
            "WPS 中右键目录选“更新域”。")
NO_UNO = ("目录已列出各级标题，未填页码（LibreOffice 自带的 Python 接口 uno 不可用）；在 Word 中打开文档"
          "会自动更新目录和页码。")


@dataclass
class Finished:
    files: dict[str, bytes]
    notes: list[str] = field(default_factory=list)
    pdf_faces: list[str] | None = None  # font faces the PDFs embed (pdffonts), when made


def finish_documents(files: dict[str, bytes], *, pdf: bool = False,
                     office: Office | None = None) -> Finished:
    """Fill the tables of contents of every DOCX in ``files`` and, with ``pdf``, add
    ``NAME.pdf`` for each ``NAME.docx``. Raises :class:`DependencyError` for ``pdf`` without
    LibreOffice (before any work)."""
    office = office or shared_office()
    if pdf and office is None:
        raise missing_soffice()
    out: dict[str, bytes] = {}
    notes: set[str] = set()
    faces: set[str] = set()
    for name, data in files.items():
        out[name] = data
        if PurePath(name).suffix.lower() != ".docx":
            continue
        toc = has_toc(data)
        if not toc and not pdf:
            continue
        if toc and (office is None or not office.lays_out()):
            out[name] = data = fill_tocs(data)  # the headings, without page numbers
            notes.add(NO_PAGES if office is None else NO_UNO)
            toc = False
        if office is None:
            continue
        converted = office.convert(data, name=PurePath(name).stem, pdf=pdf)
        if toc:
            out[name] = fill_tocs(data, converted.tocs)
        if converted.pdf is not None:
            out[str(PurePath(name).with_suffix(".pdf"))] = converted.pdf
            faces.update(pdf_faces(converted.pdf) or ())
    result = Finished(out, sorted(notes), sorted(faces) if pdf else None)
    if pdf and office is not None:
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
