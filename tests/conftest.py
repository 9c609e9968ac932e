"""Shared fixtures: a real DuckDB file and evidence store in a temp folder per test, a fixed
clock, and small factories that take overrides."""

from __future__ import annotations

import io
import shutil
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from dispute import accounts
from dispute.config import Settings
from dispute.context import Context, open_context
from dispute.exhibits import Upload
from dispute.models import User
from dispute.vocab import Role

REPO = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"
NO_FIXTURES = "../shared/fixtures not present (a clone without the shared folder)"
NOW = datetime(2026, 11, 22, 4, 0, tzinfo=timezone.utc)


def raw(db, sql: str, params=()):
    """A statement straight on the database, for tests that look at (or tamper with) the raw
    tables; the portal's own code goes through dispute/storage."""
    return db.read(lambda tx: tx.execute(sql, params))


@pytest.fixture
def fixtures_dir() -> Path:
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(NO_FIXTURES)
    return SHARED_FIXTURES


class Clock:
    """A clock tests can move."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# Test modules whose services and storage run on both backends: the `backend` fixture (and so
# `settings`, `ctx`) is parametrised duckdb/postgresql there, everywhere else it is duckdb.
# A module can also opt in with `pytestmark = pytest.mark.both_backends`. Left on DuckDB alone:
# pages (AppTest), browsers, and modules whose subject is not the database (bundle ZIPs and
# signatures, hostile files at intake, pure functions), to keep the suite within its time.
BOTH_BACKENDS: set[str] = {
    "test_access_matrix", "test_account_security", "test_accounts", "test_audit_listing",
    "test_authorisation", "test_bundle", "test_cases", "test_claims", "test_dashboard",
    "test_deadlines_recount", "test_deadlines_service", "test_documents_access",
    "test_documents_kept", "test_events", "test_keys", "test_local_days", "test_pii",
    "test_notify_mail", "test_queue", "test_records", "test_storage_layer",
    "test_workflow",
}


def pytest_generate_tests(metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if metafunc.definition.get_closest_marker("duckdb_only"):  # about DuckDB's own settings
        return
    if module in BOTH_BACKENDS or metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", ["duckdb", "postgresql"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Which database `settings` (and `ctx`) use: "duckdb", or "postgresql" in a fresh database
    of the session's throwaway cluster."""
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster for the whole session (tests/pg_support.py): `pg_cluster.url(name)`,
    `new_database()` (a copy of the migrated template; `template=None`: empty),
    `drop_database(url)`, `socket_dir`, `bin` (pg_dump, pg_restore, psql). Skips when PostgreSQL
    is not installed (`make test` installs it)."""
    from tests.pg_support import server_bin, start_cluster

    if server_bin() is None:
        pytest.skip("PostgreSQL 15+ is not installed (make system-test installs it)")
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a fresh, migrated PostgreSQL database of its own, dropped after the test."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture
def pg_empty_url(pg_cluster) -> str:
    """The URL of a fresh, empty PostgreSQL database (no tables), dropped after the test."""
    url = pg_cluster.new_database(template=None)
    yield url
    pg_cluster.drop_database(url)


def portal_settings(data_dir: Path, database_url: str | None = None) -> Settings:
    """The settings every test portal uses (a 2 MB upload limit, Shanghai time)."""
    return Settings(data_dir=data_dir, max_upload_mb=2, timezone="Asia/Shanghai",
                    database_url=database_url)


@pytest.fixture(scope="session", autouse=True)
def _one_hash_per_password():
    """Each password is hashed once per test process, its argon2id hash reused for every account
    given that password. The portal's parameters (64 MiB, 3 passes) make a hash 0.1-0.3 s, and
    the tests make well over a thousand accounts, nearly all with the same password. The hash is
    still real argon2id and every sign-in still verifies it; only the salt is shared."""
    made: dict[str, str] = {}
    real = accounts.hash_password

    def hash_once(password: str) -> str:
        if password not in made:
            made[password] = real(password)
        return made[password]

    accounts.hash_password = hash_once
    yield
    accounts.hash_password = real


@pytest.fixture(scope="session")
def duckdb_template(tmp_path_factory) -> Path:
    """A migrated, empty DuckDB file made once per test process. Each test's data directory
    starts from a copy of it (a few milliseconds) instead of running every migration and the
    holiday calendar's first count again (0.4-0.7 s a test, on some 1,500 tests). Only
    the database is copied: each test still makes its own keys, store and folders, and the
    first open of the copy runs everything `open_context` does on an existing portal."""
    settings = portal_settings(tmp_path_factory.mktemp("duckdb-template") / "data")
    context = open_context(settings)
    # The copies make keys of their own: the template's key, recorded on first open, is not theirs.
    context.db.write(lambda uow: uow.execute("DELETE FROM data_keys"))
    context.db.close()
    return settings.db_path


@pytest.fixture
def settings(tmp_path: Path, backend: str, request) -> Settings:
    if backend == "postgresql":
        return portal_settings(tmp_path / "data", request.getfixturevalue("pg_url"))
    settings = portal_settings(tmp_path / "data")
    settings.data_dir.mkdir(mode=0o700)
    shutil.copyfile(request.getfixturevalue("duckdb_template"), settings.db_path)
    return settings


@pytest.fixture
def ctx(settings: Settings):
    context = open_context(settings)
    context.clock = Clock()
    yield context
    context.db.close()


def user_form(**overrides) -> dict:
    form = {"name": "王芳", "email": "wang.fang@example.com", "phone": "+86 138 0013 8000",
            "password": "correct horse battery"}
    return {**form, **overrides}


def make_user(ctx: Context, role: Role = Role.BORROWER, **overrides) -> User:
    form = user_form(**overrides)
    if role == Role.BORROWER:
        return accounts.register(ctx, form)
    return accounts.create_account(ctx, None, {**form, "role": role.value})


def filing_form(**overrides) -> dict:
    form = {
        "institution": "招商银行信用卡中心", "product": "credit_card",
        "account_ref": "6225 8802 1234 5678", "error_category": "autopay_failed",
        "description": "自动还款没有扣款，银行却记录我逾期并收取了违约金。Autopay failed.",
        "error_occurred_on": date(2026, 9, 1), "payment_due_on": date(2026, 9, 5),
        "discovered_on": date(2026, 9, 10), "currency": "CNY", "overdue_minor": "1,234.50",
        "fees_minor": "85.00", "compensation_minor": "0", "remedies": ["fee_reversal",
                                                                      "credit_record_correction"],
    }
    return {**form, **overrides}


def pdf_bytes(text: str = "statement") -> bytes:
    """A small real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(color: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A real, valid PNG of width × height black pixels (1 bit each, so made in well under a
    second): a few hundred KB on disk, width × height bytes or more once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    row = bytes(1 + (width + 7) // 8)  # filter byte "none", then the packed bits
    packer = zlib.compressobj(6)
    rows_per_block = max(1, (1 << 22) // len(row))
    body = bytearray()
    for start in range(0, height, rows_per_block):
        body += packer.compress(row * min(rows_per_block, height - start))
    body += packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(body))
            + chunk(b"IEND", b""))


def image_claiming(fmt: str, width: int, height: int) -> bytes:
    """A small real image (JPEG, TIFF, WEBP or HEIF) whose header says width × height: what
    intake and the previews must judge without decoding a pixel."""
    import struct

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, fmt)
    data = bytearray(out.getvalue())
    if fmt == "JPEG":  # the frame header: marker, length, precision, height, width
        at = data.index(b"\xff\xc0")
        struct.pack_into(">HH", data, at + 5, height, width)
    elif fmt == "TIFF":  # ImageWidth (256) and ImageLength (257) in the first IFD
        ifd = struct.unpack_from("<I", data, 4)[0]
        for entry in range(struct.unpack_from("<H", data, ifd)[0]):
            at = ifd + 2 + 12 * entry
            tag, kind = struct.unpack_from("<HH", data, at)
            if tag in (256, 257):
                struct.pack_into("<H" if kind == 3 else "<I", data, at + 8,
                                 width if tag == 256 else height)
    elif fmt == "WEBP":  # lossy VP8: the frame's width and height after its start code
        at = data.index(b"\x9d\x01\x2a") + 3
        struct.pack_into("<HH", data, at, width, height)
    elif fmt == "HEIF":  # the primary image's spatial extent
        at = data.index(b"ispe") + 8
        struct.pack_into(">II", data, at, width, height)
    else:
        raise ValueError(fmt)
    return bytes(data)


