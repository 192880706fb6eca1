"""The on-site record's layout (实地核查记录表), shared by the writer and the reader.

The reader finds everything by labels and ids, not fixed rows: header facts by their label
cell (value to its right), condition rows by the condition ids in column A, item rows by the
indicator ids in column A. A team may insert a row or two without breaking it."""
from __future__ import annotations

SHEET = "记录表"
TITLE = "绿色矿山实地核查记录表"
COLUMNS = ("A", "B", "C", "D", "E", "F", "G")
WIDTHS = (10, 36, 13, 30, 10, 32, 28)

# header facts: key -> (label, label cell, value cell, last cell of the value's merge or "")
FIELDS: dict[str, tuple[str, str, str, str]] = {
    "name": ("矿山名称", "A3", "B3", "D3"),
    "level": ("名录级别", "E3", "F3", "G3"),
    "holder": ("采矿权人", "A4", "B4", "D4"),
    "place": ("所在地", "E4", "F4", "G4"),
    "mineral": ("开采矿种", "A5", "B5", "D5"),
    "method": ("开采方式", "E5", "F5", "G5"),
    "team": ("核查组成员", "A6", "B6", "G6"),
    "start": ("核查开始日期", "A7", "B7", ""),
    "end": ("核查结束日期", "C7", "D7", ""),
    "signed": ("企业签收日期", "E7", "F7", "G7"),
    "score": ("核查复核得分", "A8", "B8", ""),  # optional: the team's own score, same scale
}
INPUT_FIELDS = ("holder", "team", "start", "end", "signed", "score")
DATE_FIELDS = ("start", "end", "signed")

SECTION_CONDITIONS = "一、遴选条件核查"
SECTION_ITEMS = "二、评价指标核查"
CONDITION_HEADERS = ("编号", "遴选条件", "核查方式", "核查情况", "是否符合", "说明", "备注")
ITEM_HEADERS = ("指标编号", "评价内容", "核查方式", "核查情况", "是否存在问题", "问题描述", "整改要求")
# column letter of each answer
COL_METHOD, COL_FINDING, COL_ANSWER, COL_DESCRIPTION, COL_REQUIREMENT = "C", "D", "E", "F", "G"

MET, NOT_MET = "符合", "不符合"
YES, NO = "是", "否"

SIGN_TEAM = "核查组成员（签字）："
SIGN_MINE = "矿山企业负责人（签字）："
