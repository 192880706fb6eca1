"""DOCX -> PDF through LibreOffice.

Preferred path: a Python that can ``import uno`` (LibreOffice's bundled one on Windows/macOS,
``python3`` with python3-uno on Linux) runs :mod:`._lo_uno`, which updates the table of contents
before exporting — plain ``soffice --convert-to pdf`` shows the TOC field's cached text only.
Fallback: ``soffice --headless --convert-to pdf`` (then the PDF's TOC is the cached one, and
:func:`docx_bytes_to_pdf` says so through ``PdfResult.toc_updated``).

LibreOffice always runs with a throw-away user profile (an open desktop LibreOffice does not
block it) and a timeout. It fetches nothing a document links to: external links other than
hyperlinks are removed from the document first (:func:`.external.strip_external`), and the
profile blocks linked content of documents from untrusted places (``BlockUntrustedRefererLinks``;
every place is untrusted in a fresh profile). When LibreOffice is missing,
:class:`DependencyError` says how to install it.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DependencyError, OutputError

_CANDIDATES = (
    "soffice", "libreoffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    toc_updated: bool  # the table of contents was rebuilt by LibreOffice before export


def find_soffice() -> str | None:
    """Path of the LibreOffice executable (``GREENMINE_SOFFICE`` wins), or None."""
    env = os.environ.get("GREENMINE_SOFFICE")
    if env:
        return shutil.which(env) or (env if Path(env).exists() else None)
    for name in _CANDIDATES:
        found = shutil.which(name) or (name if os.path.isabs(name) and Path(name).exists() else None)
        if found:
            return found
    return None


@functools.lru_cache(maxsize=4)
def find_uno_python(soffice: str) -> str | None:
    """A Python interpreter that can ``import uno`` (``GREENMINE_UNO_PYTHON`` wins)."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [os.environ.get("GREENMINE_UNO_PYTHON", ""),
                  str(program / "python.exe"), str(program / "python"),
                  str(program.parent / "Resources" / "python"),
                  "/usr/bin/python3", shutil.which("python3") or ""]
    for cand in candidates:
        if not cand or not Path(cand).exists():
            continue
        try:
            ok = subprocess.run([cand, "-c", "import uno"], capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            return cand
    return None


def missing_soffice() -> DependencyError:
    return DependencyError(
        "未找到 LibreOffice（soffice），无法转换为 PDF。DOCX 文件不受影响。",
        hint="请安装 LibreOffice（Debian/Ubuntu：apt install libreoffice-writer；Windows/macOS："
             "从 libreoffice.org 下载），或设置环境变量 GREENMINE_SOFFICE 指向 soffice 程序；"
             "也可以在 Word 中“另存为 PDF”。")


_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <item oor:path="/org.openoffice.Office.Common/Security/Scripting">
    <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>
  </item>
  <item oor:path="/org.openoffice.Office.Common/Security/Scripting">
    <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop>
  </item>
</oor:items>
"""


def docx_bytes_to_pdf(data: bytes, *, name: str = "document", timeout: float = 240) -> PdfResult:
    """Convert a DOCX (bytes) to PDF (bytes) with LibreOffice, fetching nothing it links to."""
    from .external import strip_external

    soffice = find_soffice()
    if soffice is None:
        raise missing_soffice()
    with tempfile.TemporaryDirectory(prefix="gm-pdf-") as tmp:
        work = Path(tmp)
        src = work / f"{name}.docx"
        src.write_bytes(strip_external(data))
        pdf = work / f"{name}.pdf"
        # a throw-away user profile that loads nothing a document links to, runs no macros
        (work / "profile" / "user").mkdir(parents=True)
        (work / "profile" / "user" / "registrymodifications.xcu").write_text(
            _PROFILE_SETTINGS, encoding="utf-8")
        profile = (work / "profile").as_uri()
        uno_python = find_uno_python(soffice)
        if uno_python is not None:
            helper = Path(__file__).with_name("_lo_uno.py")
            try:
                proc = subprocess.run([uno_python, str(helper), str(src), str(pdf), soffice,
                                       profile], capture_output=True, timeout=timeout)
                if proc.returncode == 0 and pdf.exists() and pdf.stat().st_size:
                    return PdfResult(pdf.read_bytes(), True)
            except subprocess.TimeoutExpired:
                pass  # fall back to the plain conversion below
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nologo", "--convert-to", "pdf", "--outdir", str(work), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise OutputError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）。",
                              hint="文档可能过大，或有其他 LibreOffice 进程卡住；请稍后重试。") from e
        except OSError as e:
            raise DependencyError(f"无法启动 LibreOffice（{soffice}）：{e}",
                                  hint="请检查 LibreOffice 安装。") from e
        if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()
            raise OutputError(f"LibreOffice 未能把文档转换为 PDF。{detail[:300]}",
                              hint="请在 Word 或 LibreOffice 中打开 DOCX 检查，或手动另存为 PDF。")
        return PdfResult(pdf.read_bytes(), False)
