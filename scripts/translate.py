"""Fill zh_CN translations from a JSON object {msgid: translation} on stdin (or a file).

`python scripts/translate.py --missing` prints the msgids still untranslated, as JSON, so the
round trip is: run `make i18n`, list what is missing, translate, pipe the object back in.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "dispute/locale/zh_CN/LC_MESSAGES/messages.po"


def main(argv: list[str]) -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    if argv[:1] == ["--missing"]:
        missing = {m.id: "" for m in catalog if m.id and not m.string}
        print(json.dumps(missing, ensure_ascii=False, indent=1))
        return 0
    source = Path(argv[0]).read_text(encoding="utf-8") if argv else sys.stdin.read()
    unknown = []
    for msgid, text in json.loads(source).items():
        message = catalog.get(msgid)
        if message is None:
            unknown.append(msgid)
        elif text:
            message.string = text
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, include_lineno=False)
    if unknown:
        print("not in the catalog (run `make i18n` first):", *unknown, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
