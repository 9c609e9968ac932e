"""The portal's Ed25519 signing key: created once in the data directory, readable by its owner only.

The private key never leaves the data directory; `public_key_pem` is what a court or the other
side is given to check a bundle with `verify --trusted-key` (verify fails without a trusted key
unless told --allow-untrusted).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dispute.errors import UserError
from dispute.i18n import N_

KEY_FILE = "signing.key"


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def ensure_key(data_dir: Path) -> bool:
    """Create the key if there is none (mode 0600, never overwriting); True when created."""
    path = key_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False  # another process made it first, or it was there: keep that one
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return True


def load_key(data_dir: Path) -> Ed25519PrivateKey:
    """The private key, created on first use; refused when others can read the file."""
    ensure_key(data_dir)
    path = key_path(data_dir)
    if path.stat().st_mode & 0o077:
        raise UserError(N_("The signing key {path} can be read by other users; make it "
                           "readable by its owner only (chmod 600) and export again."),
                        path=str(path))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(N_("The signing key {path} is not an Ed25519 key."), path=str(path))
    return key


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def key_fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, to name the key in manifests and messages."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_der_sha256(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """SHA-256 of the public key in DER (SubjectPublicKeyInfo): what `openssl pkey -pubin -in
    portal.pem -outform DER | openssl dgst -sha256` prints, so a court can compare it with the
    fingerprint the portal's operator gives out, using OpenSSL alone."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def load_public_pem(pem: bytes) -> Ed25519PublicKey | None:
    """A public key from PEM (or the public half of a private key PEM); None when it is not one."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        try:
            key = serialization.load_pem_private_key(pem, password=None).public_key()
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return None
    return key if isinstance(key, Ed25519PublicKey) else None


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def signature_holds(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True
