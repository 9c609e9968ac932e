"""A large, varied dispute book for the queue benchmark, written in bulk by DuckDB itself, and
copied as it is into PostgreSQL when the benchmark runs there too.

DuckDB (`generate_duckdb`): every row comes from `INSERT … SELECT … FROM range(n)`: the values
are hashes of the row number picked through phrase and name pools, so a million disputes take
well under a minute and the same `n` always gives the same data. Filing times rise with the row
number, as they would in a book that was filled one filing at a time.

PostgreSQL (`copy_to_postgresql`): the rows DuckDB generated are streamed into a migrated
PostgreSQL database with `COPY … FROM STDIN`, table by table, then `VACUUM ANALYZE`d as a settled
database would be. Both backends then hold the very same book (the same ids, numbers, sealed
names under the same data directory's keys), so their timings compare like with like.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from dispute.storage import Database
from dispute.storage import dashboard_counts
from dispute.storage.queue_counts import RECOUNT

NOW = datetime(2026, 11, 22, 4, 0)           # naive UTC, as stored
SPAN = timedelta(days=3 * 365)               # filings spread over three years
STAFF = 40                                   # handlers (staff); a few legal besides
LEGAL = 6
# What the generator writes, parents before children (the order a copy must follow).
TABLES = ("users", "disputes", "mediation", "mediation_sessions", "litigation", "hearings")

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
            "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯"]
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "婷婷", "海燕",
         "志强", "文博", "子涵", "雨轩", "浩然"]
FIRST = ["James", "Mary", "John", "Linda", "Michael", "Sarah", "David", "Emma", "Daniel",
         "Olivia", "Wei", "Mei", "Peter", "Grace", "Thomas", "Lucy", "Andrew", "Chloe", "Kevin",
         "Sophie", "Ming", "Hannah", "Jason", "Amy"]
LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Chen", "Wong", "Lee", "Zhang",
        "Clarke", "Evans", "Walker", "Hughes", "Green", "Hall", "Turner", "Lin", "Ho", "Ng",
        "Patel", "Murphy", "Kelly"]

# Most named first: a skewed share of the book, as complaints are.
INSTITUTIONS = [
    "招商银行", "中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "平安银行",
    "交通银行", "浦发银行", "中信银行", "兴业银行", "民生银行", "光大银行", "花呗（蚂蚁消费金融）",
    "微粒贷（微众银行）", "京东金融", "广发银行", "华夏银行", "北京银行", "上海银行", "宁波银行",
    "招联消费金融", "马上消费金融", "捷信消费金融", "度小满金融", "360借条", "Citibank",
    "HSBC", "Standard Chartered", "Bank of East Asia", "DBS Bank", "Hang Seng Bank",
    "American Express", "Capital One", "Wells Fargo", "Barclays", "Home Credit",
]
PRODUCTS = ["credit_card", "personal_loan", "mortgage", "car_loan", "other"]
PRODUCT_WEIGHTS = [45, 30, 10, 8, 7]
CATEGORIES = ["wrong_agent_info", "deferral_not_recorded", "autopay_failed",
              "payment_not_credited", "payment_misapplied", "fee_in_error",
              "wrong_credit_report", "collection_in_error", "account_changed", "other"]

ZH_PHRASES = [
    "我于上月按时足额还款，但银行系统显示逾期", "自动还款失败后银行没有任何短信通知",
    "客服人员电话中承诺延期还款，却未在系统中登记", "征信报告上出现了一笔不属于我的逾期记录",
    "银行多收取了违约金和滞纳金，要求全额退还", "催收人员多次在夜间拨打我的电话并骚扰家人",
    "还款已经到账却被记入了另一张信用卡", "分期手续费的计算方式与合同约定不一致",
    "账户信息在我不知情的情况下被修改", "我已提交了银行流水和还款凭证作为证据",
    "多次拨打客服热线均未得到明确答复", "请求更正征信记录并恢复我的信用额度",
    "这一错误导致我的房贷申请被拒绝", "银行承认系统故障但拒绝承担责任",
    "对方在通话录音中明确同意减免利息", "我希望通过调解解决这一纠纷",
    "年费在首年免收的承诺没有兑现", "提前还款后仍被扣取了利息",
]
EN_PHRASES = [
    "I paid the full amount before the due date but the account shows a late payment.",
    "The autopay failed and nobody told me until a collector called.",
    "The agent promised a deferral on the phone and it was never recorded.",
    "A late fee was charged in error and has not been refunded.",
    "My credit report now lists a default that is not mine.",
    "The payment was credited to the wrong account.",
    "Collectors called my employer several times this month.",
    "I attach my bank statement and the payment receipt as evidence.",
    "The interest was calculated differently from the contract.",
    "Customer service keeps closing my ticket without an answer.",
    "I ask for the record to be corrected and the fees reversed.",
    "The annual fee waiver I was promised was not honoured.",
]


def _list(pool: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in pool) + "]"


def _pick(pool: list[str], seed: str) -> str:
    """SQL for an element of `pool` chosen by a hash of the row number `i` and `seed`."""
    return f"{_list(pool)}[1 + hh(i, '{seed}') % {len(pool)}]"


def _unit(seed: str) -> str:
    """SQL for a uniform number in [0, 1) from a hash of `i` and `seed`."""
    return f"((hh(i, '{seed}') % 1000003) / 1000003.0)"


def _weighted(values: list[str], weights: list[int], seed: str) -> str:
    total, bound, arms = sum(weights), 0.0, []
    for value, weight in zip(values, weights):
        bound += weight / total
        arms.append(f"WHEN {_unit(seed)} < {bound:.6f} THEN '{value}'")
    return f"CASE {' '.join(arms[:-1])} ELSE '{values[-1]}' END"


def _description(seed: str) -> str:
    """100–300 characters: 6–12 Chinese phrases or 2–4 English ones, then the amount."""
    zh = [f"CASE WHEN n_zh > {k} THEN {_pick(ZH_PHRASES, seed + str(k))} END" for k in range(12)]
    en = [f"CASE WHEN n_en > {k} THEN {_pick(EN_PHRASES, seed + str(k))} END" for k in range(5)]
    return (f"CASE WHEN zh THEN concat_ws('，', {', '.join(zh)}) || '，涉及金额' || "
            f"(hh(i, 'amt') % 20000) || '元。' ELSE concat_ws(' ', {', '.join(en)}) || "
            f"' Amount in dispute: ' || (hh(i, 'amt') % 20000) || ' CNY.' END")


def generate_duckdb(db: Database, cases: int, borrowers: int, keys=None) -> dict[str, int]:
    """Fill an empty, migrated DuckDB database; returns the row counts written. With `keys`, names
    and phones are sealed as the portal stores them (dispute/storage/sealing.py), with the name index."""
    conn = db.raw_connection()
    if keys is not None:  # registered before the transaction, which would not see them
        from dispute.storage.sealing import (USER_EMAIL, USER_NAME, USER_PHONE, email_index,
                                             name_index, seal_text)

        for name, fn, args in (
                ("bench_seal_name", lambda v, i: seal_text(keys, v, USER_NAME, i, i), 2),
                ("bench_seal_phone", lambda v, i: seal_text(keys, v, USER_PHONE, i, i), 2),
                ("bench_seal_email", lambda v, i: seal_text(keys, v, USER_EMAIL, i, i), 2),
                ("bench_name_idx", lambda v: name_index(keys, v), 1),
                ("bench_email_idx", lambda v: email_index(keys, v), 1)):
            conn.create_function(name, fn, ["VARCHAR"] * args, "VARCHAR", side_effects=False)
    cur = conn.cursor()
    now, start = NOW.isoformat(sep=" "), (NOW - SPAN).isoformat(sep=" ")
    span_s = int(SPAN.total_seconds())
    # A hash as an INTEGER, so it adds to dates and indexes lists without casts.
    cur.execute("CREATE OR REPLACE TEMP MACRO hh(a, b := '') AS (hash(a, b) % 1000000007)::INTEGER")
    cur.execute("BEGIN TRANSACTION")
    # Staff and legal first, then the borrowers; ids are derived from the row number.
    cur.execute(f"""
        INSERT INTO users (id, email, name, phone, role, password_hash, language, disabled,
                           created_at)
        SELECT md5('user' || i)::UUID, 'user' || i || '@example.com',
               CASE WHEN i < {STAFF + LEGAL} THEN {_pick(SURNAMES, 'sn')} || '经理' || i
                    WHEN hh(i, 'lang') % 10 < 7
                    THEN {_pick(SURNAMES, 'sn')} || {_pick(GIVEN, 'gn')}
                    ELSE {_pick(FIRST, 'fn')} || ' ' || {_pick(LAST, 'ln')} END,
               '+86 138 ' || lpad((i % 100000000)::VARCHAR, 8, '0'),
               CASE WHEN i < {STAFF} THEN 'staff' WHEN i < {STAFF + LEGAL} THEN 'legal'
                    ELSE 'borrower' END,
               'not-a-real-hash', NULL, false, TIMESTAMP '{start}'
        FROM range({STAFF + LEGAL + borrowers}) t(i)""")
    if keys is not None:
        cur.execute("UPDATE users SET name_idx = bench_name_idx(name), "
                    "name = bench_seal_name(name, id::VARCHAR), "
                    "phone = bench_seal_phone(phone, id::VARCHAR), "
                    "email_idx = bench_email_idx(email), "
                    "email = bench_seal_email(email, id::VARCHAR)")
    # Age decides the stage: recent filings are mostly open, old ones mostly closed.
    cur.execute(f"""
        CREATE TEMP TABLE gen AS
        SELECT i, TIMESTAMP '{start}' + to_seconds(i * {span_s} // {cases}
                 + hh(i, 'jit') % greatest(1, {span_s} // {cases})) AS filed_at,
               {STAFF + LEGAL} + hh(i, 'who') % {borrowers} AS borrower_no,
               {_unit('age')} AS u_stage,
               6 + hh(i, 'len') % 7 AS n_zh, 2 + hh(i, 'len') % 3 AS n_en
        FROM range({cases}) t(i)""")
    cur.execute(f"""
        CREATE TEMP TABLE gen2 AS
        SELECT g.*, date_diff('day', filed_at, TIMESTAMP '{now}') AS age_days,
               CASE WHEN date_diff('day', filed_at, TIMESTAMP '{now}') < 180 THEN
                   CASE WHEN u_stage < 0.40 THEN 'filed' WHEN u_stage < 0.84 THEN 'negotiation'
                        WHEN u_stage < 0.92 THEN 'mediation' WHEN u_stage < 0.95
                        THEN 'litigation' ELSE 'closed' END
               ELSE
                   CASE WHEN u_stage < 0.01 THEN 'filed' WHEN u_stage < 0.07 THEN 'negotiation'
                        WHEN u_stage < 0.11 THEN 'mediation' WHEN u_stage < 0.14
                        THEN 'litigation' ELSE 'closed' END
               END AS stage,
               hh(g.i, 'lang') % 4 <> 0 AS zh  -- names are sealed by now: a quarter in English
        FROM gen g JOIN users u ON u.id = md5('user' || g.borrower_no)::UUID""")
    cur.execute(f"""
        INSERT INTO disputes (id, number, borrower_id, institution, product, account_ref,
            error_category, description, error_occurred_on, payment_due_on, discovered_on,
            currency, overdue_minor, fees_minor, compensation_minor, remedies, stage,
            closed_from, resolution, handler_id, rulebook, version, filed_at, updated_at,
            closing_summary, waiting_on_borrower, borrower_replied, last_activity_at,
            next_due_by)
        SELECT md5('dispute' || i)::UUID,
               'DSP-' || year(filed_at) || '-' || lpad((row_number() OVER (
                   PARTITION BY year(filed_at) ORDER BY i))::VARCHAR, 6, '0'),
               md5('user' || borrower_no)::UUID,
               {_list(INSTITUTIONS)}[1 + floor({len(INSTITUTIONS)}
                   * pow({_unit('inst')}, 2.2))::INTEGER],
               {_weighted(PRODUCTS, PRODUCT_WEIGHTS, 'prod')},
               '6222 **** **** ' || lpad((hh(i, 'acct') % 10000)::VARCHAR, 4, '0'),
               {_pick(CATEGORIES, 'cat')},
               {_description('d')},
               filed_at::DATE - 20, NULL, filed_at::DATE - 3,
               'CNY', hh(i, 'od') % 500000, hh(i, 'fee') % 30000, 0, ['fee_reversal'],
               stage,
               CASE WHEN stage = 'closed' THEN 'negotiation' END,
               CASE WHEN stage = 'closed' THEN 'explanation_only' END,
               CASE WHEN stage = 'filed' AND hh(i, 'h') % 10 < 8 THEN NULL
                    WHEN stage <> 'filed' AND hh(i, 'h') % 100 < 5 THEN NULL
                    WHEN stage IN ('mediation', 'litigation')
                    THEN md5('user' || ({STAFF} + hh(i, 'hid') % {LEGAL}))::UUID
                    ELSE md5('user' || (hh(i, 'hid') % {STAFF}))::UUID END,
               'cn-banking', 1, filed_at, la, CASE WHEN stage = 'closed' THEN '已解释' END,
               open AND wait < 8, open AND wait BETWEEN 8 AND 12, la,
               CASE WHEN open THEN la::DATE + 14 + hh(i, 'due') % 31 END
        FROM (SELECT *, stage <> 'closed' AS open, hh(i, 'w') % 100 AS wait,
                     filed_at + to_seconds(floor({_unit('act')} * least(age_days, 120)
                         * 86400)::BIGINT) AS la
              FROM gen2)
        ORDER BY i""")
    # Records for the docket: every mediation and litigation case has one; some have sittings.
    cur.execute(f"""
        INSERT INTO mediation SELECT id, '上海银行业纠纷调解中心', 'TJ-' || right(number, 6),
               '调解员' || (hh(number) % 20), '', updated_at
        FROM disputes WHERE stage = 'mediation'""")
    cur.execute(f"""
        INSERT INTO mediation_sessions SELECT md5('ms' || number)::UUID, id,
               last_activity_at::DATE + 10 + hh(number, 's') % 60, '',
               coalesce(handler_id, md5('user0')::UUID), updated_at
        FROM disputes WHERE stage = 'mediation' AND hh(number, 'has') % 3 > 0""")
    cur.execute(f"""
        INSERT INTO litigation SELECT id, '上海市浦东新区人民法院',
               '(' || year(filed_at) || ')沪0115民初' || right(number, 6) || '号',
               filed_at::DATE + 40, '', NULL, NULL, NULL, updated_at
        FROM disputes WHERE stage = 'litigation'""")
    cur.execute(f"""
        INSERT INTO hearings (id, dispute_id, held_on, notes, recorded_by, recorded_at)
        SELECT md5('hr' || number)::UUID, id,
               last_activity_at::DATE + 10 + hh(number, 'h') % 90, '',
               md5('user{STAFF}')::UUID, updated_at
        FROM disputes WHERE stage = 'litigation' AND hh(number, 'has') % 2 = 0""")
    # The rows bypassed disputes.insert: count them into queue_counts as migration 0019 does,
    # and into the dashboard's kept tables as 0020 does.
    cur.execute("DELETE FROM queue_counts")
    cur.execute(RECOUNT)
    dashboard_counts.recount(cur)  # plain SQL: a raw cursor runs it as a unit of work does
    cur.execute("COMMIT")
    cur.execute("DROP TABLE gen")
    cur.execute("DROP TABLE gen2")
    cur.execute("CHECKPOINT")
    return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


generate = generate_duckdb  # the name other benchmarks import


def copy_to_postgresql(source: Database, target, work: Path,
                       tables: tuple[str, ...] = TABLES) -> dict[str, int]:
    """Copy the generated tables from the DuckDB `source` into the empty, migrated PostgreSQL
    `target` (a dispute.storage.postgresql Database), in foreign-key order; returns the row
    counts written. DuckDB writes each table as CSV into `work` (in parallel, in C++) and
    PostgreSQL reads it with COPY, so Python only passes bytes along: a million disputes take
    about a minute, not the many a row-by-row copy from Python takes on a loaded machine.
    Columns are named, so the two schemas may order them differently."""
    src, dest = source.raw_connection().cursor(), target.raw_connection()
    counts: dict[str, int] = {}
    try:
        with dest.transaction():
            for table in tables:
                described = src.execute(f"DESCRIBE {table}").fetchall()
                names = [r[0] for r in described]
                select = ", ".join(_as_postgresql_text(n, t) for n, t, *_ in described)
                csv = work / f"{table}.csv"
                src.execute(f"COPY (SELECT {select} FROM {table}) TO '{csv}' "
                            f"(FORMAT csv, HEADER false, NULL '\\N')")
                cols = ", ".join(f'"{n}"' for n in names)
                with dest.cursor().copy(f"COPY {table} ({cols}) FROM STDIN "
                                        f"(FORMAT csv, NULL '\\N')") as copy, \
                        csv.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
                csv.unlink()
                counts[table] = dest.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if "disputes" in tables:  # the kept counts, from the copied rows
                dest.execute("DELETE FROM queue_counts")
                dest.execute(RECOUNT)
                dashboard_counts.recount(dest)
        for table in (*tables, "queue_counts", *dashboard_counts.TABLES):
            dest.execute(f"VACUUM ANALYZE {table}")
        # The queue's counts are index-only scans only once the visibility map says every page
        # is visible: a VACUUM right after the COPY has been seen to leave it unset (an older
        # snapshot still open on the server), so vacuum again until it is, a few times at most.
        for _ in range(5):
            pages, visible = dest.execute("SELECT relpages, relallvisible FROM pg_class "
                                          "WHERE relname = 'disputes'").fetchone()
            if visible >= pages * 0.99:
                break
            time.sleep(2)
            dest.execute("VACUUM disputes")
        print(f"disputes: {visible:,} of {pages:,} pages all-visible after VACUUM")
    finally:
        src.close()
        dest.close()
    return counts


def _as_postgresql_text(name: str, duck_type: str) -> str:
    """A DuckDB column as PostgreSQL's text input reads it: lists as array literals
    ({"a","b"}); every other type used here (UUID, VARCHAR, numbers, BOOLEAN, DATE, TIMESTAMP)
    prints the same in both."""
    if duck_type.endswith("[]"):
        quoted = (f"list_transform(\"{name}\", lambda e: '\"' || replace(replace(e, '\\', "
                  f"'\\\\'), '\"', '\\\"') || '\"')")
        return f"'{{' || array_to_string({quoted}, ',') || '}}' AS \"{name}\""
    if duck_type == "BLOB":
        raise ValueError(f"column {name}: BLOB is not copied by this generator")
    return f'"{name}"'


def fill_search_index(db: Database) -> int:
    """The queue's text index for the generated rows (they went in by SQL, around the writes
    that keep it): the same rebuild `python -m dispute search reindex` runs."""
    from dispute.storage import search_index

    return db.write(search_index.rebuild)
