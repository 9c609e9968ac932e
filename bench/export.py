"""How long a case bundle takes and how much memory it needs, beside a bare pypdf merge.

Builds a case with 40 exhibits (32 text PDFs, about 290 pages in all, 6 camera-sized JPEG photos
with EXIF orientations, 2 WAV recordings) in a temp folder, then in separate child processes
(so each peak RSS is its own), all in the same run:
- a bare pypdf merge of the same PDF exhibits written to a file;
- one WeasyPrint pass over the same generated pages (cover, index, sections, every separator
  sheet, with their page numbers written in): one rendering, one PDF written;
- the full export (generated pages, photos, merging, stamping, manifest, signature, ZIP).

Targets (issue 17): export time <= 1.5 x (bare merge + one WeasyPrint pass); peak RSS of the
export < 300 MB. Run it alone on the machine: `flock /tmp/bench.lock .venv/bin/python
bench/export.py` (it prints the load average beside the figures). `--runs N` runs the three
phases N times over the one case, in turn (merge, pass, export, merge, …), and reports each
run's figures and their medians; the ratio and the peak RSS are printed beside their targets.

    .venv/bin/python bench/export.py --runs 3
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

EXHIBITS_PDF, EXHIBITS_PHOTO, EXHIBITS_AUDIO = 32, 6, 2
LEGAL = "legal@bench.example"


def peak_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child would
    report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_pdfs(folder: Path) -> list[Path]:
    """Text PDFs of 4 to 14 pages, made once with WeasyPrint and split with pypdf."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    rng = random.Random(7)
    counts = [rng.randint(4, 14) for _ in range(EXHIBITS_PDF)]
    pages = "".join(
        f'<section style="break-before: page"><h1>Statement page {i + 1}</h1>'
        + "".join(f"<p>{i}-{j} 还款记录 payment record {'lorem ipsum ' * 12}</p>"
                  for j in range(14)) + "</section>" for i in range(sum(counts)))
    reader = PdfReader(io.BytesIO(HTML(string=f'<body style="font-family: \'WenQuanYi Zen '
                                               f'Hei\'">{pages}</body>').write_pdf()))
    paths, start = [], 0
    for n, count in enumerate(counts):
        writer = PdfWriter()
        for page in reader.pages[start:start + count]:
            writer.add_page(page)
        start += count
        path = folder / f"statement-{n:02d}.pdf"
        with path.open("wb") as fh:
            writer.write(fh)
        paths.append(path)
    return paths


def make_photos(folder: Path) -> list[Path]:
    from PIL import Image

    paths = []
    for n in range(EXHIBITS_PHOTO):
        image = Image.effect_mandelbrot((4000, 3000), (-2.0, -1.2, 1.0, 1.2), 60 + n)
        image = Image.merge("RGB", (image, image.rotate(180), image.transpose(0)))
        exif = Image.Exif()
        exif[0x0112] = (1, 3, 6, 8, 1, 6)[n]
        path = folder / f"photo-{n}.jpg"
        image.save(path, "JPEG", quality=90, exif=exif)
        paths.append(path)
    return paths


def make_audio(folder: Path) -> list[Path]:
    paths = []
    for n in range(EXHIBITS_AUDIO):
        rate, seconds = 8000, 60
        data = bytes(random.Random(n).getrandbits(8) for _ in range(rate * seconds * 2))
        header = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
                  struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" +
                  struct.pack("<I", len(data)))
        path = folder / f"call-{n}.wav"
        path.write_bytes(header + data)
        paths.append(path)
    return paths


