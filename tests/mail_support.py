"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 (a free port) with STARTTLS required
(a self-signed certificate made on the spot, given to the portal as DISPUTE_SMTP_CA_FILE) and
login required over TLS, keeping every message as it arrived.

`refuse` makes it answer DATA with an error; `on_message` runs after a message arrived and
before the server answers (the crash test stops the sender there)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "portal", "s3cret@pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class MailServer:
    folder: Path
    port: int = 0
    refuse: str | None = None
    on_message: Callable[[Received], None] | None = None
    received: list[Received] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://{USER}:{PASSWORD.replace('@', '%40')}@127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str:
        return str(self.folder / "smtp-cert.pem")

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return self.refuse
        got = Received(envelope.mail_from, list(envelope.rcpt_tos),
                       message_from_bytes(envelope.original_content or envelope.content,
                                          policy=policy.default))
        with self._cond:
            self.received.append(got)
            self._cond.notify_all()
        if self.on_message is not None:
            self.on_message(got)
        return "250 OK"

    @staticmethod
    def _auth(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        return AuthResult(success=ok)

    def start(self) -> "MailServer":
        cert, key = make_cert(self.folder)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        self.port = self.port or free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                      tls_context=tls, require_starttls=True,
                                      authenticator=self._auth, auth_require_tls=True)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        """Until `count` messages arrived (a condition, not a sleep); the messages."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} of {count} messages arrived")
            return list(self.received)


def to(server: MailServer, address: str, timeout: float = 60) -> Received:
    """The first message that arrived for `address` (waiting on a condition until it does)."""
    with server._cond:
        if not server._cond.wait_for(
                lambda: any(r.rcpt_tos == [address] for r in server.received), timeout):
            raise AssertionError(f"no message for {address} among {len(server.received)}")
        return next(r for r in server.received if r.rcpt_tos == [address])


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a received message."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def attachments(message: EmailMessage) -> list:
    return list(message.iter_attachments())
