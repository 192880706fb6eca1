"""The demonstration-zone plan (绿色矿业发展示范区建设方案), written by a county government or a
large state-owned enterprise for a zone of many mines (domain.md §1, §6).

- :mod:`.data` — the tables computed from the mines' own input files (counts by mineral, scale,
  method, county and directory level; the six selection conditions as each mine's checks
  decided them; reserves and production totals in one unit), computed once per zone run;
- :mod:`.checks` — findings about the zone file (GM-x95x–x96x);
- :mod:`.compose` — the body in the outline's order (``templates/zone_plan/outline.yaml``);
- :mod:`.document` — the renderer and the template's values (``greenmine zone-plan`` through
  :func:`greenmine_docs.api.zone_plan`).
"""
