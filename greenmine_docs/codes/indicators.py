"""Finding codes 3xx: indicator sets (300–309), the self-check section and scoring (310–329),
filled self-check tables (330–339) and the summary of many tables (340–349)."""
from __future__ import annotations

SPECS = [
    # indicator sets
    ("GM-E300", "error", "指标体系文件无法读取或语法错误",
     "检查文件是否为 UTF-8 编码的 YAML 或由 greenmine indicators export 导出的 Excel 表。"),
    ("GM-E301", "error", "指标体系结构错误（缺少字段、类型不对或有未知字段）",
     "按 docs/indicator-sets.md 的格式补齐或更正该字段。"),
    ("GM-E302", "error", "指标体系中的编号重复",
     "先决条件、一级、二级指标和评价内容的编号在整个指标体系内必须唯一。"),
    ("GM-E303", "error", "分值不能相加对应",
     "下级分值之和必须等于上级分值，一级指标分值之和必须等于总分。"),
    ("GM-E304", "error", "达标线不合理", "达标线应大于 0 且不超过总分。"),
    ("GM-E305", "error", "得分率要求不在 0～1 之间", "填写 0～1 之间的小数，例如 0.75 表示 75%。"),
    ("GM-E306", "error", "找不到指定的评价指标体系",
     "campaign.indicator_set 填内置编号（greenmine indicators list 查看）或指标体系文件的相对路径。"),
    ("GM-I307", "info", "使用的是参考指标体系，非官方发布",
     "正式自查、评估时请改用主管部门发布的指标体系（可从 Excel 导入）。"),
    ("GM-W308", "warning", "适用范围中的行业标准或开采方式不认识",
     "行业标准写成“DZ/T 0318-2018”的形式，开采方式写“露天开采”“地下开采”或“露天-地下联合开采”。"),
    # self-check section of the input (and the scoring it feeds)
    ("GM-E310", "error", "自查记录中的指标编号不在所用指标体系中",
     "编号须与指标体系一致（greenmine indicators show 编号 查看），或更换 campaign.indicator_set。"),
    ("GM-E311", "error", "自查记录中的先决条件编号不在所用指标体系中",
     "先决条件编号须与指标体系一致。"),
    ("GM-W312", "warning", "有评价内容未自查评分", "逐项填写自查得分；不涉及的项写 not_applicable: true 并说明理由。"),
    ("GM-E313", "error", "自查得分超出该项分值范围", "得分应在 0 至该项分值之间。"),
    ("GM-E314", "error", "扣分项未写明存在问题", "有扣分的项须在“存在问题”中写明扣分原因。"),
    ("GM-E315", "error", "整改时限早于自查日期", "整改时限应晚于自查日期。"),
    ("GM-W316", "warning", "已评分项缺少自查情况及佐证材料", "简要写明自查情况并列出佐证材料名称。"),
    ("GM-W317", "warning", "先决条件未作出符合/不符合的判定", "逐条填写“符合”或“不符合”。"),
    ("GM-W318", "warning", "先决条件判定与输入中的遴选条件信息不一致",
     "核对遴选条件信息（eligibility）与自查结论，改正其中错误的一方。"),
    ("GM-W319", "warning", "不适用的评价内容被评了分或缺少说明",
     "指标体系规定不适用于本矿的项不计分；自行认定不适用的项须在自查情况中说明理由。"),
    ("GM-I320", "info", "自查评分结果", ""),
    ("GM-W321", "warning", "存在问题但未写整改措施、时限或责任人", "为每个问题写明整改措施、整改时限和责任人。"),
    ("GM-W322", "warning", "自查日期晚于自查记录表上报截止日期", "核对自查日期与本年度通知规定的上报时间。"),
    # filled self-check tables read back
    ("GM-E330", "error", "不是本工具生成的自查记录表或表格结构被改动",
     "请在 greenmine selfcheck --blank 生成的表格中填写，不要删除行列或改动表头。"),
    ("GM-E331", "error", "单元格内容无法识别", "得分填数字或“不适用”，日期填 2023-09-20 这样的日期，先决条件填“符合”或“不符合”。"),
    ("GM-W332", "warning", "表格中的指标编号或内容与指标体系不一致",
     "不要改动序号和评价内容列；如指标体系已更新，请重新生成空白表。"),
    # summaries of many tables
    ("GM-W340", "warning", "有自查记录表无法读取，未计入汇总", "逐个打开列出的文件，修正后重新汇总。"),
]
