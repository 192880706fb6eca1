"""``greenmine serve``: the local web desk."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from ..errors import DependencyError, InputError
from ._common import EXIT_OK

DEFAULT_WORKSPACE = Path.home() / "greenmine-工作台"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help="端口。")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；不是本机地址（127.0.0.1）时必须同时指定 --token。")
@click.option("--token", default=None, help="访问令牌：指定后每个请求都须携带（?token=…）。")
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path),
              default=None, help=f"工作目录（上传的文件、生成的文档、索引数据库），缺省为 {DEFAULT_WORKSPACE}。")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="后台处理进程数。")
@click.option("--open", "open_browser", is_flag=True, help="启动后打开浏览器。")
def serve_cmd(port: int, host: str, token: str | None, workspace: Path | None, workers: int,
              open_browser: bool) -> int:
    """在本机浏览器中使用：上传、校验、生成文档、检查方案、抽取名单（网页版）。

    需要安装网页版依赖：pip install "greenmine-docs[web]"。缺省只接受本机访问。

    \b
    例：greenmine serve --open
        greenmine serve --host 0.0.0.0 --token 一个足够长的随机字符串
    """
    loopback = _loopback(host)
    if not loopback and not token:
        raise InputError(f"监听地址 {host} 不是本机地址，必须同时指定 --token。",
                         hint="只在本机使用时不要指定 --host；需要局域网访问时加 --token。")
    if token is not None and len(token) < 16:
        raise InputError("访问令牌太短（至少 16 个字符）。", hint="请使用足够长的随机字符串。")
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as e:
        raise DependencyError(f"网页版依赖未安装（{e.name}）。",
                              hint='请运行 pip install "greenmine-docs[web]"。') from e
    app = create_app(workspace or DEFAULT_WORKSPACE, token=token, loopback=loopback,
                     workers=workers)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"绿色矿山文书工作台：{url}\n工作目录：{app.state.desk.store.root}\n按 Ctrl+C 停止。")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return EXIT_OK
