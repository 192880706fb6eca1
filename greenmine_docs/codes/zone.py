"""Finding codes of the demonstration-zone plan (示范区建设方案, 95x–97x)."""

SPECS = [
    ("GM-W951", "warning", "示范区的矿山文件无法使用",
     "检查 mines 中的路径（相对于 zone.yaml）和该矿山输入文件；该矿山在方案中列为“资料不全”"),
    ("GM-W952", "warning", "同一矿山重复列出", "删除 mines 中重复的文件"),
    ("GM-W953", "warning", "矿山不在示范区范围内", "核对矿山所在县与 extent.counties"),
    ("GM-I954", "info", "矿山目前不符合遴选条件", "方案“存在问题”一节列出该矿山及原因"),
    ("GM-E955", "error", "重点工程或建设期限的时间不合理",
     "工程的起止时间应在建设期限内，且完成不早于开始"),
    ("GM-E956", "error", "目标值低于基期值", "建设目标不能低于现状；越低越好的指标填 lower_is_better: true"),
    ("GM-W957", "warning", "目标年份不在建设期限内", "核对 targets 的 year 与 period"),
    ("GM-E958", "error", "投资合计不一致", "核对各工程投资、分年度投资与 total_investment"),
    ("GM-W959", "warning", "叙述文字的键不在提纲中", "检查 narrative 的键名（见 templates/zone_plan/outline.yaml）"),
    ("GM-E960", "error", "示范区方案引用的文件无法使用", "检查 Markdown 文件的路径和内容"),
    ("GM-E961", "error", "示范区方案提纲要求的章节没有内容", "在 narrative 中为该节编写文字"),
]
