"""`GET /healthz` on the portal's server (app.py): 200 when this process's database answers and
has the schema this code ships, 503 otherwise, with a small JSON body for a load balancer or a
monitor. It says which state the database is in but not where it is (no host, user or path: the
route is public unless the proxy hides it). `python -m dispute health` prints the details."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from dispute.config import load_settings
from dispute.health import Health, check


def body(report: Health) -> dict:
    if report.ok:
        state = "ok"
    elif report.round_trip_ms is None:
        state = "unavailable"
    elif report.schema_version is not None and report.schema_version > report.code_version:
        state = "schema newer than the code"
    else:
        state = "schema behind the code"
    return {"ok": report.ok, "backend": report.backend, "database": state,
            "schema_version": report.schema_version, "code_version": report.code_version,
            "round_trip_ms": None if report.round_trip_ms is None
            else round(report.round_trip_ms, 2)}


async def healthz(request: Request) -> JSONResponse:
    report = await run_in_threadpool(lambda: check(load_settings()))
    return JSONResponse(body(report), status_code=200 if report.ok else 503,
                        headers={"Cache-Control": "no-store"})
