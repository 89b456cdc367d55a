"""A real SMTP server for the mail tests (aiosmtpd, in its own thread), keeping what it accepts."""

import io
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from pypdf import PdfReader


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class SmtpSink:
    """Accepts every message, or refuses them all while ``refusing`` is set; ``received`` keeps the accepted ones."""

    port: int = 0
    refusing: bool = False
    received: list[EmailMessage] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: ANN401, ARG002, N802 - aiosmtpd calls it so
        if self.refusing:
            return "554 5.7.1 Refused by the test"
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server on a free local port for the duration of the block."""
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def attachments(message: EmailMessage) -> dict[str, bytes]:
    """The message's attachments by file name."""
    found: dict[str, bytes] = {}
    for part in message.iter_attachments():
        content = part.get_content()
        found[part.get_filename() or ""] = content if isinstance(content, bytes) else content.encode()
    return found


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
