"""`export_bundle`: one dispute → one ZIP (bundle.pdf, exhibits/, manifest.json, manifest.sig).

The ZIP is written to a temporary file beside `out_path` and renamed into place only when
complete and logged, so a failure (an evidence file missing from the store, a full disk) leaves
no partial bundle. Evidence bytes are read only through the store's API and checked against
their recorded SHA-256 on the way into the ZIP. Every export is a `BundleExported` event with
the manifest's hash, the options and, when numbers were unmasked, the reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal
from zoneinfo import ZoneInfo

from dispute import event_kinds, events
from dispute.bundle import assemble, checksums, manifest as mf, phrases, sections, signing
from dispute.bundle.content import BundleContent, BundleOptions, ExhibitRecord, gather
from dispute.bundle.exhibits import Prepared, prepare
from dispute.context import Context
from dispute.errors import UserError
from dispute.exhibits import open_evidence
from dispute.export_area import export_area
from dispute.i18n import N_
from dispute.models import User
# PDF exhibits are opened once for the ZIP and kept open for the merge while their bytes add up
# to no more than this; past it they are read (and checked) again when merged, so a bundle of
# large scans does not hold them all through the layout, the export's memory peak.
KEEP_PDF_BYTES = 32 * 2**20

Phase = Literal["exhibit", "sections", "stamping", "signing", "done"]


@dataclass(frozen=True)
class Step:
    """Progress for a page's progress bar: `done` of `total` steps, now in `phase`."""

    phase: Phase
    done: int
    total: int
    exhibit: str | None = None


Progress = Callable[[Step], None]


class ExportCancelled(UserError):
    """The person who started the export stopped it; nothing was kept."""

    def __init__(self) -> None:
        super().__init__(N_("The export was cancelled; nothing was kept."))


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest_sha256: str
    exhibits_fingerprint: str
    pages: int
    exhibits: int


def _read_verified(ctx: Context, actor: User, number: str, record: ExhibitRecord) -> bytes:
    """An exhibit's bytes, through the service that checks the exporter may read them, checked
    against the SHA-256 the bundle records."""
    sha256, exhibit, name = record.sha256, record.exhibit, record.original_name
    try:
        if record.document_id is not None:     # a kept document legal added
            from dispute.documents.kept import open_document
            opened = open_document(ctx, actor, number, record.document_id)
        else:
            opened = open_evidence(ctx, actor, number, record.evidence_id)
        with opened as fh:
            data = fh.read()
    except FileNotFoundError:
        raise UserError(N_("Exhibit {exhibit} ({name}) is missing from the evidence store; "
                           "no bundle was made."), exhibit=exhibit, name=name) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UserError(N_("Exhibit {exhibit} ({name}) in the evidence store no longer matches "
                           "its SHA-256; no bundle was made."), exhibit=exhibit, name=name)
    return data