def build_case(root: Path) -> dict:
    from dispute import accounts
    from dispute.bundle.signing import ensure_key
    from dispute.cases import file_dispute
    from dispute.config import Settings
    from dispute.context import open_context
    from dispute.exhibits import Upload, attach_evidence

    files = root / "files"
    files.mkdir()
    pdfs, photos, audio = make_pdfs(files), make_photos(files), make_audio(files)
    settings = Settings(data_dir=root / "data", max_upload_mb=50, timezone="Asia/Shanghai")
    ctx = open_context(settings)
    ensure_key(settings.data_dir)
    borrower = accounts.register(ctx, {"name": "王芳", "email": "b@bench.example",
                                       "phone": "+86 138 0013 8000",
                                       "password": "bench password 1"})
    accounts.create_account(ctx, None, {"name": "Legal", "email": LEGAL, "phone": "+86 1000000",
                                        "password": "bench password 2", "role": "legal"})
    number = file_dispute(ctx, borrower, {
        "institution": "招商银行", "product": "credit_card", "account_ref": "6225880212345678",
        "error_category": "autopay_failed", "description": "自动还款失败 autopay failed",
        "discovered_on": "2026-09-10", "remedies": ["fee_reversal"]})
    for path in pdfs + photos + audio:
        with path.open("rb") as fh:
            kind = "statement" if path.suffix == ".pdf" else (
                "photo" if path.suffix == ".jpg" else "call_recording")
            attach_evidence(ctx, borrower, number, [Upload(path.name, fh, kind,
                                                           f"{path.name} 证据")])
    ctx.db.close()
    return {"data": str(settings.data_dir), "number": number,
            "pdfs": [str(p) for p in pdfs]}


def phase_merge(case: dict, out: Path) -> dict:
    from pypdf import PdfReader, PdfWriter

    start, cpu = time.perf_counter(), time.process_time()
    writer = PdfWriter()
    for path in case["pdfs"]:
        writer.append(PdfReader(path))
    with out.open("wb") as fh:
        writer.write(fh)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "pages": len(writer.pages), "peak_mb": peak_mb()}


def _open(case: dict):
    from dispute.accounts import get_user
    from dispute.config import Settings
    from dispute.context import open_context
    from dispute.storage import users

    ctx = open_context(Settings(data_dir=Path(case["data"]), max_upload_mb=50,
                                timezone="Asia/Shanghai"))
    return ctx, get_user(ctx, ctx.db.read(users.id_by_email, LEGAL))


def phase_pass(case: dict, out: Path) -> dict:
    """One WeasyPrint rendering of the export's generated pages, numbers written in, and the
    PDF written: the least any export of these pages can spend in WeasyPrint."""
    from dispute.bundle import assemble, manifest as mf, render, sections
    from dispute.bundle.content import BundleOptions, gather
    from dispute.bundle.exhibits import prepare
    from dispute.bundle.export import _read_verified

    ctx, legal = _open(case)
    content = gather(ctx, legal, case["number"], BundleOptions(lang="zh_CN"))
    prepared, entries = [], []
    for record in content.exhibits:
        path = mf.exhibit_path(record.exhibit, record.original_name, record.media_type)
        prepared.append(prepare(record, path, _read_verified(ctx, legal, case["number"],
                                                             record)))
        entries.append(mf.exhibit_entry(record.exhibit, path, record.sha256, record.size,
                                        record.media_type))
    fingerprint = mf.exhibits_fingerprint(entries)
    layout = assemble.lay_out(content, prepared, fingerprint).layout  # the numbers to print
    markup = sections.bundle_html(content, prepared, fingerprint, layout)
    start, cpu = time.perf_counter(), time.process_time()
    document, _refused = render.render_document(markup)
    out.write_bytes(document.write_pdf())
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "pages": len(document.pages), "peak_mb": peak_mb()}


def phase_export(case: dict, out: Path) -> dict:
    from dispute.bundle import assemble
    from dispute.bundle.content import BundleOptions
    from dispute.bundle.export import export_bundle

    ctx, legal = _open(case)
    spent = {"sections": 0.0}
    lay_out = assemble.lay_out

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return lay_out(*args, **kwargs)
        finally:
            spent["sections"] += time.perf_counter() - begin

    assemble.lay_out = timed
    start, cpu = time.perf_counter(), time.process_time()
    result = export_bundle(ctx, legal, case["number"], out, BundleOptions(lang="zh_CN"))
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "sections_seconds": spent["sections"],
            "pages": result.pages, "exhibits": result.exhibits, "peak_mb": peak_mb(),
            "zip_mb": out.stat().st_size / 2**20}


