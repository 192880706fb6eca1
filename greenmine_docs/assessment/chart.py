"""The report's chart: each first-level indicator's score against its (applicable) points, with
the minimum score its ratio requires marked on every bar.

Drawn on a matplotlib ``Figure`` with the Agg canvas (no pyplot, no display needed) into PNG
bytes. Chinese labels need a CJK font; the first one found among common names is used. Without
any, the labels fall back to the indicator ids so the chart never shows empty boxes.
"""
from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scoring import ScoreResult

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Noto Serif CJK SC",
             "SimSun")


def cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def score_chart(result: "ScoreResult", *, width_cm: float = 16, height_cm: float = 9,
                dpi: int = 200) -> bytes:
    """PNG bytes of the first-level scores chart."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..scoring import fmt_points, fmt_ratio

    font = cjk_font()
    cats = result.categories
    if font:
        labels = [_wrap(c.category.name) for c in cats]
    else:
        labels = [f"No.{c.category.id}" for c in cats]
    rc = {"font.family": "sans-serif", "font.sans-serif": [font] if font else ["DejaVu Sans"],
          "axes.unicode_minus": False, "font.size": 9}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph missing from the font must not stop a report
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
        FigureCanvasAgg(fig)  # Agg, never a display: works on servers without a screen
        ax = fig.add_subplot(1, 1, 1)
        x = list(range(len(cats)))
        full = [c.applicable_points for c in cats]
        got = [c.score for c in cats]
        ax.bar(x, full, width=0.62, color="#d9d9d9", edgecolor="#7f7f7f", linewidth=0.6,
               label="适用分值" if font else "points", zorder=2)
        colours = ["#4e8a3e" if c.passed else "#c0392b" for c in cats]
        ax.bar(x, got, width=0.42, color=colours, zorder=3,
               label="评估得分" if font else "score")
        ratios = {c.min_ratio for c in cats if c.ratio is not None}
        first = next((i for i, c in enumerate(cats) if c.ratio is not None), -1)
        min_label = "minimum"
        if font:
            min_label = (f"最低得分（得分率 {min(ratios) * 100:g}%）" if len(ratios) == 1
                         else "最低得分要求")
        for i, c in enumerate(cats):
            if c.ratio is None:
                continue
            need = c.applicable_points * c.min_ratio
            ax.hlines(need, i - 0.36, i + 0.36, colors="#1f3b73", linestyles="--", linewidth=1.2,
                      zorder=4, label=min_label if i == first else None)
            top = max(c.score, c.applicable_points) + max(full) * 0.015
            ax.text(i, top, f"{fmt_points(c.score)}\n{fmt_ratio(c.ratio)}", ha="center",
                    va="bottom", fontsize=7.5, zorder=5)
        ax.set_xticks(x)
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_ylabel("分值" if font else "points")
        ax.set_ylim(0, max(full) * 1.22 if full else 1)
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.6, zorder=0)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper right", fontsize=7.5, frameon=False, ncol=3)
        fig.tight_layout()
        fig.set_layout_engine(None)  # else savefig lays the figure out (a full draw) again
        buf = io.BytesIO()
        # zlib level 1: a third of the encoding time, files about as small (flat colours)
        fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _wrap(name: str, width: int = 5) -> str:
    """Long indicator names on two lines, so neighbouring labels never overlap."""
    if len(name) <= width:
        return name
    half = (len(name) + 1) // 2
    return name[:half] + "\n" + name[half:]
