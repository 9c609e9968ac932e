"""`python -m dispute document …` as a real process on a real data directory."""

from __future__ import annotations

import pytest

from tests.test_cli import run
from tests.documents_case import build, docx_text, pdf_text, squeeze


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("documents-cli") / "data"
    world = build(path)
    numbers = {"decided": world.decided, "us": world.us}
    world.ctx.db.close()          # DuckDB lets one process hold the file
    return path, numbers


def test_list_prints_every_kind(tmp_path):
    result = run(tmp_path / "data", "document", "--list")
    assert result.returncode == 0, result.stderr
    for kind in ("complaint_letter", "civil_complaint", "evidence_list", "notice_of_error",
                 "error_response"):
        assert kind in result.stdout
    assert "12 CFR 1024.35" in result.stdout and "第一百二十四条" in result.stdout


def test_a_borrower_makes_a_docx_and_a_pdf_and_is_told_the_blanks(data, tmp_path):
    path, numbers = data
    env = {"DISPUTE_CLI_USER": "wang.fang@example.com"}
    docx = tmp_path / "out" / "complaint.docx"
    made = run(path, "document", numbers["decided"], "complaint_letter", "--out", str(docx),
               env=env)
    assert made.returncode == 0, made.stderr
    assert "complaint_letter" in made.stdout and "【待填：证件号码】" in made.stdout
    assert "6225880212345678" in docx_text(docx.read_bytes())
    pdf = tmp_path / "notice.pdf"
    made = run(path, "document", numbers["us"], "notice_of_error", "--out", str(pdf),
               "--lang", "en", env=env)
    assert made.returncode == 0, made.stderr
    assert "Notice of Error" in pdf_text(pdf) and "[to be completed:" in made.stdout
    assert not list(tmp_path.glob(".*.part"))


def test_refusals_exit_non_zero_and_write_nothing(data, tmp_path):
    path, numbers = data
    out = tmp_path / "x.pdf"
    foreign = run(path, "document", numbers["decided"], "complaint_letter", "--out", str(out),
                  env={"DISPUTE_CLI_USER": "hostile@example.com"})
    assert foreign.returncode == 1 and f"No dispute {numbers['decided']} was found." in \
        foreign.stderr
    staff = run(path, "document", numbers["decided"], "complaint_letter", "--out", str(out))
    assert staff.returncode == 1 and "Your role may not do this." in staff.stderr
    wrong = run(path, "document", numbers["decided"], "complaint_letter", "--out",
                str(tmp_path / "x.odt"), env={"DISPUTE_CLI_USER": "wang.fang@example.com"})
    assert wrong.returncode == 2 and ".docx, .pdf" in wrong.stderr
    usage = run(path, "document", numbers["decided"])
    assert usage.returncode == 2 and "--list" in usage.stderr
    assert not out.exists() and not (tmp_path / "x.odt").exists()


def test_the_staff_account_writes_the_decision_letter(data, tmp_path):
    path, numbers = data
    out = tmp_path / "decision.docx"
    made = run(path, "document", numbers["decided"], "decision_letter", "--out", str(out),
               "--lang", "en")
    assert made.returncode == 0, made.stderr
    text = squeeze(docx_text(out.read_bytes()))
    assert "DecisiononYourComplaint" in text and "6225********5678" in text
