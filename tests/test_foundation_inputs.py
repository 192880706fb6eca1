"""Bad input: every unusable file gets a Chinese message and exit 2, never a traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EXAMPLE, REPO, run_cli
from greenmine_docs.api import validate

CASES = {
    "empty.yaml": (b"", "空文件"),
    "blank.yaml": (b"\n\n  \n", "空文件"),
    "comments.yaml": (b"# only a comment\n", "没有数据"),
    "binary.yaml": (b"\x00\x01\x02\x03PK\x00", "二进制"),
    "syntax.yaml": ("campaign:\n  province: [山西\n".encode(), "第 3 行"),
    "tabs.yaml": (b"campaign:\n\tprovince: x\n", "语法错误"),
    "dup.yaml": ("campaign:\n  year: 2023\n  year: 2024\n".encode(), "字段“year”重复"),
    "list.yaml": (b"- a\n- b\n", "列表"),
    "scalar.yaml": (b"hello\n", "单个值"),
    "input.txt": (b"campaign: {}\n", "无法识别输入文件"),
    "old.xls": (b"\xd0\xcf\x11\xe0", "另存为"),
    "bad-utf8.yaml": (b"a: \xff\xfe\xfd\x80\x81\x82\x83\x84\x85\xff\n", "编码"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unusable_inputs_exit_2_with_chinese_message(runner, tmp_path, name):
    data, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    res = run_cli(runner, "validate", str(path))
    assert res.code == 2, res.output
    assert expected in res.stderr
    assert "Traceback" not in res.output and res.stdout == ""


def test_missing_file_and_directory(runner, tmp_path):
    res = run_cli(runner, "validate", str(tmp_path / "nope.yaml"))
    assert res.code == 2 and "不存在" in res.stderr
    res = run_cli(runner, "validate", str(tmp_path))
    assert res.code == 2


def test_debug_shows_traceback(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "greenmine_docs", "--debug", "validate",
                           str(path)], capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_gbk_file_is_read_with_a_note(example_copy):
    path = example_copy.parent / "gbk.yaml"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    report = validate(path)
    assert report.valid and "GM-I101" in report.codes()


def test_bom_and_crlf_are_accepted(example_copy):
    tmp_path = example_copy.parent
    path = tmp_path / "bom.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = validate(path)
    assert report.valid and not report.warnings
    # line numbers still match the file
    path2 = tmp_path / "bom2.yaml"
    path2.write_bytes(b"\xef\xbb\xbf" + text.replace("uscc: 91141100MA0K7QL3XJ",
                                                     "uscc: 91141100MA0K7QL3X1").encode())
    bad = [f for f in validate(path2).findings if f.code == "GM-E110"][0]
    assert bad.location.line == 20


def test_invalid_date_is_a_located_finding_not_a_crash(variant):
    path = variant({"    valid_to: 2029-06-12": "    valid_to: 2029-02-30"})
    report = validate(path)
    f = [f for f in report.findings if f.code == "GM-E103"][0]
    assert f.location.path == "mine.licence.valid_to" and f.location.line == 41


def test_alias_bomb_is_refused(runner, tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run_cli(runner, "validate", str(path))
    assert res.code == 2 and "锚点" in res.stderr


def test_deep_nesting_is_refused(runner, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    res = run_cli(runner, "validate", str(path))
    assert res.code == 2 and "嵌套" in res.stderr


def test_help_does_not_import_heavy_packages():
    code = ("import sys; import greenmine_docs.cli as c; "
            "heavy = [m for m in ('pydantic', 'openpyxl', 'docx', 'docxtpl', 'matplotlib', "
            "'ruamel.yaml') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout.strip()
    assert out == "[]"


def test_unexpected_errors_do_not_show_tracebacks(runner, tmp_path, monkeypatch):
    import greenmine_docs.api as api

    def boom(*a, **k):
        raise RuntimeError("simulated")

    monkeypatch.setattr(api, "validate", boom)
    res = run_cli(runner, "validate", str(EXAMPLE))
    assert res.code == 2 and "内部错误" in res.stderr and "Traceback" not in res.output


def test_control_characters_are_removed_with_a_warning_naming_the_field(tmp_path):
    from greenmine_docs.api import load

    path = tmp_path / "ctl.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  address: 山西省吕梁市文水县凤城镇青岚路18号",
        '  address: "山西省吕梁市\\x07文水县\\x1b凤城镇 <&> {{ 7*7 }}"')
    path.write_text(text, encoding="utf-8")
    loaded = load(path)
    assert loaded.submission.enterprise.address == "山西省吕梁市文水县凤城镇 <&> {{ 7*7 }}"
    warn = [f for f in loaded.report.findings if f.code == "GM-W701"]
    assert len(warn) == 1 and warn[0].location.path == "enterprise.address"
    assert "U+0007" in warn[0].message