def attach_without_intake(ctx: Context, actor: User, number: str, name: str, data: bytes,
                          media_type: str, kind: str = "photo") -> str:
    """Store `data` as an exhibit the way an older portal, without today's intake checks, did:
    encrypted into the store and recorded through the exhibit service's own steps."""
    import hashlib
    import os
    import tempfile

    from dispute.case_rows import open_row_for_write
    from dispute.exhibits import insert_staged, write_with_files
    from dispute.models import EvidenceMeta
    from evidence.encryption import encrypt_file
    from evidence.store import StagedFile

    fd, temp = tempfile.mkstemp(prefix="stage-", dir=ctx.store.tmp_dir)
    with os.fdopen(fd, "wb") as out:
        sha256 = encrypt_file(io.BytesIO(data), out, ctx.keys.current)
    assert sha256 == hashlib.sha256(data).hexdigest()
    staged = [(StagedFile(sha256, len(data), media_type, name, Path(temp), ctx.store),
               EvidenceMeta(kind=kind, description="stored before the pixel limit"))]

    def write(uow):
        row = open_row_for_write(uow, actor, number)
        return insert_staged(ctx, uow, actor, row["id"], staged)[0]

    return write_with_files(ctx, staged, write)


def upload(name: str, data: bytes, kind: str = "statement", description: str = "对账单",
           recorded_on: date | None = date(2026, 9, 1)) -> Upload:
    return Upload(name, io.BytesIO(data), kind, description, recorded_on)


