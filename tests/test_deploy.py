"""deploy/'s nginx configuration with real nginx and two real upstream servers standing in for
portal processes (each says which it is over HTTP and over a websocket on /_stcore/stream): a
browser's requests and its websocket stay on one process, several browsers are spread, uploads
up to DISPUTE_MAX_UPLOAD_MB pass and larger ones are refused, a dead process's browsers move."""

from __future__ import annotations

import http.cookiejar
import multiprocessing as mp
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.deploy_support import Nginx, free_port, listening

SPAWN = mp.get_context("spawn")


def _upstream(port: int, ready) -> None:
    """A stand-in portal process on the server Streamlit uses (Starlette under uvicorn, with its
    keep-alive): every HTTP request answers its port; /_stcore/stream echoes with it."""
    from contextlib import asynccontextmanager

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route, WebSocketRoute

    async def page(request):
        await request.body()
        return PlainTextResponse(f"process {port}")

    async def stream(ws):
        await ws.accept()
        while True:
            message = await ws.receive_text()
            await ws.send_text(f"process {port}: {message}")

    @asynccontextmanager
    async def lifespan(app):
        ready.set()
        yield

    app = Starlette(routes=[WebSocketRoute("/_stcore/stream", stream),
                            Route("/{path:path}", page, methods=["GET", "POST", "PUT"])],
                    lifespan=lifespan)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


@pytest.fixture
def two_processes(tmp_path: Path):
    ports = [free_port(), free_port()]
    procs = []
    for port in ports:
        ready = SPAWN.Event()
        proc = SPAWN.Process(target=_upstream, args=(port, ready), daemon=True)
        proc.start()
        assert ready.wait(timeout=60)
        procs.append(proc)
        deadline = time.monotonic() + 30
        while not listening(port):  # uvicorn binds just after its start-up hook
            assert time.monotonic() < deadline
            time.sleep(0.02)
    nginx = Nginx(tmp_path / "nginx", ports, max_upload_mb=1).start()
    try:
        yield nginx, ports, procs
    finally:
        nginx.stop()
        for proc in procs:
            proc.kill()
            proc.join(timeout=30)


def _browser():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _get(opener, url: str) -> str:
    with opener.open(url, timeout=30) as r:
        return r.read().decode()


def test_the_checked_in_config_is_what_the_renderer_writes_and_nginx_accepts(tmp_path):
    rendered = subprocess.run([sys.executable, str(REPO / "deploy/render_nginx.py"),
                               "--ports", "8501-8502", "--max-upload-mb", "50"],
                              check=True, capture_output=True, text=True).stdout
    assert rendered == (REPO / "deploy/nginx/dispute.conf").read_text()
    nginx = Nginx(tmp_path / "n", [8501, 8502])
    conf = nginx.config()
    check = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(tmp_path / "n")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "client_max_body_size 52m;" in rendered


def test_a_browser_stays_on_one_process_and_browsers_are_spread(two_processes) -> None:
    nginx, ports, _ = two_processes
    seen = set()
    for _ in range(12):
        browser = _browser()
        first = _get(browser, nginx.url + "/")
        assert all(_get(browser, nginx.url + f"/page{i}") == first for i in range(5))
        seen.add(first)
    assert seen == {f"process {p}" for p in ports}  # 12 browsers did not all land on one


def test_the_websocket_goes_to_the_browser_process(two_processes) -> None:
    from websockets.sync.client import connect

    nginx, _, _ = two_processes
    browser = _browser()
    jar = browser.handlers
    process = _get(browser, nginx.url + "/")
    cookie = next(h for h in jar if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar
    header = "; ".join(f"{c.name}={c.value}" for c in cookie)
    assert "dispute_route=" in header
    with connect(nginx.url.replace("http", "ws") + "/_stcore/stream",
                 additional_headers={"Cookie": header}, open_timeout=30) as ws:
        for i in range(3):
            ws.send(f"rerun {i}")
            assert ws.recv(timeout=30) == f"{process}: rerun {i}"


def test_uploads_up_to_the_limit_pass_and_larger_ones_are_refused(two_processes) -> None:
    nginx, _, _ = two_processes  # rendered with --max-upload-mb 1: bodies up to 3 MB pass
    browser = _browser()
    ok = urllib.request.Request(nginx.url + "/_stcore/upload_file/x", data=b"x" * (1 << 20),
                                method="PUT")
    assert _get(browser, ok).startswith("process")
    big = urllib.request.Request(nginx.url + "/_stcore/upload_file/x", data=b"x" * (4 << 20),
                                 method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(browser, big)
    assert refused.value.code == 413


def test_a_dead_process_browsers_move_to_the_other(two_processes) -> None:
    nginx, ports, procs = two_processes
    browser = _browser()
    first = _get(browser, nginx.url + "/")
    dead = ports.index(int(first.split()[1]))
    procs[dead].kill()
    procs[dead].join(timeout=30)
    assert _get(browser, nginx.url + "/") == f"process {ports[1 - dead]}"
    assert _get(browser, nginx.url + "/healthz") == f"process {ports[1 - dead]}"
