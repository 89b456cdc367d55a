"""The SMTP server messages go out through, from ``TAXOFFICE_SMTP_URL``, and handing one message to it.

``smtp://user:pass@host:25`` plain (no TLS), ``smtp+starttls://user:pass@host:587`` upgraded with STARTTLS,
``smtps://user:pass@host:465`` TLS from the first byte. User and password are optional and URL-encoded.
"""

from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# Seconds to wait for the server at each step before the attempt counts as failed.
TIMEOUT_SECONDS = 30.0
# What a refused or failed delivery raises: kept as the message's last error, and retried.
DELIVERY_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        """The server an ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URL names.

        Raises:
            ValueError: another scheme, or no host.
        """
        parts = urlsplit(url)
        if parts.scheme not in _PORTS:
            msg = f"TAXOFFICE_SMTP_URL: unknown scheme {parts.scheme!r} (use smtp, smtp+starttls or smtps)."
            raise ValueError(msg)
        if not parts.hostname:
            msg = "TAXOFFICE_SMTP_URL names no host."
            raise ValueError(msg)
        return cls(
            host=parts.hostname,
            port=parts.port or _PORTS[parts.scheme],
            tls=parts.scheme == "smtps",
            starttls=parts.scheme == "smtp+starttls",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    async def deliver(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; returns once the server accepted it for every recipient.

        Raises:
            aiosmtplib.SMTPException: the server refused it (the connection, the login, a recipient, the data).
            OSError: the server could not be reached.
        """
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.tls,
            start_tls=self.starttls,
            timeout=TIMEOUT_SECONDS,
        )
