"""Turning reports into text (terminal), JSON (stable keys) and one self-contained HTML page."""
from __future__ import annotations

import json
from html import escape
from typing import Iterable

from .findings import Report, Severity


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
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;padding:1rem;
background:#f6f7f9;color:#222;line-height:1.5}
h1{font-size:1.3rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:1.2rem 0 .4rem;
word-break:break-all}
.bar{position:sticky;top:0;background:#f6f7f9;padding:.4rem 0;display:flex;flex-wrap:wrap;gap:.5rem}
.bar label{background:#fff;border:1px solid #ccd;border-radius:1rem;padding:.2rem .7rem}
.bar input[type=search]{flex:1 1 12rem;padding:.3rem .6rem;border:1px solid #ccd;border-radius:.4rem}
.f{background:#fff;border-left:5px solid #999;border-radius:.3rem;margin:.4rem 0;padding:.5rem .7rem}
.f.error{border-color:#c62828}.f.warning{border-color:#ef8f00}.f.info{border-color:#1565c0}
.code{font-family:monospace;font-weight:bold}.sev{font-size:.85rem;padding:0 .4rem;border-radius:.3rem;
color:#fff}.error .sev{background:#c62828}.warning .sev{background:#ef8f00}.info .sev{background:#1565c0}
.loc{color:#555;font-size:.85rem;word-break:break-all}.hint{color:#2e7d32;font-size:.9rem}
.sum{background:#fff;border-radius:.3rem;padding:.5rem .7rem}.ok{color:#2e7d32}.bad{color:#c62828}
"""

_JS = """
function flt(){var q=document.getElementById('q').value.toLowerCase();
var on={};document.querySelectorAll('.bar input[type=checkbox]').forEach(function(c){on[c.value]=c.checked});
document.querySelectorAll('.f').forEach(function(e){var s=e.getAttribute('data-sev');
var t=e.textContent.toLowerCase();e.style.display=(on[s]&&(!q||t.indexOf(q)>=0))?'':'none'});}
"""


def render_html(reports: Iterable[Report], *, title: str = "检查报告") -> str:
    """One self-contained, phone-friendly page: findings grouped by file and severity, with
    severity checkboxes and a text filter. No external resources."""
    reports = list(reports)
    body: list[str] = []
    total = {s: sum(len(r.by_severity(s)) for r in reports) for s in Severity}
    body.append('<div class="sum">' + "；".join(
        f"{s.label} {total[s]} 项" for s in Severity) + f"；共 {len(reports)} 个文件</div>")
    for r in reports:
        status = '<span class="ok">通过</span>' if r.valid else '<span class="bad">未通过</span>'
        body.append(f"<h2>{escape(r.source or '输入')} — {status}</h2>")
        if not r.findings:
            body.append('<p class="ok">未发现问题。</p>')
        for f in r.sorted():
            body.append(
                f'<div class="f {f.severity.value}" data-sev="{f.severity.value}">'
                f'<span class="sev">{f.severity.label}</span> <span class="code">{escape(f.code)}</span>'
                f'<div>{escape(f.message)}</div><div class="loc">位置：{escape(str(f.location))}</div>'
                + (f'<div class="hint">建议：{escape(f.hint)}</div>' if f.hint else "") + "</div>")
    checks = "".join(
        f'<label><input type="checkbox" value="{s.value}" checked onchange="flt()"> {s.label}</label>'
        for s in Severity)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><div class=\"bar\">{checks}"
        '<input type="search" id="q" placeholder="筛选：代码、文字、位置" oninput="flt()"></div>'
        + "".join(body) + f"<script>{_JS}</script></body></html>")
