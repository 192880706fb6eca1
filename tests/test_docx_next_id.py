"""figures.next_id: python-docx's ``part.next_id``, read with a compiled XPath."""
from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from greenmine_docs.docx import figures

_IDS = [[], ["7"], ["12", "3", "abc"], ["-4", "x1"], ["٣", "10"], ["00", "0"], ["2", "999", "1000"]]


@pytest.mark.parametrize("ids", _IDS)
def test_next_id_is_python_docx_s(ids: list[str]) -> None:
    document = docx.Document()
    body = document.element.body
    for value in ids:  # unprefixed ids, and a w:id python-docx does not count
        body.append(parse_xml(f'<w:p {nsdecls("w", "wp")}><w:bookmarkStart w:id="5000"/>'
                              f'<wp:docPr id="{value}" name="x"/></w:p>'))
    assert figures.next_id(document.part) == document.part.next_id
