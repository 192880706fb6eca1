"""Reading text files as Windows users save them: UTF-8 with or without BOM, CRLF, or GBK/GB18030
from older Chinese editors. Binary files and empty files are refused with a clear message."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..limits import MAX_INPUT_BYTES, megabytes


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030"


def read_bytes(path: Path, *, what: str = "输入文件", limit: int | None = None,
               limit_env: str = "GREENMINE_MAX_INPUT_MB") -> bytes:
    """The file's bytes; refused when over ``limit`` (default: the general input limit),
    naming the environment variable that raises it."""
    path = Path(path)
    limit = MAX_INPUT_BYTES if limit is None else limit
    if not path.exists():
        raise InputError(f"{what} {path} 不存在。", hint="请检查文件路径是否正确。")
    if path.is_dir():
        raise InputError(f"{path} 是一个目录，不是文件。", hint="请指定具体的文件。")
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"{what} {path} 大小为 {size / 1048576:.1f} MB，超过上限 {megabytes(limit)}。",
            hint=f"请确认文件是否正确；确需处理大文件可设置环境变量 {limit_env}。")
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"无法读取{what} {path}：{e.strerror}", hint="请检查文件权限。") from e


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
