"""Turning reports into text (terminal), JSON (stable keys) and one self-contained HTML page."""
from __future__ import annotations

import json
from html import escape
from typing import Callable, Iterable

from .findings import Finding, Location, Report, Severity


def render_report(report: Report, fmt: str, title: str = "检查报告") -> str:
    """``report`` in one of the formats of ``--format``: ``text``, ``json`` or ``html``."""
    if fmt == "json":
        return render_json(report)
    if fmt == "html":
        return render_html([report], title=title)
    return render_text(report)


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)


def render_text(report: Report) -> str:
    """Grouped by severity, one finding per block, a summary line last."""
    lines: list[str] = []
    if report.source:
        lines.append(f"检查对象：{report.source}")
    for sev in Severity:
        group = [f for f in report.sorted() if f.severity is sev]
        if not group:
            continue
        lines.append(f"\n【{sev.label}】{len(group)} 项")
        for f in group:
            lines.append(f"  {f.code}  {f.location}")
            lines.append(f"      {f.message}")
            if f.hint:
                lines.append(f"      建议：{f.hint}")
    n_err, n_warn = len(report.errors), len(report.warnings)
    n_info = len(report.by_severity(Severity.INFO))
    verdict = "通过" if report.valid else "未通过"
    strict = "（严格模式：警告也视为不通过）" if report.strict else ""
    lines.append(f"\n结论：{verdict}{strict} —— 错误 {n_err} 项，警告 {n_warn} 项，提示 {n_info} 项。")
    return "\n".join(lines).lstrip("\n")


_CSS = """
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;
padding:.8rem;background:#f6f7f9;color:#222;line-height:1.5;max-width:60rem;margin:auto}
h1{font-size:1.3rem;margin:.2rem 0 .6rem}
.bar{position:sticky;top:0;z-index:2;background:#f6f7f9;padding:.4rem 0;display:flex;
flex-wrap:wrap;gap:.4rem;border-bottom:1px solid #dde}
.bar label{background:#fff;border:1px solid #ccd;border-radius:1rem;padding:.15rem .6rem;
white-space:nowrap}
.bar input[type=search]{flex:1 1 12rem;padding:.3rem .6rem;border:1px solid #ccd;
border-radius:.4rem;font-size:1rem}
.sum{background:#fff;border-radius:.3rem;padding:.5rem .7rem;margin:.6rem 0}
table.files{border-collapse:collapse;width:100%;background:#fff;margin:.4rem 0 1rem;font-size:.9rem}
table.files th,table.files td{border:1px solid #dde;padding:.25rem .4rem;text-align:left}
table.files td.n{text-align:right;white-space:nowrap}
table.files a{color:#1a4f8b;word-break:break-all}
details.file{background:#fff;border-radius:.4rem;margin:.7rem 0;padding:.2rem .6rem .5rem;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
details.file>summary{cursor:pointer;padding:.4rem 0;font-weight:bold;word-break:break-all}
.cnt{font-weight:normal;color:#555;font-size:.9rem;white-space:nowrap}
.badge{font-size:.85rem;padding:0 .45rem;border-radius:.3rem;color:#fff;margin-left:.3rem;
white-space:nowrap;display:inline-block}
.badge.ok{background:#2e7d32}.badge.bad{background:#c62828}
h3.sevh{font-size:.95rem;margin:.7rem 0 .2rem;padding-left:.4rem;border-left:4px solid #999}
h3.error{border-color:#c62828;color:#c62828}h3.warning{border-color:#ef8f00;color:#a86400}
h3.info{border-color:#1565c0;color:#1565c0}
.f{background:#fafbfc;border:1px solid #e4e6ea;border-left:5px solid #999;border-radius:.3rem;
margin:.35rem 0;padding:.4rem .6rem}
.f.error{border-left-color:#c62828}.f.warning{border-left-color:#ef8f00}
.f.info{border-left-color:#1565c0}
.code{font-family:monospace;font-weight:bold}.ct{color:#444;font-size:.9rem}
.sev{font-size:.8rem;padding:0 .35rem;border-radius:.3rem;color:#fff}
.error .sev{background:#c62828}.warning .sev{background:#ef8f00}.info .sev{background:#1565c0}
.msg{margin:.15rem 0;word-break:break-word}
.loc{color:#555;font-size:.85rem;word-break:break-all}.hint{color:#2e7d32;font-size:.88rem}
.ok{color:#2e7d32}.bad{color:#c62828}.none{color:#2e7d32;margin:.3rem 0}
.badge.ok,.badge.bad{color:#fff}
.hidden{display:none!important}
"""

_JS = """
function flt(){
var q=document.getElementById('q').value.trim().toLowerCase();
var only=document.getElementById('only').checked;var on={};
document.querySelectorAll('.bar input.sv').forEach(function(c){on[c.value]=c.checked});
document.querySelectorAll('details.file').forEach(function(d){var shown=0;
d.querySelectorAll('.f').forEach(function(e){var ok=on[e.dataset.sev]&&
(!q||e.textContent.toLowerCase().indexOf(q)>=0);e.classList.toggle('hidden',!ok);if(ok)shown++});
d.querySelectorAll('h3.sevh').forEach(function(h){h.classList.toggle('hidden',
!d.querySelector('.f[data-sev='+h.dataset.sev+']:not(.hidden)'))});
var name=d.querySelector('summary').textContent.toLowerCase();
var hide=(only&&d.dataset.valid==='1')||((q||only)&&!shown&&!(q&&name.indexOf(q)>=0));
d.classList.toggle('hidden',hide);var row=document.getElementById('r'+d.id);
if(row)row.classList.toggle('hidden',hide);});}
(function(){var p=new URLSearchParams(location.search);
if(p.get('q'))document.getElementById('q').value=p.get('q');
if(p.get('only'))document.getElementById('only').checked=true;
(p.get('hide')||'').split(',').forEach(function(v){
var c=document.querySelector('input.sv[value="'+v+'"]');if(c)c.checked=false});flt();})();
"""


