"""Finding codes of safety and input limits (GM-?7xx)."""

SPECS = [
    ("GM-W701", "warning", "文字中含有控制字符，已删除", "检查该字段是否从其他软件复制时带入了不可见字符。"),
]
