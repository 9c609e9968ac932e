"""A borrower's first visit in a real Chromium (Debian's, driven by Playwright): register in
Chinese, file a dispute with a Chinese description and a PDF, see it in "My disputes"."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED_FIXTURES, pdf_bytes

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def portal_url(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "DISPUTE_DATA_DIR": str(data)}
    subprocess.run([sys.executable, "-m", "dispute", "user", "add", "--email",
                    "admin@example.com", "--role", "admin"], input="admin password 1\n",
                   text=True, env=env, cwd=REPO, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the portal did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def page(request):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        pg = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        pg.set_default_timeout(30_000)
        yield pg
        if getattr(request.node, "failed", False):
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}.png"
            pg.screenshot(path=str(shot), full_page=True)
            shot.with_suffix(".html").write_text(pg.content(), encoding="utf-8")
            print(f"\nbrowser artifacts saved in {ARTIFACTS}")
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: D401 - pytest hook
    outcome = yield
    if outcome.get_result().failed:
        item.failed = True


def test_borrower_registers_in_chinese_and_files_a_dispute_with_a_pdf(portal_url, page, tmp_path):
    page.goto(portal_url + "/")
    page.get_by_role("tab", name="注册").click()
    page.get_by_label("姓名").fill("张伟")
    page.get_by_label("电子邮件").nth(1).fill("zhang.wei@example.com")
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_label("密码（至少 10 个字符）").fill("a good long password")
    page.get_by_role("button", name="创建账户").click()
    page.get_by_text("您尚未提交任何争议").wait_for()

    page.get_by_role("link", name="提交争议").first.click()
    page.get_by_label("贷款机构或服务机构 *").fill("招商银行信用卡中心")
    page.get_by_role("textbox", name="卡号或贷款账号 *").fill("6225 8802 1234 5678")
    page.get_by_label("请用中文或英文描述事情经过 *").fill("自动还款失败，银行却记录逾期并收取违约金。")
    page.get_by_role("spinbutton", name="year, 发现日期 *").click()
    page.keyboard.type("20260910")  # the date field's segments advance by themselves
    page.keyboard.press("Tab")
    page.get_by_label("您希望贷款机构如何处理？ *").click()
    page.get_by_role("option", name="退还罚息或费用").click()
    page.keyboard.press("Escape")
    pdf = SHARED_FIXTURES / "pdf" / "minimal-document.pdf"
    if not pdf.exists():
        pdf = tmp_path / "statement.pdf"
        pdf.write_bytes(pdf_bytes())
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.get_by_label("内容说明").fill("九月对账单")
    page.get_by_role("button", name="确认提交争议").click()
    page.get_by_text("已提交。").first.wait_for()
    page.get_by_role("tab", name="证据").click()
    page.get_by_text("E01").first.wait_for()

    page.get_by_role("link", name="我的争议").click()
    page.get_by_role("link", name="DSP-").first.wait_for()
    assert page.get_by_text("招商银行信用卡中心").is_visible()