def store_files(ctx: Context, area: str | None = None) -> list[Path]:
    """Every file in the evidence store (relative paths), or only those under `area`."""
    root = ctx.settings.store_dir
    found = [p.relative_to(root) for p in root.rglob("*")
             if p.is_file() and p.name != ".lock"]  # the store's lock file, not a stored file
    return [p for p in found if area is None or p.parts[0] == area]


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many cells of the access matrix were tried (issue 6 asks to print the number)."""
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])
               if getattr(r, "when", "") == "call" and "test_access_matrix.py::test_cell[" in r.nodeid]
    if reports:
        from dispute.access_matrix import combinations

        failed = sum(1 for r in reports if r.failed)
        terminalreporter.write_line(
            f"access matrix: {len(reports)} combinations tried of {len(combinations())} "
            f"declared, {failed} failed")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (`item.rep_call`), so that a fixture's teardown
    can tell the test failed (the browser tests then save a screenshot)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's script runner (AppTest) installs the page script as `__main__` and leaves it
    there; a later "spawn" child process in the same worker would then run portal.py again as
    its main. Each test gets back the `__main__` it started with."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def _no_scheduler_in_tests(monkeypatch):
    """Pages under AppTest run no background notification thread (it would write while the
    test looks); the tests of the scheduler turn it on themselves."""
    monkeypatch.setenv("DISPUTE_SCHEDULER", "off")


@pytest.fixture
def mail_server(tmp_path):
    """A real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS and login required)."""
    from tests.mail_support import MailServer

    folder = tmp_path / "smtp"
    folder.mkdir()
    server = MailServer(folder).start()
    yield server
    server.stop()


@pytest.fixture
def mail_ctx(settings, mail_server):
    """The service context with the mail server configured (links to portal.example)."""
    from dataclasses import replace

    context = open_context(replace(settings, smtp_url=mail_server.url,
                                   smtp_ca_file=mail_server.ca_file,
                                   mail_from="portal@portal.example",
                                   base_url="https://portal.example"))
    context.clock = Clock()
    yield context
    context.db.close()


DISPUTE_TABS = {"pages/workspace.py": "workspace_tab", "pages/dispute.py": "dispute_tab"}


def open_tab(at, name: str, page: str = "pages/workspace.py"):
    """Open the tab `name` (English; translated into the session's language) of a dispute page
    under AppTest and run it: those pages draw only the open tab, chosen like a click would."""
    from dispute.i18n import translator

    lang = at.session_state["lang"] if "lang" in at.session_state else "en"
    at.session_state[DISPUTE_TABS[page]] = translator(lang)(name)
    return at.run()


def open_form(at, form_key: str):
    """Open the expander of a dispute tab's form (ui/forms.form_box) under AppTest, as a click
    on it does, and run: a folded form's fields are not drawn."""
    at.session_state[f"{form_key}_box"] = True
    return at.run()


def each_tab(at, page: str = "pages/workspace.py"):
    """Run a dispute page under AppTest once with each of its tabs open; yields the page's text
    of every run (for checks that must hold on the whole page, such as what a borrower never
    sees)."""
    for label in [tab.label for tab in at.tabs]:
        at.session_state[DISPUTE_TABS[page]] = label
        at.run()
        assert not at.exception, at.exception
        yield at
