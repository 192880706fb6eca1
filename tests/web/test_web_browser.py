"""End to end in a real browser: Debian's headless Chromium, driven through chromium-driver by
Selenium, against ``greenmine serve`` running as a user starts it. It uploads the example,
waits for the findings, generates the documents, downloads them one by one and as a zip, and
opens what it downloaded. With ``GREENMINE_SCREENSHOTS=DIR`` it also saves every page at 1280
and 420 px wide there (to look at; never kept in the repository)."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Iterator

import openpyxl
import pytest
from docx import Document

from .conftest import example_zip

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                       reason="needs Debian's chromium and chromium-driver (.ci/run installs "
                              "them: apt-get install chromium chromium-driver)"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (the test extra) missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``greenmine serve`` in its own process, on a free port."""
    port = _free_port()
    env = {**os.environ, "GREENMINE_SOFFICE": "none"}
    process = subprocess.Popen([sys.executable, "-m", "greenmine_docs", "serve", "--port",
                                str(port), "--workspace", str(tmp_path / "ws"), "--workers", "1"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout \
                    else "server exited"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.stdout:
            process.stdout.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _shoot(driver: object, name: str) -> None:
    """Every page at 1280 and 420 px wide, full height, when GREENMINE_SCREENSHOTS is set."""
    folder = os.environ.get("GREENMINE_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in (1280, 420):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height + 100, 600), 6000))
        driver.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))
    driver.set_window_size(1280, 900)


def _wait(condition, timeout: float = 180, what: str = "") -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _downloaded(folder: Path, suffix: str) -> list[Path]:
    return [p for p in folder.iterdir() if p.suffix == suffix]


def test_upload_find_generate_and_download_in_chromium(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    driver = browser
    for page in ("", "/enterprise", "/assessor", "/official"):
        driver.get(server + page)
        assert "绿色矿山文书工作台" in driver.title
        _shoot(driver, page.strip("/") or "home")

    upload = tmp_path / "青岚山矿.zip"
    upload.write_bytes(example_zip())
    driver.get(server + "/enterprise")
    driver.find_element(By.CSS_SELECTOR, "input[name=input]").send_keys(str(upload))
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # the run page follows the job until it ends, then shows the findings
    _wait(lambda: driver.find_elements(By.ID, "findings-info"), what="the findings")
    text = driver.find_element(By.TAG_NAME, "main").text
    assert "校验通过" in text and "GM-I307" in text
    assert "青岚山矿/mine.yaml:16:18 [campaign.indicator_set]" in text
    _shoot(driver, "run-validate")

    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=only]")
    assert [b.get_attribute("value") for b in boxes if b.is_selected()] == \
        ["plan", "selfcheck", "selfeval", "report", "scoresheet"]
    driver.find_element(By.CSS_SELECTOR, "#generate button[type=submit]").click()
    _wait(lambda: driver.find_elements(By.ID, "documents"), what="the documents")
    _shoot(driver, "run-build")

    links = driver.find_elements(By.CSS_SELECTOR, "#documents td a[download]")
    names = [a.text for a in links]
    assert any(n.endswith(".docx") and "实施方案" in n for n in names)
    for link in links:
        link.click()
    downloads = driver.downloads
    _wait(lambda: len([p for p in downloads.iterdir() if p.suffix in (".docx", ".xlsx")])
          == len(names), what="the downloads")
    for path in _downloaded(downloads, ".docx"):
        assert Document(str(path)).paragraphs, path.name
    for path in _downloaded(downloads, ".xlsx"):
        assert openpyxl.load_workbook(path).sheetnames, path.name

    driver.find_element(By.PARTIAL_LINK_TEXT, "全部下载").click()
    bundle = _wait(lambda: _downloaded(downloads, ".zip"), what="the zip")[0]
    _wait(lambda: not list(downloads.glob("*.crdownload")), what="the zip to finish")
    with zipfile.ZipFile(bundle) as zf:
        assert sorted(zf.namelist()) == sorted(names)
        plan = next(n for n in zf.namelist() if n.endswith(".docx") and "实施方案" in n)
        assert any("青岚山" in p.text for p in Document(io.BytesIO(zf.read(plan))).paragraphs)

    driver.get(server + "/enterprise")
    assert "山西青岚建材有限公司青岚山水泥用灰岩矿" in driver.find_element(By.TAG_NAME, "main").text
    _shoot(driver, "enterprise-history")


def test_official_checks_sorts_filters_and_draws_in_chromium(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    from fixtures.officials.helpers import synthetic_list, write_list
    from greenmine_docs import api

    from .conftest import EXAMPLE_DIR

    driver = browser
    good = tmp_path / "甲矿实施方案.docx"
    api.generate("plan", EXAMPLE_DIR / "mine.yaml", good)
    bad = tmp_path / "乙矿实施方案.docx"
    bad.write_bytes(b"PK not really a word file")
    driver.get(server + "/official")
    driver.find_element(By.CSS_SELECTOR, "input[name=plans]").send_keys(f"{good}\n{bad}")
    driver.find_element(By.CSS_SELECTOR, "form[action='/official/check'] button").click()
    _wait(lambda: driver.find_elements(By.ID, "plans-table"), what="the check results")

    def plans() -> list[str]:
        return [r.find_elements(By.TAG_NAME, "td")[0].text for r in
                driver.find_elements(By.CSS_SELECTOR, "#plans-table tbody tr")
                if r.is_displayed()]

    head = driver.find_element(By.XPATH, "//table[@id='plans-table']//th[text()='错误']")
    head.click()
    ascending = plans()
    head.click()
    assert plans() == ascending[::-1] and set(ascending) == {good.name, bad.name}
    driver.find_element(By.CSS_SELECTOR, "input.filter").send_keys("乙矿")
    assert plans() == [bad.name]
    _shoot(driver, "run-check")

    listing = write_list(tmp_path / "名录.xlsx", synthetic_list())
    driver.get(server + "/official")
    driver.find_element(By.CSS_SELECTOR, "input[name=list]").send_keys(str(listing))
    driver.find_element(By.CSS_SELECTOR, "input[name=seed]").send_keys("20231001")
    driver.find_element(By.CSS_SELECTOR, "input[value=open-pit]").click()
    driver.find_element(By.CSS_SELECTOR, "form[action='/official/sample'] button").click()
    _wait(lambda: driver.find_elements(By.ID, "draw"), what="the draw")
    assert "随机种子 20231001" in driver.find_element(By.ID, "draw").text
    _shoot(driver, "run-sample")
    driver.get(server + "/official")
    assert "20231001" in driver.find_element(By.TAG_NAME, "main").text
    _shoot(driver, "official-history")

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../evil.yaml", "a: 1")
    driver.get(server + "/enterprise")
    driver.find_element(By.CSS_SELECTOR, "input[name=input]").send_keys(str(evil))
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wait(lambda: "无法处理" in driver.page_source, what="the error page")
    assert "不安全" in driver.find_element(By.TAG_NAME, "main").text
    _shoot(driver, "error")
    driver.get(server + "/")
    assert "最近的处理" in driver.page_source  # still serving


def test_official_verification_round_in_chromium(server, browser):
    """Record sheets from the drawn sample, then the filled records read into outcomes and the
    closing documents, each through the official page's forms."""
    from selenium.webdriver.common.by import By

    from .conftest import REPO

    driver = browser
    rnd = REPO / "examples" / "verification-round"

    def send(form: str, field: str, *paths: Path) -> None:
        driver.find_element(By.CSS_SELECTOR, f"form[action='{form}'] input[name={field}]") \
            .send_keys("\n".join(str(p) for p in paths))

    driver.get(server + "/official")
    _shoot(driver, "official")
    send("/official/verify/sheets", "sample", rnd / "核查名单.xlsx")
    send("/official/verify/sheets", "round", rnd / "round.yaml")
    driver.find_element(By.CSS_SELECTOR, "form[action='/official/verify/sheets'] button").click()
    _wait(lambda: driver.find_elements(By.ID, "documents"), what="the record sheets")
    assert "实地核查记录表.xlsx" in driver.find_element(By.ID, "documents").text
    _shoot(driver, "run-verify-sheets")

    records = sorted((rnd / "records").glob("*.xlsx"))
    driver.get(server + "/official")
    send("/official/verify/close", "records", *records)
    send("/official/verify/close", "sample", rnd / "核查名单.xlsx")
    send("/official/verify/close", "round", rnd / "round.yaml")
    driver.find_element(By.CSS_SELECTOR, "form[action='/official/verify/close'] button").click()
    _wait(lambda: driver.find_elements(By.ID, "outcomes-table"), what="the outcomes")
    rows = driver.find_elements(By.CSS_SELECTOR, "#outcomes-table tbody tr")
    assert len(rows) == len(records)
    assert "实地核查工作总结.docx" in driver.find_element(By.ID, "documents").text
    _shoot(driver, "run-verify-close")