def _zip_info(name: str, when, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def export_bundle(ctx: Context, actor: User, number: str, out_path: Path,
                  options: BundleOptions | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Make the bundle ZIP at `out_path` for `actor` (legal, or the borrower who owns it).

    `progress` hears of each step; between steps `cancelled()` is asked, and when it says yes
    the export stops with ExportCancelled, leaving no ZIP, no temporary file and no event (a
    progress callback may also raise to stop it: the page's does when its user clicks)."""
    options = options or BundleOptions()
    report = progress or (lambda step: None)

    def step(s: Step) -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        report(s)

    content = gather(ctx, actor, number, options)
    key = signing.load_key(ctx.settings.data_dir)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # The ZIP is made in the data directory's export area, which the next start empties, so a
    # process killed mid-export leaves nothing behind (see dispute.context.open_context).
    fd, temp_name = tempfile.mkstemp(prefix=f"{out_path.name}.", suffix=".part",
                                     dir=export_area(ctx.settings.data_dir))
    os.close(fd)
    temp = Path(temp_name)
    try:
        result = _write_zip(ctx, actor, content, key, temp, out_path, step)
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        _log_export(ctx, actor, content, result)
        _move_into_place(temp, out_path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return result


def _move_into_place(temp: Path, out_path: Path) -> None:
    """Rename when the destination is on the same file system; otherwise copy beside it under a
    hidden name, fsync, and rename that, so `out_path` is whole or absent."""
    try:
        os.replace(temp, out_path)
        return
    except OSError:
        pass
    beside = out_path.with_name(f".{out_path.name}.part")
    try:
        shutil.copyfile(temp, beside)
        with beside.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(beside, out_path)
    finally:
        beside.unlink(missing_ok=True)
        temp.unlink(missing_ok=True)


def _write_zip(ctx: Context, actor: User, content: BundleContent, key, temp: Path,
               out_path: Path, progress: Progress) -> ExportResult:
    records = content.exhibits
    total = len(records) + 4
    when = content.generated_at.astimezone(ZoneInfo(content.timezone))
    prepared: list[Prepared] = []
    entries: list[dict] = []
    kept_pdf_bytes = 0
    with zipfile.ZipFile(temp, "w", allowZip64=True) as zf:
        for done, record in enumerate(records):
            progress(Step("exhibit", done, total, record.exhibit))
            data = _read_verified(ctx, actor, content.number, record)
            path = mf.exhibit_path(record.exhibit, record.original_name, record.media_type)
            zf.writestr(_zip_info(path, when, compress=False), data)
            keep = (record.media_type == "application/pdf"
                    and kept_pdf_bytes + len(data) <= KEEP_PDF_BYTES)
            prepared.append(prepare(record, path, data, keep_reader=keep))
            kept_pdf_bytes += len(data) if keep else 0
            entries.append(mf.exhibit_entry(record.exhibit, path, record.sha256, record.size,
                                            record.media_type))
            del data
        fingerprint = mf.exhibits_fingerprint(entries)

        def read(item: Prepared) -> bytes:
            return _read_verified(ctx, actor, content.number, item.record)

        progress(Step("sections", len(records), total))
        for _attempt in range(len(prepared) + 1):
            parts = assemble.lay_out(content, prepared, fingerprint)
            progress(Step("stamping", len(records) + 1, total))
            try:
                writer = assemble.build_pdf(content, prepared, parts, read, fingerprint)
                break
            except assemble.BodyFailed as failed:  # shown as unreadable; lay out again
                prepared[failed.index].cannot_show(phrases.REASON_DAMAGED_PDF)
        pages = len(writer.pages)
        pdf_temp = temp.with_suffix(".pdf.part")
        try:
            with pdf_temp.open("wb") as fh:
                writer.write(fh)
            del writer
            pdf_sha, pdf_size = _hash_file(pdf_temp)
            zf.write(pdf_temp, mf.PDF_NAME, compress_type=zipfile.ZIP_DEFLATED)
        finally:
            pdf_temp.unlink(missing_ok=True)

        progress(Step("signing", len(records) + 2, total))
        layout = parts.layout
        files = [{"path": mf.PDF_NAME, "sha256": pdf_sha, "size": pdf_size,
                  "media_type": "application/pdf", "pages": pages}]
        for entry, item in zip(entries, prepared):
            first, last = layout.exhibits[item.record.exhibit]
            files.append({**entry, "pages": [first, last], "shown_as": item.way,
                          "original_name": item.record.original_name})
        for path, text in sections.continuations(content).items():  # cut sections, in full
            data = text.encode("utf-8")
            zf.writestr(_zip_info(path, when, compress=True), data)
            files.append({"path": path, "sha256": hashlib.sha256(data).hexdigest(),
                          "size": len(data), "media_type": "text/plain; charset=utf-8",
                          "continues": path.rsplit("/", 1)[1].removesuffix(".txt")})
        manifest = mf.build(
            number=content.number,
            created_at=content.generated_at.isoformat(timespec="seconds"),
            language=content.options.lang,
            options={"include_notes": content.options.include_notes,
                     "unmasked": content.options.unmasked, "reason": content.options.reason},
            signer={"algorithm": "Ed25519", "public_key": signing.public_pem(key),
                    "key_sha256": signing.key_fingerprint(key)},
            files=files)
        raw = mf.canonical_json(manifest)
        signature = signing.sign(key, raw)
        zf.writestr(_zip_info(mf.MANIFEST_NAME, when, compress=True), raw)
        zf.writestr(_zip_info(mf.SIGNATURE_NAME, when, compress=False), signature)
        # The same checks with everyday tools (the cover says how): sha256sum, OpenSSL.
        pem = signing.public_pem(key).encode("ascii")
        sums = checksums.text({
            **{f["path"]: f["sha256"] for f in files},
            mf.MANIFEST_NAME: hashlib.sha256(raw).hexdigest(),
            mf.SIGNATURE_NAME: hashlib.sha256(signature).hexdigest(),
            checksums.PUBLIC_KEY_NAME: hashlib.sha256(pem).hexdigest()})
        zf.writestr(_zip_info(checksums.PUBLIC_KEY_NAME, when, compress=False), pem)
        zf.writestr(_zip_info(checksums.SUMS_NAME, when, compress=True), sums)
        zf.writestr(_zip_info(checksums.SUMS_SIGNATURE_NAME, when, compress=False),
                    signing.sign(key, sums))
    progress(Step("done", total, total))
    return ExportResult(out_path, hashlib.sha256(raw).hexdigest(), fingerprint, pages,
                        len(records))


def exhibit_pages(ctx: Context, actor: User, content: BundleContent
                  ) -> dict[str, tuple[int, int]]:
    """Each exhibit's first and last page in the bundle.pdf that `export_bundle` makes from the
    same content, laid out without writing the ZIP (an evidence list prints them). An exhibit
    that `prepare` could open but pypdf fails to merge is found only while merging; the export
    then shows it as unreadable and the pages after it move, which this does not foresee."""
    prepared, entries = [], []
    for record in content.exhibits:
        data = _read_verified(ctx, actor, content.number, record)
        path = mf.exhibit_path(record.exhibit, record.original_name, record.media_type)
        prepared.append(prepare(record, path, data))
        entries.append(mf.exhibit_entry(record.exhibit, path, record.sha256, record.size,
                                        record.media_type))
        del data
    if not prepared:
        return {}
    parts = assemble.lay_out(content, prepared, mf.exhibits_fingerprint(entries))
    return dict(parts.layout.exhibits)


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _log_export(ctx: Context, actor: User, content: BundleContent, result: ExportResult):
    def write(uow) -> None:
        events.append(uow, kind=event_kinds.BUNDLE_EXPORTED, at=ctx.now(), actor_id=actor.id,
                      dispute_id=content.dispute.id,
                      payload={"manifest_sha256": result.manifest_sha256,
                               "exhibits_fingerprint": result.exhibits_fingerprint,
                               "include_notes": content.options.include_notes,
                               "unmasked": content.options.unmasked,
                               "reason": content.options.reason,
                               "language": content.options.lang, "pages": result.pages})

    ctx.db.write(write)
