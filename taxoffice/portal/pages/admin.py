"""The admin's pages: the e-mail outbox (what went out, what waits and why)."""

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from taxoffice.auth.guards import ADMINS
from taxoffice.mail.models import MailStatus
from taxoffice.mail.services import MailService
from taxoffice.portal.rendering import page

SHOWN = 50  # the newest messages (of the status chosen)
STATUSES = (
    (MailStatus.PENDING, "Đang chờ gửi", "Waiting", "warn"),
    (MailStatus.SENT, "Đã gửi", "Sent", "ok"),
    (MailStatus.SKIPPED, "Không gửi", "Not sent", "bad"),
)


def _status(request: Request[Any, Any, Any]) -> MailStatus | None:
    chosen = request.query_params.get("status") or ""
    return MailStatus(chosen) if chosen in {s.value for s in MailStatus} else None


@get("/admin/outbox", guards=[ADMINS])
async def outbox(request: Request[Any, Any, Any], mail: NamedDependency[MailService]) -> Template:
    """The newest messages, optionally of one status; with SMTP unset they all wait here."""
    status = _status(request)
    messages = await mail.outbox(status, limit=SHOWN)
    return page(request, "admin_outbox.html", messages=messages, status=status, statuses=STATUSES)


@get("/admin/outbox/{message_id:int}", guards=[ADMINS])
async def message(
    request: Request[Any, Any, Any], message_id: FromPath[int], mail: NamedDependency[MailService]
) -> Template:
    """One message: its text, its attachment and its delivery state."""
    return page(request, "admin_message.html", message=await mail.message(message_id), statuses=STATUSES)


ROUTES = [outbox, message]
