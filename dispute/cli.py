"""`python -m dispute COMMAND` (docs/product.md §7). Errors go to stderr with a non-zero exit status."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from dispute import accounts, audit, backup, demo, keys, rewrap
from dispute.config import load_settings
from dispute.context import open_context
from dispute.errors import DatabaseLocked, InvalidInput, UserError
from dispute.exhibits import Upload, attach_evidence, list_evidence, upload_key
from dispute.bundle import signing
from dispute.bundle.content import BundleOptions
from dispute.storage import erasure as erasure_rows
from dispute.storage import users
from dispute.bundle.export import export_bundle
from dispute.bundle.verify import verify_bundle
from dispute.claim import command as claim_command
from dispute.notify import command as notify_command
from dispute.i18n import LANGUAGES, translator
from dispute.vocab import EvidenceKind, Role

_ = translator("zh_CN" if os.environ.get("LANG", "").startswith("zh") else "en")


def _fail(message: str, status: int = 1) -> int:
    print(message, file=sys.stderr)
    return status


def cmd_init(args: argparse.Namespace) -> int:
    ctx = open_context()
    print(f"database ready: {getattr(ctx.db, 'where', ctx.settings.db_path)}")
    if signing.ensure_key(ctx.settings.data_dir):
        print(f"signing key created: {signing.key_path(ctx.settings.data_dir)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """A case bundle, made as the legal account named by DISPUTE_CLI_USER."""
    ctx = open_context()
    actor = _system_actor(ctx)
    if actor.role != Role.LEGAL:
        return _fail("export acts as the account in DISPUTE_CLI_USER, which must be a legal "
                     "account")
    options = BundleOptions(include_notes=args.notes, unmasked=args.unmasked,
                            reason=args.reason or "", lang=args.lang)
    result = export_bundle(ctx, actor, args.number.strip().upper(), Path(args.out), options)
    print(f"{result.path}: {result.exhibits} exhibits, {result.pages} pages, "
          f"manifest SHA-256 {result.manifest_sha256}")
    return 0


def cmd_document(args: argparse.Namespace) -> int:
    """A letter, complaint or court filing from a dispute, as the account in DISPUTE_CLI_USER;
    `--list` prints the kinds. The file is written whole or not at all."""
    from dispute.documents.kinds import KINDS
    from dispute.documents.make import FORMATS, compose_document, render_document
    from dispute.documents.service import facts_for

    if args.list:
        for k in KINDS:
            who = ", ".join(r.value for r in sorted(k.makers))
            print(f"{k.name:22} {k.jurisdiction}  {who:16} {'/'.join(k.languages):9} "
                  f"{_(k.title)} → {_(k.recipient)}\n{'':26}{k.source}")
        return 0
    if not (args.number and args.kind and args.out):
        return _fail("usage: python -m dispute document DSP-… KIND --out FILE.docx|FILE.pdf "
                     "[--lang zh_CN|en], or python -m dispute document --list", 2)
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        return _fail(f"{out.name}: {_('Documents are made as {formats}.').format(formats='.docx, .pdf')}",
                     2)
    ctx = open_context()
    actor = _system_actor(ctx)
    facts = facts_for(ctx, actor, args.number, args.kind, lang=args.lang,
                      unmask_reason=args.unmask_reason)
    data = render_document(args.kind, facts, fmt, args.lang, when=ctx.now())
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.part")
    try:
        temp.write_bytes(data)
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    blanks = compose_document(args.kind, facts, args.lang).blanks
    print(f"{out}: {args.kind} ({facts.number}), {len(data)} bytes")
    if blanks:
        print(_("To complete before filing ({count}):").format(count=len(blanks)))
        for blank in blanks:
            print(f"  {blank.text}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 only when every file matches the manifest and the signature holds, by the trusted
    key (or, with --allow-untrusted, by the key the manifest names)."""
    try:
        result = verify_bundle(Path(args.file), Path(args.trusted_key) if args.trusted_key
                               else None, allow_untrusted=args.allow_untrusted)
    except (OSError, ValueError) as exc:
        return _fail(f"cannot read the trusted key: {exc}", 2)
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    if not result.ok:
        return _fail(f"{args.file}: NOT verified ({len(result.problems)} problem(s))")
    whose = ("the trusted key" if result.trusted else
             "the key named in the manifest; origin NOT checked (--allow-untrusted)")
    print(f"{args.file}: verified {result.checked} files; signature by {whose}, key SHA-256 "
          f"{result.signer_fingerprint}")
    return 0


