"""init, schema, build: the project-level commands."""
from __future__ import annotations

import hashlib
import json

from conftest import EXAMPLE, EXAMPLES, REPO, run_cli
from greenmine_docs.api import build, validate
from greenmine_docs.project import schema_json


def test_init_writes_a_project_that_validates(runner, tmp_path):
    target = tmp_path / "proj"
    res = run_cli(runner, "init", str(target))
    assert res.code == 0, res.output
    yaml_path = target / "mine.yaml"
    first = yaml_path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./greenmine-input.schema.json"
    assert json.loads((target / "greenmine-input.schema.json").read_text(encoding="utf-8"))
    report = validate(yaml_path)
    assert report.valid and not report.warnings
    # never overwrites a non-empty folder without --force
    res = run_cli(runner, "init", str(target))
    assert res.code == 2 and "不为空" in res.stderr
    assert run_cli(runner, "init", str(target), "--force").code == 0


def test_committed_schema_is_current_and_example_points_to_it():
    committed = (REPO / "schema" / "greenmine-input.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), "run: greenmine schema -o schema/greenmine-input.schema.json --force"
    for path in EXAMPLES.glob("*/mine.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/greenmine-input.schema.json"


def test_schema_command_prints_json_with_chinese_titles(runner):
    res = run_cli(runner, "schema")
    schema = json.loads(res.stdout)
    assert schema["properties"]["mine"]["title"] == "矿山信息"
    assert schema["additionalProperties"] is False


def test_build_refuses_on_errors_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = build(EXAMPLES / "flawed-eligibility" / "mine.yaml", out)
    assert not result.ok and result.written == [] and not out.exists()


def test_build_writes_manifest_with_checksums(runner, tmp_path):
    out = tmp_path / "out"
    res = run_cli(runner, "build", str(EXAMPLE), "-o", str(out))
    assert res.code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["valid"] is True
    assert manifest["input"]["sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    for entry in manifest["files"]:
        data = (out / entry["file"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    # a second build does not overwrite without --force, and leaves files untouched
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = run_cli(runner, "build", str(EXAMPLE), "-o", str(out))
    assert res.code == 2 and "已存在" in res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert run_cli(runner, "build", str(EXAMPLE), "-o", str(out), "--force").code == 0


def test_validate_recognises_a_filled_self_check_table(runner, tmp_path):
    table = tmp_path / "自查.xlsx"
    assert run_cli(runner, "selfcheck", str(EXAMPLE), "-o", str(table)).code == 0
    res = run_cli(runner, "validate", str(table), "--format", "json")
    data = json.loads(res.stdout)
    assert res.code == 0 and data["valid"] is True
    assert any(f["code"] == "GM-I320" and "达标" in f["message"] for f in data["findings"])
