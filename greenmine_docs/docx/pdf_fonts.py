"""Fonts of the PDFs LibreOffice makes: which installed face stands in for each Windows face.

The documents name the faces of a Chinese Windows (仿宋, 黑体, 楷体, 宋体, 方正小标宋简体, or the
``_GB2312`` faces of a user's template). Where they are missing, LibreOffice asks fontconfig for
a stand-in, which on a Linux machine with only Noto CJK gives one sans face for all of them. For
the conversion, the throw-away LibreOffice profile gets a font replacement table
(``registrymodifications.xcu``, ``Office.Common/Font/Substitution``) that maps each missing face
to an installed one of the right kind:

- 仿宋 / 宋体 / 小标宋 → a Simplified Chinese serif (AR PL UMing CN, else Noto Serif CJK SC);
- 黑体 → a Simplified Chinese sans (WenQuanYi Micro Hei, else Noto Sans CJK SC);
- 楷体 → a kai face (AR PL UKai CN, LXGW WenKai), else the serif.

The TrueType faces come first because a PDF names them for what they are (``UMingCN``,
``UKaiCN``): the Noto CJK collections share one CFF font among their four regional faces, so a
PDF names every one of them ``NotoSerifCJKjp-…`` even where the Simplified Chinese face was used,
and nobody can check from the PDF which glyphs it holds. :func:`pdf_faces` reads the faces a PDF
embeds back (``pdffonts``), so ``--pdf`` can say which it used.
"""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
from html import escape as _html_escape

from ..frozen import frozen

SERIF = ("AR PL UMing CN", "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
SANS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
KAI = ("AR PL UKai CN", "LXGW WenKai", "AR PL KaitiM GB", *SERIF)

# the faces Chinese official documents name, by kind
_KINDS: dict[tuple[str, ...], tuple[str, ...]] = {
    SERIF: ("仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312", "宋体", "SimSun", "新宋体",
            "NSimSun", "方正小标宋简体", "方正小标宋_GBK", "方正仿宋_GBK", "方正仿宋简体", "华文仿宋",
            "华文宋体", "华文中宋", "STFangsong", "STSong", "STZhongsong"),
    SANS: ("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "微软雅黑", "Microsoft YaHei", "华文黑体",
           "STHeiti"),
    KAI: ("楷体", "楷体_GB2312", "KaiTi", "KaiTi_GB2312", "方正楷体_GBK", "方正楷体简体", "华文楷体",
          "STKaiti"),
}


@frozen(quick_init=False)
class FontPlan:
    """The replacement table of one conversion: ``{document face: installed face}``.
    ``known`` is False where the installed fonts could not be listed (no ``fc-list``: Windows,
    macOS), and then nothing is replaced."""

    replace: dict[str, str]
    known: bool = True

    def summary(self) -> str:
        """``仿宋、宋体 → AR PL UMing CN；黑体 → …`` for the faces our documents use."""
        by_target: dict[str, list[str]] = {}
        for face in DOCUMENT_FACES:
            if face in self.replace:
                by_target.setdefault(self.replace[face], []).append(face)
        return "；".join(f"{'、'.join(faces)} → {target}" for target, faces in by_target.items())


# the faces of our own styles (FontScheme), named first in a summary
DOCUMENT_FACES = ("仿宋", "宋体", "方正小标宋简体", "黑体", "楷体")


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str] | None:
    """Family names fontconfig knows (every language's name of a face), or None without
    ``fc-list``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":", "family"], capture_output=True, timeout=60,
                             check=False).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",")
                     if name.strip())


def font_plan(installed: frozenset[str] | None = None) -> FontPlan:
    """Which installed face stands in for each missing document face."""
    if installed is None:
        installed = installed_families()
    if installed is None:
        return FontPlan({}, known=False)
    replace: dict[str, str] = {}
    for candidates, faces in _KINDS.items():
        target = next((c for c in candidates if c in installed), None)
        if target is None:
            continue
        replace.update({face: target for face in faces if face not in installed})
    return FontPlan(replace)


_XCU_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
             'xmlns:oor="http://openoffice.org/2001/registry" '
             'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n')
_SUBST = "/org.openoffice.Office.Common/Font/Substitution"


def _prop(name: str, value: str) -> str:
    value = _html_escape(value, quote=False)  # &amp; &lt; &gt;, as XML text needs
    return f'<prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop>'


def registry_xcu(plan: FontPlan, extra: tuple[str, ...] = ()) -> str:
    """``registrymodifications.xcu`` holding the replacement table (applied always, on screen
    and in print: the faces in it are the missing ones) and the ``extra`` items."""
    items = [*extra, f'<item oor:path="{_SUBST}">{_prop("Replacement", "true")}</item>']
    for n, (face, target) in enumerate(sorted(plan.replace.items())):
        items.append(f'<item oor:path="{_SUBST}/FontPairs"><node oor:name="_{n}" '
                     f'oor:op="replace">{_prop("Always", "true")}'
                     f'{_prop("OnScreenOnly", "false")}{_prop("ReplaceFont", face)}'
                     f'{_prop("SubstituteFont", target)}</node></item>')
    return _XCU_HEAD + "\n".join(items) + "\n</oor:items>\n"


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def pdf_faces(pdf: bytes) -> list[str] | None:
    """The font faces a PDF embeds (subset prefixes removed, each once, sorted), read back with
    poppler's ``pdffonts``; None where it is not installed."""
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        return None
    try:
        out = subprocess.run([pdffonts, "-"], input=pdf, capture_output=True, timeout=60,
                             check=False).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return sorted({_SUBSET.sub("", name) for name in names})
