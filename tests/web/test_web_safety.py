"""The desk's guards: form tokens, hosts, the access token, sizes, names in zips, files by id
only, hostile uploads answered with the library's message while the server keeps running."""
from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest
from starlette.testclient import TestClient

from greenmine_docs.web.app import create_app

from .conftest import BASE, EXAMPLE_DIR, example_zip


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_a_form_without_its_token_is_refused(desk):
    response = desk.post("/enterprise", [("input", ("mine.yaml", b"a: 1"))], csrf="forged")
    assert response.status_code == 403 and "CSRF" in response.text
    assert not list((desk.workspace / "uploads").iterdir())


def test_a_form_from_another_site_is_refused(desk):
    response = desk.client.post("/enterprise", data={"csrf": desk.csrf()},
                                files=[("input", ("mine.yaml", b"a: 1"))],
                                headers={"Origin": "http://evil.example"})
    assert response.status_code == 403 and "其他网站" in response.text


def test_only_loopback_host_names_are_answered(desk):
    refused = desk.client.get("/", headers={"Host": "attacker.example:8765"})
    assert refused.status_code == 400 and "只接受本机地址" in refused.text
    assert desk.client.get("/", headers={"Host": "[::1]:8765"}).status_code == 200
    assert desk.client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_with_a_token_every_request_needs_it(tmp_path):
    token = "a-long-enough-secret-token"
    app = create_app(tmp_path / "ws", token=token, loopback=False, workers=1)
    with TestClient(app, base_url="http://192.168.1.20:8765") as client:
        assert client.get("/enterprise").status_code == 401
        assert client.get("/files/1").status_code == 401
        assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        first = client.get(f"/official?token={token}", follow_redirects=False)
        assert first.status_code == 303 and "token" not in first.headers["location"]
        assert client.get("/official").status_code == 200  # the cookie it set
        client.cookies.clear()
        assert client.get("/official?token=wrong").status_code == 401


def test_unknown_or_foreign_files_are_not_served(desk):
    assert desk.client.get("/files/999").status_code == 400
    assert "没有这个文件" in desk.client.get("/files/999").text
    assert desk.client.get("/files/..%2F..%2Fetc%2Fpasswd").status_code == 404
    db = desk.workspace / "desk.sqlite3"
    import sqlite3

    con = sqlite3.connect(db)
    with con:
        con.execute("INSERT INTO documents(run_id,title,name,path,size) "
                    "VALUES(1,'x','passwd','../../../../etc/passwd',1)")
    assert desk.client.get("/files/1").status_code == 400


@pytest.mark.parametrize("name, members, message", [
    ("traversal.zip", {"../../evil.yaml": b"a: 1"}, "不安全"),
    ("absolute.zip", {"/etc/evil.yaml": b"a: 1"}, "不安全"),
    ("nothing.zip", {"readme.txt": b"hello"}, "没有输入文件"),
])
def test_hostile_zips_are_refused_with_a_message(desk, name, members, message):
    response = desk.post("/enterprise", [("input", (name, _zip(members)))])
    assert response.status_code == 400
    assert message in response.text and response.text.count("错误：") == 1
    assert not (desk.workspace.parent / "evil.yaml").exists()
    assert not list(desk.workspace.rglob("evil.yaml"))
    assert desk.client.get("/enterprise").status_code == 200  # still serving


def test_a_zip_bomb_gets_the_library_message(desk):
    bomb = _zip({"mine.yaml": b"0" * (30 * 1024 * 1024)})
    response = desk.post("/enterprise", [("input", ("bomb.zip", bomb))])
    assert response.status_code == 400 and "压缩炸弹" in response.text
    assert desk.client.get("/").status_code == 200