def cmd_key_export(args: argparse.Namespace) -> int:
    ctx = open_context()
    print(signing.public_pem(signing.load_key(ctx.settings.data_dir)), end="")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    ctx = open_context()
    made = demo.create_demo(ctx, cases_count=args.cases, seed=args.seed)
    print(f"{args.cases} demo disputes created. Accounts (passwords and two-step sign-in keys "
          "are shown only now; type the key into an authenticator app):")
    for acc in made:
        print(f"  {acc.role.value:9} {acc.email:28} {acc.password}"
              + (f"  key {acc.totp_secret}" if acc.totp_secret else ""))
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("Password (at least 10 characters): ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    ctx = open_context()
    user = accounts.create_account(ctx, None, {"name": args.name or args.email,
                                               "email": args.email, "phone": args.phone,
                                               "password": password, "role": args.role})
    print(f"created {user.role.value} account {user.email}")
    return 0


def cmd_evidence_add(args: argparse.Namespace) -> int:
    """Bulk import: each file separately, so one bad file does not block the rest."""
    ctx = open_context()
    actor = _system_actor(ctx)
    refused = 0
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}: {_('not a readable file')}", file=sys.stderr)
            refused += 1
            continue
        with path.open("rb") as fh:
            upload = Upload(path.name, fh, args.kind, args.description or path.name)
            try:
                exhibits = attach_evidence(ctx, actor, args.number, [upload])
            except InvalidInput as exc:
                print(f"{name}: {exc.fields[upload_key(0)].render(_)}", file=sys.stderr)
                refused += 1
                continue
        item = next(e for e in list_evidence(ctx, actor, args.number)
                    if e.exhibit == exhibits[0])
        print(f"{item.sha256}  {item.exhibit}  {name}")
    return 1 if refused else 0


