"""HTTP routes of payment orders: a taxpayer (or an officer) makes one, reads it as JSON or a QR code, cancels it."""

import datetime

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from registry.services import visible_code
from taxoffice.accounts import vietqr
from taxoffice.accounts.order_models import PaymentOrder, PaymentOrderLine
from taxoffice.accounts.order_schemas import (
    AllocationExplanation,
    PaymentOrderCreate,
    PaymentOrderList,
    PaymentOrderRead,
    PaymentOrderSummary,
    SlipLineRead,
    TreasuryRead,
    VietQrRead,
)
from taxoffice.accounts.payment_explanation import explain_payment
from taxoffice.accounts.payment_orders import PaymentOrderService, effective_status, purpose, qr_payload
from taxoffice.auth.guards import OFFICERS_OR_TAXPAYER, STAFF_OR_TAXPAYER
from taxoffice.auth.roles import Principal
from taxoffice.errors import FieldError, ValidationFailedError
from taxoffice.openapi import described, problems

SLIP_FORM = "C1-02/NS"
SVG = "image/svg+xml"


def order_view(order: PaymentOrder, lines: list[PaymentOrderLine], now: datetime.datetime) -> PaymentOrderRead:
    """An order as the API shows it: the slip, its status at ``now`` and its VietQR."""
    return PaymentOrderRead(
        reference=order.reference,
        form=SLIP_FORM,
        status=effective_status(order, now),
        tax_code=order.tax_code,
        payer_name=order.payer_name,
        payer_address=order.payer_address,
        tax_office=order.tax_office,
        chapter=order.chapter,
        treasury=TreasuryRead(name=order.treasury_name, bank_bin=order.bank_bin, account=order.treasury_account),
        amount=order.amount,
        paid=order.paid,
        as_of=order.as_of,
        expires_at=order.expires_at,
        created_at=order.created_at,
        lines=[
            SlipLineRead(
                line_no=line.line_no,
                charge_id=line.charge_id,
                component=line.component,
                tax_type=line.tax_type,
                chapter=order.chapter,
                sub_item=line.sub_item,
                period=line.period,
                due_on=line.due_on,
                description=line.description,
                amount=line.amount,
            )
            for line in lines
        ],
        vietqr=VietQrRead(
            payload=qr_payload(order),
            purpose=purpose(order),
            svg_url=f"/api/v1/payment-orders/{order.reference}/qr.svg",
        ),
    )


class TaxpayerPaymentOrderController(Controller):
    """A taxpayer's payment orders."""

    path = "/taxpayers/{tax_code:str}/payment-orders"
    tags = ["payment-orders"]  # noqa: RUF012 - Litestar reads a plain list

    @post(operation_id="createPaymentOrder", guards=[OFFICERS_OR_TAXPAYER], responses=problems(422))
    async def create(
        self,
        tax_code: FromPath[str],
        data: JSONBody[PaymentOrderCreate],
        orders: NamedDependency[PaymentOrderService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> PaymentOrderRead:
        """Make a payment order for the chosen charges, or every overdue debt; 201 with the slip and VietQR."""
        code = visible_code(actor, tax_code)  # another taxpayer's code is a 404 whatever the body
        if (data.charge_ids is None) == (not data.all_overdue):
            msg = "Give either charge_ids or all_overdue: true."
            raise ValidationFailedError(msg, errors=[FieldError("charge_ids", "charge_ids.choose_one", msg)])
        order, lines = await orders.create(actor, code, data.charge_ids, now)
        return order_view(order, lines, now)

    @get(operation_id="listPaymentOrders", guards=[STAFF_OR_TAXPAYER])
    async def list_orders(
        self,
        tax_code: FromPath[str],
        orders: NamedDependency[PaymentOrderService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> PaymentOrderList:
        """The taxpayer's payment orders, newest first."""
        rows = await orders.list_for(actor, tax_code)
        return PaymentOrderList(
            tax_code=rows[0].tax_code if rows else tax_code,
            items=[
                PaymentOrderSummary(
                    reference=o.reference,
                    status=effective_status(o, now),
                    amount=o.amount,
                    paid=o.paid,
                    as_of=o.as_of,
                    expires_at=o.expires_at,
                    created_at=o.created_at,
                )
                for o in rows
            ],
        )


class PaymentOrderController(Controller):
    """One payment order by its reference."""

    path = "/payment-orders/{reference:str}"
    tags = ["payment-orders"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="getPaymentOrder", guards=[STAFF_OR_TAXPAYER])
    async def get_order(
        self,
        reference: FromPath[str],
        orders: NamedDependency[PaymentOrderService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> PaymentOrderRead:
        """The payment order: slip, status, VietQR payload."""
        order, lines = await orders.get(actor, reference)
        return order_view(order, lines, now)

    @get(
        "/qr.svg",
        operation_id="getPaymentOrderQr",
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={SVG: {"type": "string"}}),
    )
    async def qr(
        self, reference: FromPath[str], orders: NamedDependency[PaymentOrderService], actor: NamedDependency[Principal]
    ) -> Response[bytes]:
        """The order's VietQR as an SVG image, to scan with a banking app."""
        order, _ = await orders.get(actor, reference)
        return Response(vietqr.svg(qr_payload(order)).encode(), media_type=SVG)

    @post(
        "/cancel",
        operation_id="cancelPaymentOrder",
        guards=[OFFICERS_OR_TAXPAYER],
        status_code=200,
        responses=problems(409),  # only an open order is cancelled
    )
    async def cancel(
        self,
        reference: FromPath[str],
        orders: NamedDependency[PaymentOrderService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> PaymentOrderRead:
        """Cancel an open payment order."""
        order, lines = await orders.cancel(actor, reference, now)
        return order_view(order, lines, now)


class PaymentExplanationController(Controller):
    """Why a payment's money went where it did."""

    path = "/payments/{payment_id:int}/explanation"
    tags = ["payments"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="explainPayment", guards=[STAFF_OR_TAXPAYER])
    async def explanation(
        self,
        payment_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> AllocationExplanation:
        """The payment's allocation in words (Vietnamese and English), with the legal order behind it."""
        vi, en = await explain_payment(db_session, actor, payment_id, today)
        return AllocationExplanation(payment_id=payment_id, vi=vi, en=en)


ROUTES = [TaxpayerPaymentOrderController, PaymentOrderController, PaymentExplanationController]
