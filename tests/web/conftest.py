"""Fixtures of the web desk's tests: a desk over a fresh workspace, driven through Starlette's
test client (the real app, its middleware and its worker processes), and helpers to send forms
and wait for jobs."""
from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("starlette", reason="the web extra (pip install -e .[web]) is not installed")

from starlette.testclient import TestClient  # noqa: E402

from greenmine_docs.web.app import create_app  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO / "examples" / "shanxi-limestone"
BASE = "http://127.0.0.1:8765"


class Desk:
    """A client with the helpers every test needs."""

    def __init__(self, client: TestClient, workspace: Path) -> None:
        self.client, self.workspace = client, workspace

    def csrf(self, page: str = "/enterprise") -> str:
        html = self.client.get(page).text
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found, f"no form token on {page}"
        return found.group(1)

    def post(self, url: str, files: list[tuple[str, tuple[str, bytes]]] | None = None,
             data: dict[str, Any] | None = None, *, csrf: str | None = None,
             follow: bool = False) -> Any:
        fields = {"csrf": self.csrf() if csrf is None else csrf, **(data or {})}
        return self.client.post(url, files=files or [], data=fields, follow_redirects=follow)

    def start(self, url: str, files: list[tuple[str, tuple[str, bytes]]],
              data: dict[str, Any] | None = None) -> int:
        """Send a form that starts a job; the id of its run."""
        response = self.post(url, files, data)
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def wait(self, run_id: int, timeout: float = 180) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            status = self.client.get(f"/runs/{run_id}/status").json()
            if status["finished"]:
                return status
            time.sleep(0.2)
        raise AssertionError(f"run {run_id} did not finish in {timeout} s")

    def page(self, run_id: int) -> str:
        response = self.client.get(f"/runs/{run_id}")
        assert response.status_code == 200
        return response.text


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    app = create_app(tmp_path / "ws", workers=1)
    with TestClient(app, base_url=BASE) as client:
        yield Desk(client, tmp_path / "ws")


def example_zip() -> bytes:
    """The bundled example (mine.yaml, its photos and Markdown) as a user zips it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(EXAMPLE_DIR.rglob("*")):
            if path.is_file():
                zf.write(path, Path("青岚山矿") / path.relative_to(EXAMPLE_DIR))
    return buffer.getvalue()
