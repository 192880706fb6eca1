"""List numbering: what :class:`ListNumbering` adds, read once from the numbering part, equals
what looking the part up again for every list gives (the plain way, kept here)."""
from __future__ import annotations

from types import SimpleNamespace

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from greenmine_docs.docx import lists


def _plain_new_list(numbering, abstract: dict[int, int], depth: int) -> int:
    """One list added by searching the part each time."""
    depth = min(max(depth, 1), lists.MAX_DEPTH)
    if depth not in abstract:
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        new_id = max(ids, default=-1) + 1
        el = parse_xml(lists._abstract_xml(new_id, depth))
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)
        abstract[depth] = new_id
    used = {int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))}
    num_id = min(set(range(1, len(used) + 2)) - used)
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                    f'<w:abstractNumId w:val="{abstract[depth]}"/><w:lvlOverride w:ilvl="0">'
                    f'<w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return num_id


_STARTS = {
    "empty": "",
    "defined": ('<w:abstractNum w:abstractNumId="0"/><w:abstractNum w:abstractNumId="4"/>'
                '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                '<w:num w:numId="3"><w:abstractNumId w:val="4"/></w:num>'),
    "cleanup": ('<w:abstractNum w:abstractNumId="2"/><w:num w:numId="2"><w:abstractNumId w:val="2"/>'
                '</w:num><w:numIdMacAtCleanup w:val="2"/>'),
    "cleanup only": '<w:numIdMacAtCleanup w:val="0"/>',
    "cleanup first": ('<w:abstractNum w:abstractNumId="1"/><w:numIdMacAtCleanup w:val="0"/>'
                      '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'),
}


def _numbering(start: str):
    return parse_xml(f'<w:numbering {nsdecls("w")}>{_STARTS[start]}</w:numbering>')


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(_STARTS)), st.lists(st.integers(0, 8), max_size=12))
def test_numbering_read_once_equals_searching_each_time(start: str, depths: list[int]) -> None:
    fast = _numbering(start)
    doc = SimpleNamespace(part=SimpleNamespace(numbering_part=SimpleNamespace(element=fast)))
    numbering = lists.ListNumbering(doc)
    plain, abstract = _numbering(start), {}
    got = [numbering.new_list(d) for d in depths]
    expected = [_plain_new_list(plain, abstract, d) for d in depths]
    assert got == expected
    assert etree.tostring(fast) == etree.tostring(plain)
