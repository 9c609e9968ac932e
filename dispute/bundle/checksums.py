"""`SHA256SUMS`: the bundle's files and their SHA-256 in the format of GNU `sha256sum` (two
spaces, then the path), which `sha256sum -c` and `shasum -a 256 -c` check with nothing else
installed, and its signature `SHA256SUMS.sig` (Ed25519, the manifest's key), which
`openssl pkeyutl -verify -rawin` checks. A court can so check a bundle with the tools every
system has; `python -m dispute verify` checks the same and more (issue 16).
"""

from __future__ import annotations

import re

SUMS_NAME = "SHA256SUMS"
SUMS_SIGNATURE_NAME = "SHA256SUMS.sig"
PUBLIC_KEY_NAME = "portal.pem"

_LINE = re.compile(r"([0-9a-f]{64})  (\S(?:.*\S)?)")


def text(files: dict[str, str]) -> bytes:
    """path → sha256 as SHA256SUMS lines, sorted by path. Paths are the bundle's own (no
    newlines or backslashes: `manifest.exhibit_path` makes them), so no escaping is needed."""
    for path in files:
        if "\n" in path or "\\" in path or path != path.strip():
            raise ValueError(f"a path sha256sum cannot list plainly: {path!r}")
    return "".join(f"{files[p]}  {p}\n" for p in sorted(files)).encode("utf-8")


def parse(raw: bytes) -> tuple[dict[str, str], list[str]]:
    """path → sha256 from SHA256SUMS, and the lines that are not in its format."""
    found, bad = {}, []
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            bad.append(f"line {number} is not '<sha256>  <path>'")
        else:
            found[match.group(2)] = match.group(1)
    return found, bad


# The commands the cover prints, run in the folder the ZIP was unpacked into (a test runs them
# as written). Ed25519 needs OpenSSL 3's `-rawin`.
SUMS_COMMAND = f"sha256sum -c {SUMS_NAME}"
SUMS_COMMAND_MAC = f"shasum -a 256 -c {SUMS_NAME}"
KEY_COMMAND = f"openssl pkey -pubin -in {PUBLIC_KEY_NAME} -outform DER | openssl dgst -sha256"


def signature_command(data: str, signature: str) -> str:
    return (f"openssl pkeyutl -verify -pubin -inkey {PUBLIC_KEY_NAME} -rawin -in {data} "
            f"-sigfile {signature}")
