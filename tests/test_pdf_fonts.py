"""The font replacement table of PDF conversion (greenmine_docs/docx/pdf_fonts.py)."""
from __future__ import annotations

from lxml import etree

from greenmine_docs.docx.pdf_fonts import FontPlan, font_plan, registry_xcu

NOTO_ONLY = frozenset({"Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK JP",
                       "Noto Serif CJK JP", "DejaVu Sans"})
DEBIAN = NOTO_ONLY | {"AR PL UMing CN", "AR PL UKai CN", "WenQuanYi Micro Hei"}


def test_each_kind_gets_an_installed_face_of_its_kind() -> None:
    plan = font_plan(DEBIAN)
    assert plan.replace["仿宋"] == plan.replace["仿宋_GB2312"] == "AR PL UMing CN"
    assert plan.replace["方正小标宋简体"] == plan.replace["宋体"] == "AR PL UMing CN"
    assert plan.replace["黑体"] == "WenQuanYi Micro Hei"
    assert plan.replace["楷体"] == plan.replace["楷体_GB2312"] == "AR PL UKai CN"
    assert plan.summary() == ("仿宋、宋体、方正小标宋简体 → AR PL UMing CN；黑体 → WenQuanYi Micro Hei；"
                              "楷体 → AR PL UKai CN")


def test_with_noto_only_the_simplified_chinese_faces_and_serif_for_kai() -> None:
    plan = font_plan(NOTO_ONLY)
    assert plan.replace["仿宋"] == "Noto Serif CJK SC"
    assert plan.replace["黑体"] == "Noto Sans CJK SC"
    assert plan.replace["楷体"] == "Noto Serif CJK SC"  # no kai face: a serif, never a sans
    assert "JP" not in "".join(plan.replace.values())


def test_installed_faces_are_not_replaced_and_nothing_without_a_font_list() -> None:
    plan = font_plan(DEBIAN | {"仿宋", "楷体"})
    assert "仿宋" not in plan.replace and "楷体" not in plan.replace and "黑体" in plan.replace
    assert font_plan(frozenset({"DejaVu Sans"})).replace == {}
    unknown = FontPlan({}, known=False)
    assert registry_xcu(unknown).count("FontPairs") == 0


def test_the_profile_holds_the_table_as_libreoffice_reads_it(tmp_path) -> None:
    from greenmine_docs.docx.office import Office

    plan = font_plan(DEBIAN)
    office = Office("soffice")
    office.fonts = plan
    try:  # the session's throw-away profile
        root = etree.parse(str(office._workdir() / "profile" / "user" /
                               "registrymodifications.xcu"))
    finally:
        office.close()
    assert not (office._dir or tmp_path / "gone").exists()
    oor = "{http://openoffice.org/2001/registry}"
    items = root.getroot().findall("item")
    paths = [item.get(f"{oor}path") for item in items]
    assert "/org.openoffice.Office.Common/Font/Substitution" in paths
    assert "/org.openoffice.Office.Common/Security/Scripting" in paths  # links, macros
    pairs = {}
    for item in (i for i in items if i.get(f"{oor}path").endswith("/FontPairs")):
        node = item.find("node")
        props = {p.get(f"{oor}name"): p.findtext("value") for p in node.findall("prop")}
        assert props["Always"] == "true" and props["OnScreenOnly"] == "false"
        pairs[props["ReplaceFont"]] = props["SubstituteFont"]
    assert pairs == plan.replace and len(pairs) > 30
