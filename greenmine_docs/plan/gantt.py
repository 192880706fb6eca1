"""The schedule as a Gantt-style chart (进度横道图), drawn with matplotlib's object API (a bare ``Figure`` renders through Agg; pyplot and its global
state are not used).

Bars are grouped and coloured by first-level indicator, months run along the top, each bar is
labelled with the task's code (1-1, 1-2 …, the same codes as in the schedule table). Chinese
labels need a CJK font: the first one found among common names is used; without one the chart
falls back to codes and Latin text only, so no box characters ("tofu") ever appear.
"""
from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from functools import lru_cache

CJK_FONT_NAMES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "PingFang SC",
    "WenQuanYi Zen Hei", "Noto Sans CJK JP", "Noto Sans SC", "Hiragino Sans GB",
)
_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#5d4037",
            "#455a64")


@dataclass(frozen=True)
class Bar:
    code: str  # "1-2"
    label: str  # short task text
    group: int  # index of the first-level indicator (colour)
    group_name: str
    start: dt.date
    end: dt.date


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """Path of an installed font that can draw Chinese, or None."""
    from matplotlib import font_manager

    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in CJK_FONT_NAMES:
        if name in by_name:
            return by_name[name]
    return None


def bar_label(bar: Bar, *, cjk: bool, chars: int = 16) -> str:
    """``1-2 工业场地绿化提升…``; only the code when no font can draw Chinese."""
    if not cjk:
        return bar.code
    text = bar.label if len(bar.label) <= chars else bar.label[:chars] + "…"
    return f"{bar.code} {text}"


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], dt.date(start.year, start.month, 1)
    while d <= end:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def gantt_png(bars: list[Bar], start: dt.date, end: dt.date, *, width_cm: float = 16.0,
              label_chars: int = 16) -> bytes:
    """PNG bytes of the chart for ``bars`` over the plan period ``start``..``end``."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch

    font_path = cjk_font_path()
    font = FontProperties(fname=font_path, size=7) if font_path else FontProperties(size=7)
    small = FontProperties(fname=font_path, size=6) if font_path else FontProperties(size=6)

    def label(bar: Bar) -> str:
        return bar_label(bar, cjk=font_path is not None, chars=label_chars)

    n = max(len(bars), 1)
    height_cm = 2.0 + 0.48 * n
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=200)
    ax = fig.add_subplot(1, 1, 1)
    for i, bar in enumerate(bars):
        s = mdates.date2num(bar.start)
        e = mdates.date2num(bar.end + dt.timedelta(days=1))
        ax.barh(i, e - s, left=s, height=0.55, color=_COLOURS[bar.group % len(_COLOURS)],
                edgecolor="none")
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([label(b) for b in bars], fontproperties=font)
    ax.invert_yaxis()
    months = _month_starts(start, end)
    ax.set_xlim(mdates.date2num(months[0]) if months else mdates.date2num(start),
                mdates.date2num(end + dt.timedelta(days=1)))
    ax.xaxis.tick_top()
    step = 1 if len(months) <= 15 else (2 if len(months) <= 30 else 3)
    ax.set_xticks([mdates.date2num(m) for m in months[::step]])
    ax.set_xticklabels([f"{m.month}" for m in months[::step]], fontproperties=small)
    for year in range(start.year, end.year + 1):  # year names above the month numbers
        a = max(start, dt.date(year, 1, 1))
        b = min(end, dt.date(year, 12, 31))
        mid = (mdates.date2num(a) + mdates.date2num(b)) / 2
        ax.annotate(f"{year}年" if font_path else str(year), xy=(mid, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, 11),
                    textcoords="offset points", ha="center", va="bottom", fontproperties=font)
    for m in months:
        if m.month == 1:
            ax.axvline(mdates.date2num(m), color="#9e9e9e", linewidth=0.6)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.4)
    ax.set_axisbelow(True)
    for side in ("right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="both", length=0)
    groups: dict[int, str] = {}
    for b in bars:
        groups.setdefault(b.group, b.group_name if font_path else f"{b.code.split('-')[0]}")
    handles = [Patch(color=_COLOURS[g % len(_COLOURS)], label=name)
               for g, name in sorted(groups.items())]
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02),
                  ncol=min(len(handles), 3), frameon=False, prop=small)
    fig.tight_layout()
    fig.set_layout_engine(None)  # else savefig lays the figure out (a full draw) again
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing-glyph warnings cannot occur with a CJK font
        # zlib level 1: a third of the encoding time, files about as small (flat colours)
        fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()
