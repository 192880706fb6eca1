"""The documents that close a round, in official layout (GB/T 9704 styles of
:mod:`greenmine_docs.docx`): the rectification notice per mine (限期整改通知书), the removal list
(拟移出绿色矿山名录名单) and the work report (实地核查工作总结). Every figure comes from
:class:`CloseFacts`; nothing here counts on its own."""
from __future__ import annotations

from typing import Any

from ...cntext import cn_date
from .close_facts import CloseFacts, city_name
from .round_read import MineResult


def official_doc(*, landscape: bool = False) -> Any:
    from ...docx.document import new_document

    return new_document(landscape=landscape, page_numbers=True)


def doc_title(doc: Any, text: str) -> None:
    from ...docx.text import add_text, no_indent

    p = doc.add_paragraph(style="Title")
    add_text(p, text)
    no_indent(p)


def doc_heading(doc: Any, text: str) -> None:
    """A first-level heading (一、…, 黑体)."""
    from ...docx.text import add_text

    add_text(doc.add_paragraph(style="Heading 1"), text)


def doc_para(doc: Any, text: str, *, indent: bool = True, align: str | None = None,
          style: str = "Normal") -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from ...docx.text import add_text, no_indent

    p = doc.add_paragraph(style=style)
    add_text(p, text)
    if not indent:
        no_indent(p)
    if align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return p


def doc_signature(doc: Any, issuer: str, date_text: str, *, contact: str | None = None) -> None:
    """The closing block under the text — the contact line (``contact``: ``联系人及电话：…``,
    when given), then the issuing bureau and the date, right-aligned — kept on one page with
    each other and with the text's last paragraph (the summary's date stood alone on a page of
    its own, its bureau at the foot of the page before; a notice's page 2 held only its
    contact line, bureau and date)."""
    from docx.shared import Pt

    paragraphs = doc.paragraphs
    if paragraphs:
        paragraphs[-1].paragraph_format.keep_with_next = True
    if contact:
        doc_para(doc, contact).paragraph_format.keep_with_next = True
    first = doc_para(doc, issuer, indent=False, align="right")
    first.paragraph_format.space_before = Pt(29)
    first.paragraph_format.keep_with_next = True
    doc_para(doc, date_text, indent=False, align="right")


def render_notice(facts: CloseFacts, r: MineResult) -> bytes:
    """限期整改通知书: addressee, basis, problems numbered with their items, requirements,
    deadline, how to report back, issuing bureau and date."""
    from ...docx.document import to_bytes

    rnd, info, rec = facts.result.rnd, facts.result.rnd.info, r.record
    doc = official_doc()
    doc_title(doc, "限期整改通知书")
    holder = str(rec.facts.get("holder") or "").strip() or r.mine.name
    doc_para(doc, f"{holder}：", indent=False)
    start, end = rec.facts.get("start"), rec.facts.get("end")
    when = (f"于{cn_date(start)}至{cn_date(end)}" if start and end and start != end
            else f"于{cn_date(start)}" if start else "")
    basis = info.basis or f"按照{info.year}年绿色矿山实地抽查核查工作安排"
    doc_para(doc, f"{basis}，{rnd.bureau_of(r.mine.level, r.mine.city)}组织核查组{when}对你单位"
               f"{r.mine.name}（{r.mine.level}绿色矿山）进行了实地核查。经核查，该矿山存在以下问题：")
    for n, p in enumerate(rec.problems, start=1):
        doc_para(doc, f"（{n}）{p.description.rstrip('。')}（评价内容{p.id}：{p.text}）。")
    doc_para(doc, "整改要求：")
    for n, p in enumerate(rec.problems, start=1):
        need = p.requirement or f"针对上述第{n}项问题制定措施并整改到位"
        doc_para(doc, f"（{n}）{need.rstrip('。')}。")
    doc_para(doc, f"请你单位自本通知印发之日起{rnd.rules.deadline_days}日内，即{cn_date(facts.deadline)}前"
               "完成整改。" + (info.report_to or "整改完成后将整改报告及佐证材料报送核查单位。"))
    doc_para(doc, "逾期未完成整改或整改后仍不符合要求的，将依据有关规定处理。")
    bureau = rnd.bureau_of(r.mine.level, r.mine.city)
    contact = f"联系人及电话：{info.contact}" if info.contact and bureau == info.issuer else None
    doc_signature(doc, bureau, cn_date(facts.issued), contact=contact)
    return to_bytes(doc)


REMOVAL_HEADERS = ("序号", "矿山名称", "采矿权人", "级别", "所在市", "移出理由")


def render_removal(facts: CloseFacts) -> bytes:
    """拟移出绿色矿山名录名单: one row per mine whose outcome is 不合格."""
    from ...docx.document import to_bytes
    from ...docx.page import LANDSCAPE_TYPE_WIDTH_MM
    from ...docx.tables import add_table

    info = facts.result.rnd.info
    doc = official_doc(landscape=True)
    doc_title(doc, f"{info.year}年拟移出绿色矿山名录名单")
    rows = [[n, r.mine.name, str(r.record.facts.get("holder") or ""), r.mine.level,
             city_name(r.mine.city), _removal_reason(r)]
            for n, r in enumerate(facts.with_outcome("不合格"), start=1)]
    if rows:
        add_table(doc, REMOVAL_HEADERS, rows, widths_mm=(12, 52, 42, 20, 18, 81),
                  aligns=("center", "left", "left", "center", "center", "left"),
                  total_width_mm=LANDSCAPE_TYPE_WIDTH_MM)
    doc_para(doc, f"说明：根据{info.year}年绿色矿山实地核查结论，核查结论为不合格的矿山共{len(rows)}座，"
               "拟从绿色矿山名录中移出。", indent=False, style="Table Text")
    return to_bytes(doc)


def _removal_reason(r: MineResult) -> str:
    """The rule's reason and the number of problems found (the items themselves are in the
    record and the summary workbook: a list of ids breaks badly in a narrow cell)."""
    n = len(r.record.problems)
    return r.outcome.reason + (f"（核查发现问题{n}项）" if n else "")
