"""The queue's text index: kept by the writes that change a description, rebuilt by the
migration and `search reindex`, and giving the same rows, in the same order, with the same
counts, as the scan of every description it replaces."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dispute import cases, corrections, workflow
from dispute.queue import QueueFilter, queue
from dispute.search_text import plan, terms
from dispute.storage import disputes, migrate, search_index
from dispute.storage import queue as queue_rows
from dispute.vocab import Role, Stage
from tests.conftest import filing_form, make_user, raw
from tests.test_workflow import FORMS

pytestmark = pytest.mark.both_backends

DESCRIPTIONS = [
    "征信报告上出现了一笔不属于我的逾期记录，要求更正征信。",
    "自动还款失败后银行没有任何短信通知，涉及金额12345元。",
    "The autopay failed and nobody told me. Late fee of 85.00 CNY charged.",
    "My credit report lists a default that is not mine; Credit-Reporting error!",
    "银行多收取了违约金（Late Fee）和滞纳金，Autopay 失败。",
    "Overloaded loans: LOAN-2026/07 was credited to the wrong account.",
    "征一笔钱。信用卡被盗刷，金额 1,234.50 元；报告编号 A-99。",
    "Straße und Kelvin \u212a: die Gebühr wurde doppelt belastet.",
    "提前还款后仍被扣取了利息，信息有误",
    "Customer service keeps closing my ticket (ref #4411) without an answer.",
    "年费在首年免收的承诺没有兑现 annual fee 年费",
    "征信",
    # Every term of some phrases searched, but not the phrases: 自动还款, "credit report".
    "动还是不动？还款和自动。The report said: credit limit reduced, no loan.",
]

QUERIES = [
    "征信", "征", "信", "额", "征信报告", "一笔不属于我", "报告上出现", "不存在的词",
    "late", "LATE FEE", "fee", "credit", "Credit-Reporting", "report", "loan", "LOAN-2026/07",
    "autopay 失败", "Late Fee）和", "12345", "1,234.50", "85.00", "234", "#4411", "(ref",
    "strasse", "STRASSE", "ß", "kelvin k", "k", "gebühr", "annual fee 年费", "fee 年",
    "nothing-like-this", "zzz", "!", "（", ";", "2026", "A-99", "征一", "一笔", "信息",
    "  征信  ", "wrong account.", "o", "征信报告上出现了一笔不属于我的逾期记录，要求更正征信",
    "My credit report lists a default that is not mine; credit-reporting",
    # Terms together in descriptions without the phrase; terms each somewhere, never together;
    # words found through longer vocabulary words.
    "自动还款", "还款和自动", "credit report", "Report Credit", "还款 自动", "fee credit",
    "征信报告编号", "REDIT REPOR", "OAN-2026", "oan, redit", "epor sai",
    # Three and four CJK characters (one term each), five (its four-character pieces); two
    # words with one space (a pair, whole or parts of its words), three words, two spaces.
    "征信报", "信报告", "报告上出", "逾期记录", "一笔不属", "报告上出现", "自动还款失败", "信用卡被盗",
    "late fee", "Late Fee", "autopay failed", "utopay faile", "credit limit", "said: credit",
    "the wrong account", "wrong  account", "Kelvin K", "und kelvin", "nobody told me",
]


@pytest.fixture
def book(ctx):
    staff = make_user(ctx, Role.STAFF, email="staff@example.com", name="李静")
    people = [make_user(ctx, email=f"b{i}@example.com", name=n)
              for i, n in enumerate(["王芳", "Zhang Wei", "刘洋"])]
    numbers = []
    for i, text in enumerate(DESCRIPTIONS * 2):
        ctx.clock.now += timedelta(hours=7)
        numbers.append(cases.file_dispute(ctx, people[i % 3], filing_form(
            description=text if i < len(DESCRIPTIONS) else text.upper(),
            discovered_on=date(2026, 9, 10))))
    for n in numbers[:6]:
        workflow.move(ctx, staff, n, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, numbers[0], "to_mediation", FORMS["to_mediation"])
    return staff, people, numbers


def scan_every_description(monkeypatch) -> None:
    """Today's search before the index: the literal check on every description, no window,
    by the regular expression alone (the substring search of a text with no case is checked
    against it)."""
    monkeypatch.setattr(search_index, "lookup", lambda tx, text: None)
    monkeypatch.setattr(queue_rows, "caseless", lambda text: False)
    monkeypatch.setattr(queue_rows, "page_window", lambda f, r, size, matches: None)


def every_page(ctx, staff, f: QueueFilter) -> list:
    pages, cursor = [], None
    while True:
        page = queue(ctx, staff, f, after=cursor, size=4)
        pages.append((page.rows, page.counts, page.total, page.next_cursor))
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_the_index_gives_exactly_what_the_scan_gave(ctx, book, monkeypatch):
    staff, _, _ = book
    filters = [QueueFilter(text=q, sort=sort, stage=stage) for q in QUERIES
               for sort, stage in (("newest", None), ("oldest", Stage.FILED),
                                   ("activity", Stage.NEGOTIATION))]
    indexed = [every_page(ctx, staff, f) for f in filters]
    assert sum(p[0][2] for p in indexed) > 50           # the searches find something
    assert any(p[0][2] == 0 for p in indexed)           # and some find nothing
    # Pages read through a window of the queue first (a common term's way), the window full
    # or too small, then read the whole way.
    windowed = {}
    for per_row in (1, 3):
        monkeypatch.setattr(queue_rows, "WINDOW_FROM", 1)
        monkeypatch.setattr(queue_rows, "WINDOW_PER_ROW", per_row)
        windowed[per_row] = [every_page(ctx, staff, f) for f in filters]
    monkeypatch.undo()
    # Every search the index cannot answer exactly taken as common: counted by a scan.
    every_share_common(monkeypatch)
    common = [every_page(ctx, staff, f) for f in filters]
    monkeypatch.undo()
    scan_every_description(monkeypatch)
    scanned = [every_page(ctx, staff, f) for f in filters]
    for f, new, old, w1, w3, c in zip(filters, indexed, scanned, windowed[1], windowed[3],
                                      common):
        assert new == old == w1 == w3 == c, f"search {f.text!r}, sort {f.sort}, stage {f.stage}"


def every_share_common(monkeypatch, share: float = 0.0) -> None:
    monkeypatch.setattr(search_index, "_CAP", 1)
    monkeypatch.setattr(search_index, "_COMMON_SHARE",
                        {k: share for k in search_index._COMMON_SHARE})


def test_a_search_in_a_large_share_of_the_book_is_counted_by_a_scan(ctx, book, monkeypatch):
    """Its rarest group's postings reaching the backend's share of the disputes, a search's
    counts read every description instead of checking its candidates one by one."""
    staff, _, _ = book
    f = QueueFilter(text="征信报告上")
    q = ctx.db.read(search_index.lookup, "征信报告上")
    assert not q.common   # 信报告上 in 2 of 26 disputes: below 10,000
    resolved = queue_rows.Resolved(actor_id=staff.id, today=date(2026, 12, 1), text_index=q)
    assert "search_terms" in queue_rows.count_statement(f, resolved, ctx.db.backend)[0]
    before = queue(ctx, staff, f)
    book_size = sum(queue(ctx, staff, QueueFilter()).counts.values())
    assert book_size == 2 * len(DESCRIPTIONS)
    every_share_common(monkeypatch, 2.5 / book_size)   # at most 2 postings: 信报告上's 2 reach it
    q = ctx.db.read(search_index.lookup, "征信报告上")
    assert q.common and q.checked[0] == ("信报告上",)
    resolved = queue_rows.Resolved(actor_id=staff.id, today=date(2026, 12, 1), text_index=q)
    sql, params = queue_rows.count_statement(f, resolved, ctx.db.backend)
    assert "search_terms" not in sql and "征信报告上" in params
    assert queue(ctx, staff, f) == before
    every_share_common(monkeypatch, 3.5 / book_size)   # 3 postings: 信报告上's 2 do not
    assert not ctx.db.read(search_index.lookup, "征信报告上").common


def test_searches_use_the_index(ctx, book):
    staff, _, _ = book
    ctx.db.write(lambda uow: (uow.execute("DELETE FROM search_terms"),
                              uow.execute("DELETE FROM search_term_stages")))
    assert queue(ctx, staff, QueueFilter(text="征信")).total == 0      # the index decides
    assert queue(ctx, staff, QueueFilter(text="late fee")).total == 0
    assert queue(ctx, staff, QueueFilter(text="!")).total > 0          # punctuation scans


def test_filing_and_correcting_keep_the_index(ctx, book):
    _, people, numbers = book
    staff = book[0]
    number = numbers[7]                      # still `filed`: only the first six moved on
    dispute_id = ctx.db.read(disputes.id_by_number, number)
    assert set(ctx.db.read(search_index.terms_of, dispute_id)) == terms(DESCRIPTIONS[7])
    corrections.correct_filing(ctx, people[7 % 3], number, filing_form(
        description="扣款重复 Duplicate debit", discovered_on=date(2026, 9, 10)))
    assert set(ctx.db.read(search_index.terms_of, dispute_id)) == {
        "扣", "款", "重", "复", "扣款", "款重", "重复", "扣款重", "款重复", "扣款重复",
        "duplicate", "debit", "duplicate debit"}
    assert [r.number for r in queue(ctx, staff, QueueFilter(text="款重")).rows] == [number]
    assert number not in {r.number for r in queue(ctx, staff,
                                                  QueueFilter(text="gebühr")).rows}


def test_a_failed_write_leaves_no_terms(ctx, book):
    _, people, _ = book
    before = ctx.db.read(search_index.count)

    def fail(uow):
        search_index.index(uow, "00000000-0000-0000-0000-000000000001", "回滚的文字", "filed")
        raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        ctx.db.write(fail)
    assert ctx.db.read(search_index.count) == before


def test_rebuild_gives_the_index_the_writes_kept(ctx, book):
    staff, _, _ = book
    kept = raw(ctx.db, "SELECT dispute_id, term FROM search_terms ORDER BY 1, 2").rows
    counted = raw(ctx.db, "SELECT term, stage, n FROM search_term_stages WHERE n > 0 "
                          "ORDER BY 1, 2").rows
    words = raw(ctx.db, "SELECT term, plain FROM search_words ORDER BY 1").rows
    pairs = raw(ctx.db, "SELECT term, plain FROM search_pairs ORDER BY 1").rows
    assert ("kelvin k", False) in [tuple(p) for p in pairs]   # the Kelvin sign: not plain
    assert ctx.db.write(search_index.rebuild) == len(DESCRIPTIONS) * 2
    assert raw(ctx.db, "SELECT dispute_id, term FROM search_terms ORDER BY 1, 2").rows == kept
    assert raw(ctx.db, "SELECT term, stage, n FROM search_term_stages ORDER BY 1, 2").rows == \
        counted
    assert raw(ctx.db, "SELECT term, plain FROM search_words ORDER BY 1").rows == words
    assert raw(ctx.db, "SELECT term, plain FROM search_pairs ORDER BY 1").rows == pairs


def test_the_migration_indexes_disputes_filed_before_it(ctx, book):
    staff, _, _ = book
    expected = queue(ctx, staff, QueueFilter(text="征信")).total
    ctx.db.write(lambda uow: (uow.execute("DROP TABLE search_terms"),
                              uow.execute("DROP TABLE search_words"),
                              uow.execute("DROP TABLE search_pairs"),
                              uow.execute("DROP TABLE search_term_stages"),
                              uow.execute("DELETE FROM schema_migrations "
                                          "WHERE version IN (18, 27)")))
    assert migrate.migrate(ctx.db) == ["0018_search_index.sql", "0027_search_pairs.sql"]
    assert ctx.db.read(search_index.count) > 0
    if ctx.db.backend == "postgresql":   # dropped for the bulk load, made again after it
        assert raw(ctx.db, "SELECT indexname FROM pg_indexes WHERE tablename = 'search_terms' "
                           "ORDER BY 1").column() == sorted(search_index.PG_INDEXES)
    assert queue(ctx, staff, QueueFilter(text="征信")).total == expected == 4


def test_plan_of_a_search():
    assert plan("征信") == plan("征信").__class__(("征信",), (), True)
    assert plan("征").terms == ("征",) and plan("征").exact
    assert plan("征信报告").terms == ("征信报告",) and plan("征信报告").exact
    assert plan("报告上出现").terms == ("告上出现", "报告上出") and not plan("报告上出现").exact
    assert plan("Late").words == ("late",) and not plan("Late").exact
    assert plan("Straße").words == ("strasse",)   # wider than the literal check, which decides
    fee = plan("Late Fee")
    assert not fee.exact and fee.pair and fee.pairs == ("late fee",) and fee.words == ()
    assert not plan("late  fee").pair and plan("late  fee").words == ("fee", "late")
    assert not plan("Straße x").pair and plan("Straße x").pairs == ("strasse x",)
    three = plan("nobody told me")
    assert not three.pair and three.pairs == ("nobody told", "told me") and three.words == ()
    assert not plan("征 信").exact and plan("征 信").terms == ("信", "征")
    assert plan("!?") is None
    long = plan("征信报告上出现了一笔不属于我的逾期记录 credit report lists")
    assert len(long.terms) + len(long.words) + len(long.pairs) == 8 and not long.exact
    assert set(long.pairs) == {"credit report", "report lists"} and long.words == ()


def test_terms_of_a_description():
    """CJK pieces of one to four characters, folded words, and folded pairs of words with one
    space between them (not across punctuation, two spaces or CJK)."""
    assert terms("征信报告") == {"征", "信", "报", "告", "征信", "信报", "报告", "征信报",
                                 "信报告", "征信报告"}
    assert "征信报告上" not in terms("征信报告上") and "信报告上" in terms("征信报告上")
    assert terms("My Credit report, late  fee 征信 ok") == {
        "my", "credit", "report", "late", "fee", "ok", "征", "信", "征信",
        "my credit", "credit report"}


def test_exact_searches_take_the_postings_alone(ctx, book):
    """One to four CJK characters, one ASCII word and two ASCII words with a space are answered
    by the postings with no literal check; a longer phrase is checked on the candidates holding
    all its terms."""
    staff, _, numbers = book
    planted = ctx.db.read(disputes.id_by_number, numbers[9])  # "Customer service keeps …"
    ctx.db.write(lambda uow: uow.execute(
        "INSERT INTO search_terms (dispute_id, term) VALUES (?, '征信'), (?, '征'), "
        "(?, 'autopay'), (?, '征信报告'), (?, '信报告上'), (?, 'credit report')",
        (planted,) * 6))
    found = lambda text: {r.number for r in queue(ctx, staff, QueueFilter(text=text)).rows}
    assert numbers[9] in found("征信") and numbers[9] in found("征")
    assert numbers[9] in found("AutoPay") and numbers[9] in found("征信报告")
    assert numbers[9] in found("Credit Report")
    assert numbers[9] not in found("征信报告上")           # checked: the text has no 征信报告上
    assert numbers[9] not in found("autopay 失败")
    assert numbers[9] not in found("my credit report")


def test_candidates_hold_every_term_of_the_search(ctx, book):
    """A phrase's candidates are the disputes holding all its terms: a dispute whose postings
    lack one of them (not the rarest) is not checked, so not found, though its text has the
    phrase; terms each held but never together find nothing without a literal check."""
    staff, _, numbers = book
    found = lambda text: {r.number for r in queue(ctx, staff, QueueFilter(text=text)).rows}
    assert numbers[1] in found("自动还款失败") and numbers[12] not in found("自动还款")
    first = ctx.db.read(disputes.id_by_number, numbers[1])
    q = ctx.db.read(search_index.lookup, "自动还款失败")
    assert q.checked == (("动还款失",), ("自动还款",), ("还款失败",))  # each in 2: in order
    ctx.db.write(lambda uow: uow.execute(
        "DELETE FROM search_terms WHERE dispute_id = ? AND term = '还款失败'", (first,)))
    assert numbers[1] not in found("自动还款失败")
    assert ctx.db.read(search_index.lookup, "fee, credit").checked  # both held, never together
    assert queue(ctx, staff, QueueFilter(text="fee, credit")).total == 0
    assert ctx.db.read(search_index.lookup, "fee credit") == search_index.IndexQuery()  # no pair
    assert ctx.db.read(search_index.lookup, "征信不存在") == search_index.IndexQuery()


def test_lookup_chooses_the_rarest_term_and_plain_words(ctx, book):
    q = ctx.db.read(search_index.lookup, "报告上出现了")   # every term, the rarest first
    assert q.exact == () and set(q.checked) == {("报告上出",), ("告上出现",), ("上出现了",)}
    assert ctx.db.read(search_index.lookup, "征信") == search_index.IndexQuery(exact=("征信",))
    assert ctx.db.read(search_index.lookup, "征信报告") == search_index.IndexQuery(
        exact=("征信报告",))
    assert ctx.db.read(search_index.lookup, "redit repor") == search_index.IndexQuery(
        exact=("credit report",))
    assert ctx.db.read(search_index.lookup, "late fee").exact == ("late fee",)
    assert ctx.db.read(search_index.lookup, "credit error") == search_index.IndexQuery()
    kelvin = ctx.db.read(search_index.lookup, "kelvin k")   # the Kelvin sign: checked
    assert kelvin.exact == () and kelvin.checked == (("kelvin k",),)
    fee = ctx.db.read(search_index.lookup, "fee")
    assert set(fee.exact) == {"fee"} and fee.checked == ()
    assert ctx.db.read(search_index.lookup, "gebühr") is not None
    assert ctx.db.read(search_index.lookup, "gebühr").exact == ()   # not ASCII: checked
    k = ctx.db.read(search_index.lookup, "k")
    assert "k" in k.checked[0] and "kelvin" in k.exact   # the Kelvin sign folds to k: checked
    assert ctx.db.read(search_index.lookup, "zzz") == search_index.IndexQuery()
    assert ctx.db.read(search_index.lookup, "!") is None


def test_counts_per_stage_of_a_term_follow_moves_and_corrections(ctx, book):
    """The counts kept per term and stage are the postings joined to the disputes' stages,
    after filings, stage moves and a correction."""
    staff, people, numbers = book
    corrections.correct_filing(ctx, people[8 % 3], numbers[8], filing_form(
        description="征信有误", discovered_on=date(2026, 9, 10)))
    workflow.move(ctx, staff, numbers[8], "acknowledge", FORMS["acknowledge"])
    joined = raw(ctx.db, "SELECT t.term, d.stage, count(*) FROM search_terms t JOIN disputes d "
                         "ON d.id = t.dispute_id GROUP BY 1, 2 ORDER BY 1, 2").rows
    kept = raw(ctx.db, "SELECT term, stage, n FROM search_term_stages WHERE n > 0 "
                       "ORDER BY 1, 2").rows
    assert [tuple(r) for r in kept] == [tuple(r) for r in joined]
    assert ctx.db.read(search_index.stage_counts, "有误") == {"negotiation": 1, "filed": 1}


@pytest.mark.duckdb_only
def test_rebuild_bounds_duckdb_memory_then_sets_it_back(ctx, book, monkeypatch):
    assert ctx.db.backend == "duckdb"
    setting = lambda tx: tx.execute("SELECT current_setting('memory_limit')").scalar()  # noqa: E731
    during, real = [], search_index._rebuild
    monkeypatch.setattr(search_index, "_rebuild", lambda tx: (during.append(setting(tx)),
                                                              real(tx))[1])
    for limit, expected in (("8GB", "2.7 GiB"), ("1GB", "953.6 MiB")):
        ctx.db.write(lambda uow: uow.execute(f"SET memory_limit = '{limit}'"))
        before = ctx.db.read(setting)
        assert ctx.db.write(search_index.rebuild) == len(DESCRIPTIONS) * 2
        assert during[-1] == expected          # bounded, or a lower limit left as it was
        after = search_index._bytes(ctx.db.read(setting))  # set back (DuckDB shows it rounded)
        assert abs(after - search_index._bytes(before)) <= 0.02 * after
