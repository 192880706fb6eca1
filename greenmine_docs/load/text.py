"""Reading text files as Windows users save them: UTF-8 with or without BOM, CRLF, or GBK/GB18030
from older Chinese editors. Binary files and empty files are refused with a clear message."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..limits import MAX_INPUT_BYTES


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030"


def read_bytes(path: Path, *, what: str = "输入文件", limit: int | None = None,
               limit_env: str = "GREENMINE_MAX_INPUT_MB") -> bytes:
    """The file's bytes; refused when it is not a regular file (a FIFO would block for ever)
    or over ``limit`` (default: the general input limit), naming the environment variable
    that raises it."""
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
                             hint="请用 UTF-8 编码另存文件。") from e
    elif b"\x00" in data[:8192]:
        raise InputError(f"{what} {path} 看起来是二进制文件，不是文本。",
                         hint="请确认文件类型：YAML 输入应为文本文件，Excel 输入应以 .xlsx 结尾。")
    elif data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{what} {path} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）。",
                    hint="请在编辑器中选择“另存为”，编码选 UTF-8 后重试。") from e
    return DecodedText(text.replace("\r\n", "\n").replace("\r", "\n"), enc)
