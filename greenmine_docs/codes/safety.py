"""Finding codes of safety and input limits (GM-?7xx).

701–709 text and templates (``greenmine templates lint``), 720–729 workbooks read as input.
"""

SPECS = [
    ("GM-W701", "warning", "文字中含有控制字符，已删除", "检查该字段是否从其他软件复制时带入了不可见字符。"),
    # templates
    ("GM-E702", "error", "模板标签语法错误（未闭合、块不成对、无法解析）",
     "在 Word 中改正该处标签：{{ }}、{% %} 须在同一段内成对出现，for/if 等块须有对应的 end 标签。"),
    ("GM-E703", "error", "模板使用了该文档类型不提供的变量",
     "改为可用变量之一（见 greenmine templates export 导出的 TEMPLATE.md），或删除该标签。"),
    ("GM-W704", "warning", "模板标签被 Word 拆成了不同格式的几段文字",
     "选中整个标签（含括号），统一设置格式（或删除后一次性重新输入）。"),
    ("GM-E705", "error", "模板试图访问不允许的属性、方法或函数（内部属性、正文变量的内容等）",
     "模板在沙箱中渲染，只能引用 TEMPLATE.md 列出的变量，以及文字、列表的基本方法（upper、replace、"
     "split 等）和 loop 的字段；删除该处的属性或方法。"),
    ("GM-E706", "error", "模板使用了不可用或不存在的过滤器或测试",
     "可用的过滤器见 TEMPLATE.md：upper、lower、trim、replace、truncate、default、join、length 等"
     "常用过滤器及 cn_date、cn_date_upper、amount、number；attr、map、format 等不可用。"),
    ("GM-W707", "warning", "标签位于不会被替换的位置（尾注、批注、部分文档属性）",
     "把标签移到正文、页眉、页脚、脚注或文档的标题/主题属性中。"),
    ("GM-E708", "error", "模板缺少正文标签 {{p body }} 或写法不对",
     "在需要插入正文的位置单独起一段，写 {{p body }}。"),
    ("GM-W709", "warning", "模板中可能的书写错误（多余或全角的括号、整段标签旁的文字）",
     "核对该处文字：模板标签使用半角 {{ }}、{% %}；{{p …}} 标签须单独成段。"),
    ("GM-E710", "error", "表格行/单元格标签（{%tr %}、{%tc %}）不在表格中",
     "把该标签放到表格的单元格中，或去掉 tr/tc 前缀。"),
    ("GM-I711", "info", "模板类型由所用变量推断", "可用 --type plan 或 --type report 明确指定。"),
    ("GM-E712", "error", "模板使用了文档模板不支持的语句（宏、call、block、递归循环、autoescape）",
     "文档模板只需 if、for、set、with 和过滤器；删除该语句，把内容直接写在模板中。"),
    ("GM-E713", "error", "模板的计算超出限制（文字过长、循环过多或耗时过长）",
     "文档模板只需引用变量；删除造成大量计算的标签（很大的 range、字符串乘法、很宽的格式）。"),
    # workbooks
    ("GM-W720", "warning", "单元格是公式，但文件中没有保存计算结果，按空白处理",
     "在 Excel/WPS 中打开该工作簿，确认公式已计算后保存，再重新运行；或直接填写数值。"),
    ("GM-I721", "info", "工作簿包含宏（VBA），宏不会被执行",
     "如需宏计算的结果，请在 Excel 中运行宏后把结果作为数值保存，再另存为 .xlsx。"),
    ("GM-W722", "warning", "工作簿引用了外部文件，只能读取上次保存时的缓存值",
     "把引用的值直接填入单元格（复制后“选择性粘贴—数值”）。"),
]
