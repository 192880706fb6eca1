"""Finding codes of batch runs (GM-?6xx range, shared with the officials' tools: 690-699)."""

SPECS = [
    ("GM-E690", "error", "批量处理中该输入无法读取", "按提示修复该文件后重新运行批量处理。"),
    ("GM-E691", "error", "批量处理中该输入出现内部错误", "用 greenmine build 单独处理该输入并加 --debug 查看详情。"),
    ("GM-E692", "error", "批量处理中该输入的文档无法写入（磁盘空间不足、只读或没有权限）",
     "按提示腾出空间或换一个可写入的输出文件夹后重新运行批量处理。"),
]
