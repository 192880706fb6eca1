"""Reading text files as Windows users save them: UTF-8 with or without BOM, CRLF, or GBK/GB18030
from older Chinese editors. Binary files and empty files are refused with a clear message."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..frozen import frozen
from ..limits import MAX_INPUT_BYTES


@frozen(quick_init=False)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030"


def read_bytes(path: Path, *, what: str = "输入文件", limit: int | None = None,
               limit_env: str = "GREENMINE_MAX_INPUT_MB") -> bytes:
    """The file's bytes; refused when it is not a regular file (a FIFO would block for ever),
    cannot be read (the reason in Chinese: a name too long, no permission …) or is over
    ``limit`` (default: the general input limit), naming the environment variable that
    raises it."""
    from ..safety.inputs import read_regular

    return read_regular(path, what=what, limit=MAX_INPUT_BYTES if limit is None else limit,
                        limit_env=limit_env)


def decode_text(data: bytes, path: Path, *, what: str = "输入文件") -> DecodedText:
    """Decode bytes to text (BOM, UTF-8, then GB18030), normalising line ends to ``\\n``."""
    if not data.strip():
        raise InputError(f"{what} {path} 是空文件。",
                         hint="请填写内容，或用 greenmine init 生成一个示例项目作为起点。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, enc = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise InputError(f"{what} {path} 的 UTF-16 编码无法识别。",
                             hint=SAVE_AS_UTF8) from e
    elif b"\x00" in data[:8192]:
        raise InputError(f"{what} {path} 看起来是二进制文件，不是文本。",
                         hint="请确认文件类型：YAML 输入应为文本文件，Excel 输入应以 .xlsx 结尾。")
    elif data.startswith(b"\xef\xbb\xbf"):
        try:
            text, enc = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise _mixed(data, e.start + 3, path, what) from e
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError as e2:
                raise InputError(
                    f"{what} {path} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）。",
                    hint=SAVE_AS_UTF8) from e2
    return DecodedText(text.replace("\r\n", "\n").replace("\r", "\n"), enc)


SAVE_AS_UTF8 = "请在编辑器（记事本、WPS 等）中“另存为”，编码选 UTF-8 后重试。"


def _mixed(data: bytes, bad: int, path: Path, what: str) -> InputError:
    """The error for a file that announces UTF-8 (a BOM) and then is not: GBK text saved
    after a BOM, or pasted into a UTF-8 file. Guessing would garble one of the two parts."""
    line = data[:bad].count(b"\n") + 1
    try:
        data[bad:].decode("gb18030")
        looks = "（看起来是 GBK/GB18030 编码）"
    except UnicodeDecodeError:
        looks = ""
    return InputError(f"{what} {path} 以 UTF-8 标记（BOM）开头，但第 {line} 行起的内容不是 UTF-8 "
                      f"编码{looks}，无法确定文件的编码。",
                      hint=SAVE_AS_UTF8, location=f"{path}:{line}")