PHASES = {"merge": phase_merge, "pass": phase_pass, "export": phase_export}


def main() -> None:
    if len(sys.argv) == 4:  # a child: phase, case JSON, output
        phase, case, out = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
        print(json.dumps(PHASES[phase](case, out)))
        return
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1
    load = os.getloadavg()
    results: list[tuple[dict, dict, dict]] = []
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        root = Path(folder)
        print("making the case (40 exhibits)…", flush=True)
        case = build_case(root)

        def child(phase: str) -> dict:
            done = subprocess.run([sys.executable, __file__, phase, json.dumps(case),
                                   str(root / f"{phase}.out")], capture_output=True,
                                  text=True, check=True)
            return json.loads(done.stdout.strip().splitlines()[-1])

        for run in range(runs):
            results.append((child("merge"), child("pass"), child("export")))
            if runs > 1:
                report(results[-1], f"run {run + 1} of {runs}: ")
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; "
          f"{os.cpu_count()} CPUs")
    if runs > 1:
        print(f"medians of {runs} runs:")
    merge, one_pass, export = ({key: statistics.median(r[i][key] for r in results)
                                for key in results[0][i]} for i in range(3))
    print(f"bare pypdf merge of the {EXHIBITS_PDF} PDF exhibits: {merge['pages']:.0f} pages in "
          f"{merge['seconds']:.2f} s ({merge['cpu']:.2f} s CPU), peak RSS "
          f"{merge['peak_mb']:.0f} MB")
    print(f"one WeasyPrint pass over the generated pages: {one_pass['pages']:.0f} pages in "
          f"{one_pass['seconds']:.2f} s ({one_pass['cpu']:.2f} s CPU), peak RSS "
          f"{one_pass['peak_mb']:.0f} MB (after laying them out once to learn their numbers)")
    print(f"export: {export['exhibits']:.0f} exhibits, {export['pages']:.0f} pages in "
          f"{export['seconds']:.2f} s ({export['cpu']:.2f} s CPU; laying out and writing the "
          f"generated pages "
          f"{export['sections_seconds']:.2f} s), peak RSS {export['peak_mb']:.0f} MB, "
          f"ZIP {export['zip_mb']:.1f} MB")
    report((merge, one_pass, export), "")
    if runs > 1:
        ratios = sorted(r[2]["seconds"] / (r[0]["seconds"] + r[1]["seconds"]) for r in results)
        peaks = sorted(r[2]["peak_mb"] for r in results)
        print(f"per run: ratio {', '.join(f'{x:.2f}' for x in ratios)} x (median "
              f"{statistics.median(ratios):.2f} x, target <= 1.50 x); export peak RSS "
              f"{', '.join(f'{x:.0f}' for x in peaks)} MB (median {statistics.median(peaks):.0f}"
              f" MB, target < 300 MB)")


def report(figures: tuple[dict, dict, dict], prefix: str) -> None:
    """The two targets, each with the figure measured beside it."""
    merge, one_pass, export = figures
    base = merge["seconds"] + one_pass["seconds"]
    ratio = export["seconds"] / base
    print(f"{prefix}target time: export <= 1.5 x (merge + one pass): export "
          f"{export['seconds']:.2f} s, 1.5 x ({merge['seconds']:.2f} + {one_pass['seconds']:.2f})"
          f" = {1.5 * base:.2f} s; ratio {ratio:.2f} x -> {'met' if ratio <= 1.5 else 'NOT met'}"
          f" (in CPU time {export['cpu'] / (merge['cpu'] + one_pass['cpu']):.2f} x)")
    print(f"{prefix}target memory: export peak RSS {export['peak_mb']:.0f} MB < 300 MB -> "
          f"{'met' if export['peak_mb'] < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
