"""DOCX -> PDF through LibreOffice (``soffice --headless --convert-to pdf``).

LibreOffice runs with a throw-away user profile (so a desktop LibreOffice that is open does not
block it, and no settings leak in), a timeout, and in a temporary folder; the PDF is then written
atomically through :mod:`greenmine_docs.outputs`. When LibreOffice is missing the error says how
to install it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import DependencyError, OutputError

_CANDIDATES = (
    "soffice", "libreoffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """Path of the LibreOffice executable (``GREENMINE_SOFFICE`` wins), or None."""
    env = os.environ.get("GREENMINE_SOFFICE")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    for name in _CANDIDATES:
        found = shutil.which(name) or (name if os.path.isabs(name) and Path(name).exists() else None)
        if found:
            return found
    return None


def docx_bytes_to_pdf(data: bytes, *, name: str = "document", timeout: float = 180) -> bytes:
    """Convert a DOCX (bytes) to PDF (bytes) with LibreOffice."""
    soffice = find_soffice()
    if soffice is None:
        raise DependencyError(
            "未找到 LibreOffice（soffice），无法转换为 PDF。DOCX 文件不受影响。",
            hint="请安装 LibreOffice（Debian/Ubuntu：apt install libreoffice-writer；Windows/macOS："
                 "从 libreoffice.org 下载），或设置环境变量 GREENMINE_SOFFICE 指向 soffice 程序；"
                 "也可以在 Word 中“另存为 PDF”。")
    with tempfile.TemporaryDirectory(prefix="gm-pdf-") as tmp:
        work = Path(tmp)
        src = work / f"{name}.docx"
        src.write_bytes(data)
        profile = work / "profile"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nologo", "--convert-to", "pdf", "--outdir", str(work), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise OutputError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）。",
                              hint="文档可能过大，或有其他 LibreOffice 进程卡住；请稍后重试。") from e
        except OSError as e:
            raise DependencyError(f"无法启动 LibreOffice（{soffice}）：{e}",
                                  hint="请检查 LibreOffice 安装。") from e
        pdf = work / f"{name}.pdf"
        if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()
            raise OutputError(f"LibreOffice 未能把文档转换为 PDF。{detail[:300]}",
                              hint="请在 Word 或 LibreOffice 中打开 DOCX 检查，或手动另存为 PDF。")
        return pdf.read_bytes()