def _system_actor(ctx):
    """The CLI imports evidence as the staff account named by DISPUTE_CLI_USER, else the first
    staff account: someone must be accountable for every event."""
    email = os.environ.get("DISPUTE_CLI_USER")
    user_id = (ctx.db.read(users.id_by_email, email.strip().lower()) if email
               else ctx.db.read(users.first_of_role, "staff"))
    if user_id is None:
        raise UserError("No staff account to act as: create one with "
                        "`python -m dispute user add --role staff`, or set DISPUTE_CLI_USER.")
    return accounts.get_user(ctx, user_id)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    ctx = open_context()
    count, problem = audit.verify_chain(ctx.db)
    if problem:
        return _fail(f"event chain broken at event {problem.seq}: {problem.reason}")
    print(f"event chain intact: {count} events verified")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    """The due date alone on the first line (for scripts), then how it was counted."""
    from datetime import date

    from dispute.deadlines.calendar import calendar_for
    from dispute.deadlines.engine import calendar_note, due_from
    from dispute.deadlines.rulebook import load_rulebook

    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        return _fail(f"{args.start}: {_('Enter a date.')} (YYYY-MM-DD)")
    book = load_rulebook(args.rulebook)
    rule = book.rule(args.rule)
    count = due_from(rule, start, calendar_for(book.jurisdiction))
    print(count.due_by.isoformat())
    print(f"{args.rulebook} {rule.name}: {_(rule.label)}, {rule.length} "
          f"{rule.unit.value.replace('_', ' ')} "
          f"from {start.isoformat()}")
    for line in count.explanation:
        print(line.render(_))
    note = calendar_note(count.uncovered_years)
    if note:
        print(note.render(_))
    print(f"source: {rule.source}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    ctx = open_context()
    try:
        done = backup.backup(ctx, Path(args.dir), with_keys=args.with_keys)
    finally:
        ctx.db.close()
    print(f"backup written to {done.path}: database ({done.events} events), {done.objects} "
          f"evidence files ({done.object_bytes / (1 << 20):.1f} MiB, encrypted)")
    if done.keys_included:
        print("WARNING: this backup includes the encryption keys, so it is a readable copy of all "
              "personal data and evidence in it. Store it as securely as the live system, "
              "apart from ordinary backups.")
    else:
        print("The keys are not in this backup: keep a copy of the key file (or DISPUTE_KEY) "
              "elsewhere, or the backup cannot be read.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    done = backup.restore(settings, Path(args.dir))
    place = (f"the database {_without_password(settings.database_url)} and the store "
             f"{settings.store_dir}" if settings.database_url else str(done.path))
    print(f"restored into {place}: event chain intact ({done.events} events), "
          f"{done.objects} evidence files verified")
    return 0


def cmd_migrate_to(args: argparse.Namespace) -> int:
    """Copy this embedded portal into an empty PostgreSQL database, prove it, say what is next."""
    from dispute.bundle import signing as bundle_signing
    from dispute.moving import migrate_to

    settings = load_settings()
    report = migrate_to(settings, args.url, progress=print)
    shown = _without_password(args.url)
    print(f"moved: {sum(report.counts.values())} rows in {len(report.counts)} tables, "
          f"{report.events} events, {report.objects} evidence objects")
    print("Next, for every portal process (deploy/systemd/portal.env.example):")
    print(f"  DISPUTE_DATABASE_URL={shown}")
    print(f"  DISPUTE_EVIDENCE_DIR={report.store_dir}   (or move it to a shared mount first)")
    key_note = ("DISPUTE_KEY as now" if settings.data_key else
                f"the key file {keys.key_file(settings.data_dir)}")
    print(f"  the same data key: {key_note}; and the signing key "
          f"{bundle_signing.key_path(settings.data_dir)} — copy both to every machine")
    print(f"The embedded database {settings.db_path} is no longer used: keep it as a backup, "
          "and do not start a portal without DISPUTE_DATABASE_URL on this data directory.")
    return 0


def _without_password(url: str) -> str:
    """The URL to print: a password in it is replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def cmd_health(args: argparse.Namespace) -> int:
    """Whether the database answers and has this code's schema: exit 0 when healthy, 1 when not
    (for monitoring); changes nothing."""
    from dispute.health import check

    report = check(load_settings())
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def cmd_keys_new(args: argparse.Namespace) -> int:
    """Print a fresh key: for DISPUTE_KEY, or to put first in the key file when rotating."""
    print(keys.new_key_text())
    return 0


def cmd_keys_rewrap(args: argparse.Namespace) -> int:
    """After a new key was put first: everything under it, and which old keys can go."""
    ctx = open_context()
    try:
        done = rewrap.rewrap(ctx)
    finally:
        ctx.db.close()
    print(f"re-wrapped {done.key_files} key files, re-encrypted {done.objects} evidence files "
          "under the current key")
    if done.removable:
        print("Nothing is encrypted with key " + ", ".join(done.removable) + " any more: remove "
              "it from the key file / DISPUTE_KEY, take a new backup, and destroy old backups "
              "made with keys.")
    return 0


def cmd_search_reindex(args: argparse.Namespace) -> int:
    """Build the queue search's text index again from every description."""
    from dispute.queue import reindex

    ctx = open_context()
    try:
        done = reindex(ctx)
    finally:
        ctx.db.close()
    print(f"search index rebuilt: {done} disputes")
    return 0


def cmd_erasure_run(args: argparse.Namespace) -> int:
    """Carry out the requests to delete an account whose hold has ended (also done at start)."""
    ctx = open_context()  # the start itself carries them out
    try:
        done = ctx.erased_at_start
        waiting = ctx.db.read(erasure_rows.waiting)
    finally:
        ctx.db.close()
    print(f"erased {len(done)} account(s)" + ("".join(f"\n  {u}" for u in done)))
    print(f"{len(waiting)} request(s) still held by a dispute that is open, in litigation or "
          "within the retention period")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dispute", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or upgrade the database").set_defaults(fn=cmd_init)
    mv = sub.add_parser("migrate-to", help="copy this embedded portal into an empty PostgreSQL "
                                           "database, check it, and say what to set next")
    mv.add_argument("url", help="postgresql://user:password@host/dbname of an empty database")
    mv.set_defaults(fn=cmd_migrate_to)
    sub.add_parser("health", help="does the database answer, with this code's schema? (exit 0 "
                                  "when healthy)").set_defaults(fn=cmd_health)
    d = sub.add_parser("demo", help="load demo data into an empty portal")
    d.add_argument("--cases", type=int, default=20)
    d.add_argument("--seed", type=int, default=1)
    d.set_defaults(fn=cmd_demo)
    user = sub.add_parser("user", help="accounts").add_subparsers(dest="user_cmd", required=True)
    ua = user.add_parser("add", help="create an account (password from stdin or a prompt)")
    ua.add_argument("--email", required=True)
    ua.add_argument("--role", required=True, choices=[r.value for r in Role])
    ua.add_argument("--name")
    ua.add_argument("--phone", default="+86 00000000")
    ua.set_defaults(fn=cmd_user_add)
    ev = sub.add_parser("evidence", help="evidence").add_subparsers(dest="ev_cmd", required=True)
    ea = ev.add_parser("add", help="bulk import files into a dispute")
    ea.add_argument("number")
    ea.add_argument("files", nargs="+")
    ea.add_argument("--kind", required=True, choices=[k.value for k in EvidenceKind])
    ea.add_argument("--description")
    ea.set_defaults(fn=cmd_evidence_add)
    ex = sub.add_parser("export", help="make a case bundle ZIP (as the legal account in "
                                       "DISPUTE_CLI_USER)")
    ex.add_argument("number")
    ex.add_argument("--out", required=True, help="the ZIP to write")
    ex.add_argument("--notes", action="store_true", help="include internal notes")
    ex.add_argument("--unmasked", action="store_true",
                    help="show identity and account numbers in full (needs --reason)")
    ex.add_argument("--reason", help="why the numbers are unmasked (logged)")
    ex.add_argument("--lang", default="zh_CN", choices=list(LANGUAGES),
                    help="language of the generated pages")
    ex.set_defaults(fn=cmd_export)
    doc = sub.add_parser("document", help="make a letter, complaint or court filing from a "
                                          "dispute (as the account in DISPUTE_CLI_USER)")
    doc.add_argument("number", nargs="?", help="the dispute, DSP-…")
    doc.add_argument("kind", nargs="?", help="the kind of document (see --list)")
    doc.add_argument("--out", help="the file to write: .docx (editable) or .pdf")
    doc.add_argument("--lang", choices=list(LANGUAGES),
                     help="language (default: the one the document is filed in)")
    doc.add_argument("--unmask-reason", help="legal: show the numbers whole, for this logged "
                                             "reason")
    doc.add_argument("--list", action="store_true", help="list the kinds of document")
    doc.set_defaults(fn=cmd_document)
    ve = sub.add_parser("verify", help="check a bundle ZIP against its signed manifest")
    ve.add_argument("file")
    origin = ve.add_mutually_exclusive_group()
    origin.add_argument("--trusted-key", help="the portal's public key (PEM, from `key export`); "
                                              "without it, verify fails")
    origin.add_argument("--allow-untrusted", action="store_true",
                        help="check integrity only: accept the key the manifest names, "
                             "which proves nothing about who made the bundle")
    ve.set_defaults(fn=cmd_verify)
    key = sub.add_parser("key", help="the bundle signing key").add_subparsers(dest="key_cmd",
                                                                            required=True)
    key.add_parser("export", help="print the public key (PEM)").set_defaults(fn=cmd_key_export)
    au = sub.add_parser("audit", help="the event history").add_subparsers(dest="au_cmd",
                                                                          required=True)
    au.add_parser("verify", help="check the hash chain").set_defaults(fn=cmd_audit_verify)
    du = sub.add_parser("due", help="a deadline: the due date on the first line, then how "
                                    "it was counted")
    du.add_argument("rulebook", help="e.g. cn-banking, us-reg-x")
    du.add_argument("rule", help="e.g. decision, respond")
    du.add_argument("start", help="the start date, YYYY-MM-DD")
    du.set_defaults(fn=cmd_due)
    claim_command.add_parser(sub)
    notify_command.add_parsers(sub)
    bk = sub.add_parser("backup", help="write a consistent snapshot into a new folder DIR")
    bk.add_argument("dir")
    bk.add_argument("--with-keys", action="store_true",
                    help="include the encryption keys (the backup is then readable by anyone who "
                         "holds it)")
    bk.set_defaults(fn=cmd_backup)
    rs = sub.add_parser("restore", help="restore a backup into an empty data directory")
    rs.add_argument("dir")
    rs.set_defaults(fn=cmd_restore)
    er = sub.add_parser("erasure", help="requests to delete an account (PIPL)").add_subparsers(
        dest="er_cmd", required=True)
    er.add_parser("run", help="carry out the requests nothing holds any more").set_defaults(
        fn=cmd_erasure_run)
    se = sub.add_parser("search", help="the queue's text search").add_subparsers(
        dest="search_cmd", required=True)
    se.add_parser("reindex", help="build the text index again from every description (the "
                                  "writes keep it up to date; this repairs)").set_defaults(
        fn=cmd_search_reindex)
    ky = sub.add_parser("keys", help="encryption keys").add_subparsers(dest="keys_cmd",
                                                                      required=True)
    ky.add_parser("new", help="print a new random key (base64url of 32 bytes)").set_defaults(
        fn=cmd_keys_new)
    ky.add_parser("rewrap", help="after putting a new key first: re-wrap and re-encrypt "
                                 "everything under it, then list the old keys that can be "
                                 "removed").set_defaults(fn=cmd_keys_rewrap)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except DatabaseLocked as exc:
        return _fail(exc.render(_), 3)
    except InvalidInput as exc:
        details = "; ".join(f"{field}: {err.render(_)}" for field, err in exc.fields.items())
        return _fail(f"{exc.render(_)} {details}")
    except UserError as exc:
        return _fail(exc.render(_))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
