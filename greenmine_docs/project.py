"""Starting a project: the example project and the JSON Schema for editors."""
from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError, OutputError
from .resources import example_path

EXAMPLE = "shanxi-limestone"
EXAMPLES = {"shanxi-limestone": "山西省露天开采水泥用灰岩矿", "inner-mongolia-coal": "内蒙古自治区井工煤矿"}
SCHEMA_FILE = "greenmine-input.schema.json"


def schema_json() -> str:
    """JSON Schema of the input (the ``Submission`` model), with Chinese titles."""
    from .model import Submission

    schema = Submission.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "绿色矿山申报与核查输入（greenmine-docs）"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_example_project(directory: Path, *, force: bool = False,
                          example: str = EXAMPLE) -> list[Path]:
    """Copy a bundled example (a key of :data:`EXAMPLES`) into ``directory`` with its schema
    next to it, and point the YAML's ``yaml-language-server`` comment at that schema file."""
    from .outputs import check_output_dir

    if example not in EXAMPLES:
        raise InputError(f"没有名为“{example}”的示例。", hint="可选：" + "、".join(EXAMPLES))
    directory = check_output_dir(Path(directory))  # a file or a device: refused
    source = example_path(example)
    if directory.exists() and any(directory.iterdir()) and not force:
        raise OutputError(f"目录 {directory} 已存在且不为空，未写入。",
                          hint="换一个新目录，或加 --force 覆盖其中的同名文件。")
    from .outputs import write_bytes_atomic, write_text_atomic

    written: list[Path] = []
    for src in sorted(source.rglob("*")):
        if src.is_dir() or src.name.startswith((".", "expected")) or "__pycache__" in src.parts:
            continue
        target = directory / src.relative_to(source)
        if src.name == "mine.yaml":
            text = src.read_text(encoding="utf-8")
            first, _, rest = text.partition("\n")
            if first.startswith("# yaml-language-server:"):
                text = f"# yaml-language-server: $schema=./{SCHEMA_FILE}\n{rest}"
            write_text_atomic(target, text, force=force)
        else:
            write_bytes_atomic(target, src.read_bytes(), force=force)
        written.append(target)
    schema = directory / SCHEMA_FILE
    write_text_atomic(schema, schema_json(), force=force)
    written.append(schema)
    return written
