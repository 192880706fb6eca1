"""click's own words — usage errors, help headings, prompts — in Chinese.

The commands' help and messages are ours and Chinese; what click writes itself ("Usage:",
"Error: No such option '--ouput'.", "Missing argument 'INPUT'.", "Show this message and
exit.") was English, and a user who mistypes an option met it first. click looks each of those
texts up through :mod:`gettext` (``_`` and ``ngettext`` in each of its modules); gettext would
pick a catalog by the process's locale, which a Chinese Windows does not set, so
:func:`install` replaces those two names in click's modules with lookups in the tables below:
the same texts, with the same ``{fields}`` filled in afterwards by click. A text missing here
stays English; ``tests/test_cli_zh.py`` lists click's texts from its source, so an upgrade of
click that adds one fails there rather than slipping through.
"""
from __future__ import annotations

import gettext

# click's text -> ours; the {fields} are click's and are filled in by it
MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "用法:",  # click puts a space after it, and a colon after the headings below
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选值({choices})",
    # usage errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可运行 '{command} {option}' 查看帮助。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项开头的字符无效（{option}）",
    "Value must be an iterable.": "值必须是一组值。",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    # values
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",  # integer/float
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} 不是有效的是/否值。可用的值：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    # a path's kind ("file", "directory", "path") is also its placeholder in the help
    # (FILE, PATH, like TEXT and INTEGER): it stays as it is and the texts below do without it
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，这里要的是文件夹。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹，这里要的是文件。",
    "{name} {filename!r} is not readable.": "{filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{filename!r} 无法执行。",
    # prompts and the end of a run
    "Aborted!": "已中止。",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接确认。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
}

# click's singular text -> ours, for both numbers (Chinese has no plural)
PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Did you mean {possibility}?": "是否想输入 {possibility}？",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值（{choice}）。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{len_type} values are required, but {len_value} was given.":
        "需要 {len_type} 个值，实际给了 {len_value} 个。",
}
# the plural forms' own placeholders, where the Chinese for the singular lacks them
PLURAL_FORMS: dict[str, str] = {
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，实际给了 {len} 个。",
    "Did you mean {possibility}?": "（是否想输入以下之一：{possibilities}？）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值之一（{choices}）。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合以下任一格式：{formats}。",
}

# the modules of click that look texts up (each imports gettext's two functions by name)
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def zh(message: str) -> str:
    """Our text for click's ``message`` (itself when we have none)."""
    return MESSAGES.get(message, message)


def zh_plural(singular: str, plural: str, n: int) -> str:
    """Our text for click's ``singular``/``plural`` pair and the number ``n``."""
    if n != 1 and singular in PLURAL_FORMS:
        return PLURAL_FORMS[singular]
    if singular in PLURALS:
        return PLURALS[singular]
    return singular if n == 1 else plural


def install() -> None:
    """Make click write its texts in Chinese, in this process (idempotent): each module's
    ``_`` and ``ngettext`` — gettext's, as click imports them — become :func:`zh` and
    :func:`zh_plural`. A name that is not gettext's (another version of click, or set already)
    is left as it is."""
    import importlib

    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if getattr(module, "_", None) is gettext.gettext:
            module._ = zh  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = zh_plural  # type: ignore[attr-defined]

