"""The zone plan as a document: its renderer and its template's values. It is made by
:func:`greenmine_docs.api.zone_plan` (``greenmine zone-plan``): a zone is many mines, each run
through the one pipeline, so it has its own entry point rather than a mine's DocumentSpec — but
the same stages, the same official layout (``templates/zone_plan/zone-template.docx``, built
with the plan's) and the same atomic writing."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import checks

if TYPE_CHECKING:
    from pathlib import Path

    from ...pipeline import ZoneRun

TEMPLATE = ("zone_plan", "zone-template.docx")
TITLE = "绿色矿业发展示范区建设方案"
CHECKS = (checks.check,)


def plan_title(zone_run: "ZoneRun") -> str:
    name = zone_run.zone.name
    return name + ("建设方案" if name.endswith("示范区") else TITLE)


def template_context(zone_run: "ZoneRun", body: Any) -> dict[str, Any]:
    """The values a zone template can use (documented in TEMPLATE.md)."""
    from ...docx import cn_date, cn_date_upper, cn_month

    z = zone_run.zone
    return {
        "title": plan_title(zone_run),
        "applicant": z.applicant,
        "compiler": z.compiler or z.applicant,
        "date": cn_date(z.date),
        "date_upper": cn_date_upper(z.date),
        "period": f"{cn_month(z.period.start)}至{cn_month(z.period.end)}",
        "province": z.extent.province,
        "body": body,
    }


def render(zone_run: "ZoneRun", template: "Path | None" = None) -> bytes:
    """The zone plan DOCX as bytes (nothing is written)."""
    from ...docx import Writer
    from ...render.tpl import render_template
    from .compose import ZoneComposer
    from .data import zone_data

    def context(tpl: Any) -> dict[str, Any]:
        body = tpl.new_subdoc()
        writer = Writer(tpl.docx, body, base_dir=zone_run.base_dir)
        writer.placed_at("body")
        ZoneComposer(zone_data(zone_run), writer).compose()
        return template_context(zone_run, body)

    if template is None:
        from ...resources import template_path

        template = template_path(*TEMPLATE)
    return render_template(template, context)