def test_a_link_inside_a_zip_is_refused(desk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        info = zipfile.ZipInfo("photos/link.jpg")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
        zf.writestr("mine.yaml", "a: 1")
    response = desk.post("/enterprise", [("input", ("link.zip", buffer.getvalue()))])
    assert response.status_code == 400 and "链接" in response.text


def test_a_file_type_not_offered_is_refused(desk):
    response = desk.post("/enterprise", [("input", ("run.sh", b"rm -rf /"))])
    assert response.status_code == 400 and "不支持的文件类型" in response.text


def test_an_upload_past_the_library_limit_is_refused(desk, monkeypatch):
    from greenmine_docs.web import uploads

    monkeypatch.setitem(uploads.SUFFIX_LIMITS, ".yaml", (1000, "GREENMINE_MAX_YAML_MB"))
    response = desk.post("/enterprise", [("input", ("mine.yaml", b"#" * 5000))])
    assert response.status_code == 400 and "超过上限" in response.text
    assert not list(desk.workspace.rglob("input.yaml"))


def test_a_request_past_the_largest_input_is_refused_before_it_is_read(tmp_path):
    from greenmine_docs.web import app as app_module

    app = create_app(tmp_path / "ws", workers=1)
    app.user_middleware[-1].kwargs["limit"] = 10_000
    app.middleware_stack = app.build_middleware_stack()
    with TestClient(app, base_url=BASE) as client:
        response = client.post("/enterprise", content=b"x" * 20_000,
                               headers={"Content-Type": "application/octet-stream"})
        assert response.status_code == 413 and "超过上限" in response.text
    assert app_module.MAX_REQUEST_BYTES > 10_000


def test_an_unreadable_input_fails_its_job_with_the_cli_message(desk, runner):

    bad = b"PK\x03\x04 this is no workbook"
    run_id = desk.start("/enterprise", [("input", ("坏文件.xlsx", bad))])
    status = desk.wait(run_id)
    assert status["state"] == "failed" and status["message"].startswith("错误：")
    assert "已损坏" in status["message"] or "无法" in status["message"]
    assert desk.client.get("/").status_code == 200


def test_template_payloads_in_the_input_stay_text(desk):
    text = (EXAMPLE_DIR / "mine.yaml").read_text(encoding="utf-8")
    payload = "{{ ''.__class__.__mro__ }}<script>alert(1)</script>"
    hostile = text.replace("  name: 山西青岚建材有限公司青岚山水泥用灰岩矿",
                           f"  name: \"青岚山{payload}\"", 1)
    run_id = desk.start("/enterprise", [("input", ("mine.yaml", hostile.encode()))])
    desk.wait(run_id)
    page = desk.page(run_id)  # the mine's name is the page's heading: shown as text
    assert "<script>alert(1)</script>" not in page
    assert "青岚山{{ &#39;&#39;.__class__.__mro__ }}&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_help_does_not_import_the_web_desk():
    code = ("import sys; from greenmine_docs.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in sys.modules if m.startswith(('starlette', 'uvicorn', "
            "'greenmine_docs.web', 'multipart'))]\nprint('IMPORTED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "serve" in out and "IMPORTED []" in out


def test_serve_refuses_a_public_host_without_a_token(runner):
    from greenmine_docs.cli import cli

    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "必须同时指定 --token" in str(result.exception or result.output)
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--token", "short"])
    assert "太短" in str(result.exception or result.output)


def test_the_example_zip_unpacks_only_inside_its_upload(desk):
    run_id = desk.start("/enterprise", [("input", ("青岚山矿.zip", example_zip()))])
    desk.wait(run_id)
    files = desk.workspace / "uploads" / "1" / "files"
    assert (files / "青岚山矿" / "mine.yaml").is_file()
    assert all(p.resolve().is_relative_to(files.resolve()) for p in files.rglob("*"))


def test_a_folder_with_a_climbing_name_is_refused(desk):
    response = desk.post("/enterprise", [("folder", ("甲/../../../evil.yaml", b"a: 1")),
                                         ("folder", ("甲/mine.yaml", b"a: 1"))])
    assert response.status_code == 400 and "不安全" in response.text
    assert not list(desk.workspace.parent.rglob("evil.yaml"))


def test_a_zip_naming_one_file_twice_is_refused(desk):
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("mine.yaml", "a: 1")
            zf.writestr("mine.yaml", "b: 2")
    response = desk.post("/enterprise", [("input", ("twice.zip", buffer.getvalue()))])
    assert response.status_code == 400 and "已存在" in response.text
