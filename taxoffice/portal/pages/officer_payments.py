"""Officers' pages: the payments no taxpayer could be found for, and giving one to the taxpayer it belongs to."""

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from taxoffice.accounts import mappers
from taxoffice.accounts.payments import PaymentService
from taxoffice.accounts.schemas import PaymentAssign
from taxoffice.accounts.vocabulary import PaymentStatus
from taxoffice.auth.guards import OFFICERS, STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError
from taxoffice.portal.forms import Form
from taxoffice.portal.pages.officer_forms import as_request, failure
from taxoffice.portal.rendering import page

PAGE = 50


@dataclass
class AssignPaymentForm:
    """The taxpayer a payment belongs to, and why."""

    tax_code: str = ""
    note: str = ""


async def _queue(
    request: Request[Any, Any, Any],
    payments: PaymentService,
    *,
    status_code: int = 200,
    **context: Any,  # noqa: ANN401
) -> Template:
    after = request.query_params.get("after")
    rows = await payments.search(
        status=PaymentStatus.UNMATCHED,
        tax_code=None,
        after=int(after) if after and after.isdigit() else None,
        limit=PAGE,
    )
    defaults: dict[str, Any] = {"failed": None, "form": AssignPaymentForm(), "errors": {}, "error": None}
    return page(
        request,
        "officer_payments.html",
        status_code=status_code,
        items=[mappers.payment(p) for p in rows],
        next_after=rows[-1].id if len(rows) >= PAGE else None,
        assigned=request.query_params.get("assigned"),
        **defaults | context,
    )


@get("/officer/payments", guards=[STAFF_ONLY])
async def unmatched(request: Request[Any, Any, Any], payments: NamedDependency[PaymentService]) -> Template:
    """The unmatched payments, oldest first, each with a form to give it to a taxpayer."""
    return await _queue(request, payments)


@post("/officer/payments/{payment_id:int}/assign", guards=[OFFICERS])
async def assign(
    request: Request[Any, Any, Any],
    payment_id: FromPath[int],
    data: Form[AssignPaymentForm],
    payments: NamedDependency[PaymentService],
    actor: NamedDependency[Principal],
) -> Template | Redirect:
    """Give the payment to the taxpayer it belongs to (audited); the reconcile job then allocates it."""
    try:
        body = as_request(PaymentAssign, {"tax_code": data.tax_code.strip(), "note": data.note.strip()})
        await payments.assign(actor, payment_id, body.tax_code, body.note)
    except DomainError as exc:
        return await _queue(request, payments, status_code=exc.status, failed=payment_id, form=data, **failure(exc))
    return Redirect(f"/officer/payments?assigned={payment_id}", status_code=303)


ROUTES = [unmatched, assign]
