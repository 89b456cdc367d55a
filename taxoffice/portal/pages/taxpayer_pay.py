"""Paying: the open debts, payment orders (a state-budget payment slip with a VietQR code), what a payment paid."""

import datetime
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from taxoffice.accounts import mappers, vietqr
from taxoffice.accounts.payment_orders import PaymentOrderService, effective_status, qr_payload
from taxoffice.accounts.services import AccountService
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ
from taxoffice.errors import DomainError
from taxoffice.portal.pages.taxpayer import GUARDS, own_code
from taxoffice.portal.rendering import page

CHOSEN_MAX = 200


async def _pay_page(
    request: Request[Any, Any, Any],
    actor: Principal,
    accounts: AccountService,
    orders: PaymentOrderService,
    today: datetime.date,
    now: datetime.datetime,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Template:
    code = own_code(actor)
    statement = await accounts.statement(code, today)
    open_items = [item for item in statement.items if item.outstanding or item.interest_outstanding]
    made = [(order, effective_status(order, now)) for order in await orders.list_for(actor, code)]
    return page(
        request,
        "taxpayer_pay.html",
        status_code=status_code,
        account=mappers.account(statement),
        open_items=open_items,
        orders=made,
        error=error,
    )


@get("/taxpayer/pay", guards=GUARDS)
async def pay(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    accounts: NamedDependency[AccountService],
    orders: NamedDependency[PaymentOrderService],
    today: NamedDependency[datetime.date],
    now: NamedDependency[datetime.datetime],
) -> Template:
    """The open debts, the form for a payment order, the orders made, and the order the law applies a payment in."""
    return await _pay_page(request, actor, accounts, orders, today, now)


@post("/taxpayer/pay/orders", guards=GUARDS)
async def create_order(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    accounts: NamedDependency[AccountService],
    orders: NamedDependency[PaymentOrderService],
    today: NamedDependency[datetime.date],
    now: NamedDependency[datetime.datetime],
) -> Template | Redirect:
    """A payment order for the debts ticked (none ticked: every overdue debt); then its slip and QR code."""
    form = await request.form()
    ticked = [value for value in form.getall("charge_ids", []) if isinstance(value, str)][:CHOSEN_MAX]
    try:
        chosen = [int(value) for value in ticked] or None
        order, _lines = await orders.create(actor, own_code(actor), chosen, now)
    except ValueError:
        return await _pay_page(request, actor, accounts, orders, today, now, status_code=422, error="charge_ids")
    except DomainError as exc:
        return await _pay_page(request, actor, accounts, orders, today, now, status_code=exc.status, error=exc.detail)
    return Redirect(f"/taxpayer/pay/orders/{order.reference}", status_code=303)


@get("/taxpayer/pay/orders/{reference:str}", guards=GUARDS)
async def order_page(
    request: Request[Any, Any, Any],
    reference: FromPath[str],
    actor: NamedDependency[Principal],
    orders: NamedDependency[PaymentOrderService],
    today: NamedDependency[datetime.date],
    now: NamedDependency[datetime.datetime],
) -> Template:
    """The slip to pay with (lines, total, reference, QR code); once a bank reports a payment, where it went."""
    order, lines = await orders.get(actor, reference)
    return page(
        request,
        "taxpayer_order.html",
        order=order,
        lines=lines,
        status=effective_status(order, now),
        # It expires at the midnight that ends this day (Hanoi): the last day it can be paid on.
        valid_through=(order.expires_at - datetime.timedelta(microseconds=1)).astimezone(VN_TZ).date(),
        qr=vietqr.svg(qr_payload(order), standalone=False),
        payments=await orders.payments(actor, order, today),
    )


@post("/taxpayer/pay/orders/{reference:str}/cancel", guards=GUARDS)
async def cancel_order(
    reference: FromPath[str],
    actor: NamedDependency[Principal],
    orders: NamedDependency[PaymentOrderService],
    now: NamedDependency[datetime.datetime],
) -> Redirect:
    """Cancel an open order (a payment quoting it later still counts for the taxpayer)."""
    order, _lines = await orders.cancel(actor, reference, now)
    return Redirect(f"/taxpayer/pay/orders/{order.reference}", status_code=303)


ROUTES = [pay, create_order, order_page, cancel_order]
