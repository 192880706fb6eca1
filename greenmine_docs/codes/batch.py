"""Finding codes of batch runs (GM-?6xx range, shared with the officials' tools: 690-699)."""

SPECS = [
    ("GM-E690", "error", "批量处理中该输入无法读取", "按提示修复该文件后重新运行批量处理。"),
    ("GM-E691", "error", "批量处理中该输入出现内部错误", "用 greenmine build 单独处理该输入并加 --debug 查看详情。"),
    ("GM-E692", "error", "批量处理中该输入的文档无法写入（磁盘空间不足、只读或没有权限）",
     "按提示腾出空间或换一个可写入的输出文件夹后重新运行批量处理。"),
    ("GM-E693", "error", "文档未能转换为 PDF（LibreOffice 出错或超时）",
     "DOCX 已生成且不受影响；可在 Word 或 LibreOffice 中打开后另存为 PDF，或稍后单独重新生成。"),
]
