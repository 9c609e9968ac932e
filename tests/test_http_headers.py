"""The portal's HTTP responses carry the security headers (issue 19, finding 10): the real server,
`streamlit run app.py` on a temp data directory (tests/browser_support.py), asked over HTTP."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from dispute.config import Settings
from dispute.context import open_context

from tests.browser_support import data_dir, live_portal  # noqa: F401 (fixtures)

EXPECTED = {
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def test_every_kind_of_response_carries_the_security_headers(live_portal):
    status, _, page = fetch(live_portal.url + "/")
    assert status == 200 and b'<div id="root">' in page
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', page).group(1).decode()
    for path, method in [("/", "GET"), ("/", "HEAD"), ("/_stcore/health", "GET"),
                         ("/" + script, "GET"), ("/_stcore/host-config", "GET")]:
        status, headers, _ = fetch(live_portal.url + path, method)
        assert status == 200, path
        assert {k: headers.get(k) for k in EXPECTED} == EXPECTED, path


def test_an_error_response_carries_them_too(live_portal):
    try:
        fetch(live_portal.url + "/media/no-such-file.png")
    except urllib.error.HTTPError as missing:
        assert missing.code == 404
        headers = {k.lower(): v for k, v in missing.headers.items()}
        assert {k: headers.get(k) for k in EXPECTED} == EXPECTED
    else:
        raise AssertionError("a missing media file was served")


@pytest.fixture
def initialised(data_dir):
    """The data directory after `init` (a portal migrates when its first session runs)."""
    ctx = open_context(Settings(data_dir=data_dir, max_upload_mb=50, timezone="Asia/Shanghai"))
    ctx.db.close()
    return data_dir


def test_healthz_reports_the_database(initialised, live_portal):
    """The health route answers for the portal's database (DuckDB here; its PostgreSQL answers
    are checked in tests/test_postgresql.py), with the security headers like every response."""
    import json

    status, headers, body = fetch(live_portal.url + "/healthz")
    report = json.loads(body)
    assert status == 200 and report["ok"] is True, report
    assert report["backend"] == "duckdb" and report["database"] == "ok"
    assert report["schema_version"] == report["code_version"] >= 11
    assert headers["cache-control"] == "no-store"
    assert {k: headers.get(k) for k in EXPECTED} == EXPECTED
