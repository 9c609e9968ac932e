"""DISPUTE_SMTP_URL and one connection to the mail server (smtplib).

    smtp://user:password@host:587     STARTTLS, required: credentials never cross in clear
    smtps://user:password@host:465    TLS from the first byte
    smtp://host:25?starttls=off       a relay on the same machine that speaks no TLS

The server's certificate is checked (the system's authorities, or DISPUTE_SMTP_CA_FILE).
User and password may be percent-encoded (an "@" in a password is %40)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(url: str) -> SmtpTarget:
    """The server in DISPUTE_SMTP_URL; a malformed URL is refused saying what is wrong (without
    repeating the password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise SystemExit("DISPUTE_SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    if not parts.hostname:
        raise SystemExit("DISPUTE_SMTP_URL names no host (smtp://user:password@host:587)")
    try:
        port = parts.port
    except ValueError:
        raise SystemExit("DISPUTE_SMTP_URL has a port that is not a number") from None
    query = parse_qs(parts.query)
    starttls = parts.scheme == "smtp" and query.get("starttls", ["on"])[0] != "off"
    if parts.scheme == "smtp" and not starttls and parts.username:
        raise SystemExit("DISPUTE_SMTP_URL: starttls=off would send the password in clear")
    return SmtpTarget(host=parts.hostname, port=port or (465 if parts.scheme == "smtps" else 587),
                      implicit_tls=parts.scheme == "smtps", starttls=starttls,
                      user=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None)


def _tls(ca_file: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


class Connection:
    """An open, authenticated SMTP session; `send` hands over one message."""

    def __init__(self, url: str, ca_file: str | None = None) -> None:
        target = parse_smtp_url(url)
        if target.implicit_tls:
            self._smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_S,
                                          context=_tls(ca_file))
        else:
            self._smtp = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_S)
        try:
            self._smtp.ehlo()
            if target.starttls:
                self._smtp.starttls(context=_tls(ca_file))
                self._smtp.ehlo()
            if target.user:
                self._smtp.login(target.user, target.password or "")
        except BaseException:
            self.close()
            raise

    def send(self, msg: EmailMessage, sender: str, recipient: str) -> None:
        """Raises smtplib's errors when the server refuses; returns once it accepted."""
        self._smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])

    def close(self) -> None:
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