def _where(loc: "Location") -> str:
    """The location without the file name (the page groups findings by file)."""
    parts: list[str] = []
    if loc.page is not None:
        parts.append(f"第 {loc.page} 页" + (f"第 {loc.line} 行" if loc.line is not None else ""))
    elif loc.line is not None:
        parts.append(f"第 {loc.line} 行" + (f"第 {loc.column} 列" if loc.column is not None else ""))
    if loc.sheet:
        parts.append(f"{loc.sheet}!{loc.cell}" if loc.cell else loc.sheet)
    if loc.path:
        parts.append(f"[{loc.path}]")
    if loc.part:
        parts.append(f"「{loc.part}」")
    if loc.paragraph is not None:
        parts.append(f"第 {loc.paragraph} 段")
    return " ".join(parts) or "全文"


def _counts(report: Report) -> str:
    return " · ".join(f"{s.label} {len(report.by_severity(s))}" for s in Severity)


def _finding_html(f: "Finding") -> str:
    from .codes import CODES

    spec = CODES.get(f.code)
    title = f' <span class="ct">{escape(spec.title)}</span>' if spec else ""
    hint = f'<div class="hint">建议：{escape(f.hint)}</div>' if f.hint else ""
    return (f'<div class="f {f.severity.value}" data-sev="{f.severity.value}">'
            f'<span class="sev">{f.severity.label}</span> '
            f'<span class="code">{escape(f.code)}</span>{title}'
            f'<div class="msg">{escape(f.message)}</div>'
            f'<div class="loc">位置：{escape(_where(f.location))}</div>{hint}</div>')


def render_html(reports: Iterable[Report], *, title: str = "检查报告",
                extra: Callable[[Report], str] | None = None) -> str:
    """One self-contained, phone-friendly page (no external resources, no network): a
    summary, a table of files when there are several, then per file a foldable block with
    its findings grouped by severity (code, short title, message, location, hint). The bar
    filters by severity, by text, and can hide files that passed; the same filters can be
    preset in the address (``report.html?q=GM-W615&only=1&hide=info``) to share a view.
    ``extra(report)`` is HTML (already escaped) added at the end of each file's block."""
    reports = list(reports)
    total = {s: sum(len(r.by_severity(s)) for r in reports) for s in Severity}
    failed = sum(1 for r in reports if not r.valid)
    body: list[str] = [
        '<div class="sum">' + "；".join(f"{s.label} {total[s]} 项" for s in Severity)
        + f"；共 {len(reports)} 个文件，" + (f'<span class="bad">{failed} 个未通过</span>'
                                           if failed else '<span class="ok">全部通过</span>')
        + "</div>"]
    if len(reports) > 1:
        rows = "".join(
            f'<tr id="rf{i}"><td><a href="#f{i}">{escape(r.source or "输入")}</a></td>'
            f'<td class="{"ok" if r.valid else "bad"}">{"通过" if r.valid else "未通过"}</td>'
            + "".join(f'<td class="n">{len(r.by_severity(s))}</td>' for s in Severity) + "</tr>"
            for i, r in enumerate(reports))
        body.append('<table class="files"><thead><tr><th>文件</th><th>结论</th>'
                    + "".join(f"<th>{s.label}</th>" for s in Severity)
                    + f"</tr></thead><tbody>{rows}</tbody></table>")
    for i, r in enumerate(reports):
        badge = ('<span class="badge ok">通过</span>' if r.valid
                 else '<span class="badge bad">未通过</span>')
        body.append(f'<details class="file" id="f{i}" data-valid="{int(r.valid)}" open>'
                    f'<summary>{escape(r.source or "输入")}{badge} '
                    f'<span class="cnt">{_counts(r)}</span></summary>')
        if not r.findings:
            body.append('<p class="none">未发现问题。</p>')
        ordered = r.sorted()
        for sev in Severity:
            group = [f for f in ordered if f.severity is sev]
            if group:
                body.append(f'<h3 class="sevh {sev.value}" data-sev="{sev.value}">'
                            f"{sev.label}（{len(group)} 项）</h3>")
                body.extend(_finding_html(f) for f in group)
        if extra is not None:
            body.append(extra(r))
        body.append("</details>")
    checks = "".join(
        f'<label><input type="checkbox" class="sv" value="{s.value}" checked onchange="flt()"> '
        f"{s.label}</label>" for s in Severity)
    checks += '<label><input type="checkbox" id="only" onchange="flt()"> 只看未通过的文件</label>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><div class="bar">{checks}'
        '<input type="search" id="q" placeholder="筛选：代码、文字、位置" oninput="flt()"></div>'
        + "".join(body) + f"<script>{_JS}</script></body></html>")
