"""DOCX -> PDF through LibreOffice.

The conversion itself runs in the LibreOffice session of :mod:`.office` (one LibreOffice for a
run, the tables of contents updated before export, the font replacement table of
:mod:`.pdf_fonts`). It fetches nothing a document links to: external links other than
hyperlinks are removed from the document first (:func:`.external.strip_external`), and the
profile blocks linked content of documents from untrusted places (``BlockUntrustedRefererLinks``;
every place is untrusted in a fresh profile) and runs no macros (:data:`PROFILE_SECURITY`).
This module finds the programs: ``soffice`` (``GREENMINE_SOFFICE`` wins;
``GREENMINE_SOFFICE=none`` means "do not use LibreOffice", as if it were not installed) and a
Python that can ``import uno``. When LibreOffice is missing, :class:`DependencyError` says how
to install it.
"""
from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

from .. import envvars
from ..errors import DependencyError

_CANDIDATES = (
    "soffice", "libreoffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


_OFF = ("none", "off", "no", "0", "false")



def find_soffice() -> str | None:
    """Path of the LibreOffice executable (``GREENMINE_SOFFICE`` wins; ``none`` turns
    LibreOffice off), or None."""
    env = envvars.get("GREENMINE_SOFFICE")
    if env and env.strip().lower() in _OFF:
        return None
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
    import subprocess  # here: a build that only looks for LibreOffice never needs it

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


PROFILE_SECURITY = (
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>',
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>',
)
"""Items of the conversion profile's ``registrymodifications.xcu``: load nothing a document
links to, run no macros."""


