"""The schedule chart: a real PNG, Chinese labels with a CJK font, codes only without one."""
from __future__ import annotations

import datetime as dt
import io
import runpy
from pathlib import Path

from PIL import Image

from greenmine_docs.plan import gantt
from greenmine_docs.plan.gantt import Bar, bar_label, gantt_png

BARS = [Bar("1-1", "矿区主干道路混凝土硬化及排水沟改造工程", 0, "矿区环境",
            dt.date(2023, 10, 1), dt.date(2024, 5, 31)),
        Bar("2-1", "边坡复绿", 1, "资源开发方式", dt.date(2024, 4, 1), dt.date(2025, 10, 31))]


def test_chart_is_a_png_sized_for_the_page():
    data = gantt_png(BARS, dt.date(2023, 10, 1), dt.date(2025, 12, 31))
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    assert img.width > 1000 and img.height < img.width  # 16 cm at 200 dpi, a short chart


def test_labels_with_and_without_a_cjk_font(monkeypatch):
    assert bar_label(BARS[0], cjk=True) == "1-1 矿区主干道路混凝土硬化及排水沟改…"
    assert bar_label(BARS[0], cjk=False) == "1-1"
    monkeypatch.setattr(gantt, "cjk_font_path", lambda: None)
    data = gantt_png(BARS, dt.date(2023, 10, 1), dt.date(2025, 12, 31))  # no glyph warnings
    assert Image.open(io.BytesIO(data)).format == "PNG"


def test_committed_templates_match_their_build_script():
    script = Path(__file__).resolve().parent.parent / "templates" / "build_templates.py"
    main = runpy.run_path(str(script))["main"]
    assert main(["--check"]) == 0, "run: python templates/build_templates.py"
