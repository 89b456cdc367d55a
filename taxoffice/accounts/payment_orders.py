"""Payment orders: a taxpayer picks open debts and gets a state-budget payment slip with a reference and a VietQR.

The slip follows the State Treasury's "Giấy nộp tiền vào ngân sách nhà nước" (form C1-02/NS, Circular
84/2016/TT-BTC): payer, tax office, State Treasury account, and per line the period, chapter, budget sub-item and
amount. Amounts come from the account statement (``statement.account_statement``: tax and fines outstanding,
late-payment interest to the order's day), never recomputed here. Each public method is one unit of work.
"""

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.errors import TaxpayerNotFoundError
from registry.models import Taxpayer
from registry.services import require_office, visible_code
from taxoffice.accounts import order_reference, vietqr
from taxoffice.accounts.account import ItemLine, account_statement
from taxoffice.accounts.errors import NothingToPayError, OrderNotCancellableError, PaymentOrderNotFoundError
from taxoffice.accounts.models import Payment
from taxoffice.accounts.order_models import PaymentOrder, PaymentOrderLine
from taxoffice.accounts.payment_explanation import explain_payment
from taxoffice.accounts.sub_items import INTEREST_SUB_ITEMS
from taxoffice.accounts.vocabulary import ChargeKind, OrderStatus
from taxoffice.auth.audit import record
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ
from taxoffice.config import Settings
from taxoffice.errors import FieldError, ValidationFailedError

VALID_DAYS = 2  # an order made today runs to the end of the day after tomorrow, Hanoi time
LIST_MAX = 100
_COMPONENT_NAMES: dict[str, tuple[str, str]] = {
    ChargeKind.TAX: ("Thuế", "tax"),
    ChargeKind.INTEREST: ("Tiền chậm nộp", "late-payment interest"),
    ChargeKind.FINE: ("Tiền phạt", "fine"),
}


@dataclass(frozen=True)
class Treasury:
    """Where the money goes: the State Treasury's collection account, reachable by bank transfer."""

    name: str
    bank_bin: str
    account: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "Treasury":
        """``TAXOFFICE_TREASURY_NAME``, ``TAXOFFICE_TREASURY_BANK_BIN``, ``TAXOFFICE_TREASURY_ACCOUNT``."""
        return cls(settings.treasury_name, settings.treasury_bank_bin, settings.treasury_account)


def expiry(today: datetime.date) -> datetime.datetime:
    """When an order made on ``today`` expires: midnight ending the day after tomorrow in Hanoi, as UTC."""
    end = datetime.datetime.combine(today + datetime.timedelta(days=VALID_DAYS + 1), datetime.time(), tzinfo=VN_TZ)
    return end.astimezone(datetime.UTC)


def effective_status(order: PaymentOrder, now: datetime.datetime) -> str:
    """The order's status at ``now``: an ``open`` order past its expiry is ``expired``."""
    if order.status == OrderStatus.OPEN and now >= order.expires_at:
        return OrderStatus.EXPIRED
    return order.status


def purpose(order: PaymentOrder) -> str:
    """The transfer description the payer sends (VietQR field 62-08): the reference, then the tax code if it fits."""
    text = f"{order.reference} {order.tax_code}"
    return text if len(text) <= vietqr.MAX_PURPOSE else order.reference


def qr_payload(order: PaymentOrder) -> str:
    """The order's VietQR payload: its total to the treasury account, its reference in the description."""
    return vietqr.payload(order.bank_bin, order.treasury_account, order.amount, purpose(order))


def slip_lines(items: Sequence[ItemLine], chosen: set[int] | None, as_of: datetime.date) -> list[PaymentOrderLine]:
    """The slip's lines for the statement ``items``: the tax or fine outstanding and the interest on each.

    ``chosen``: the charge ids picked; ``None`` takes every charge overdue on ``as_of`` (due before it) that still
    owes tax, a fine or interest.
    """
    lines: list[PaymentOrderLine] = []
    for item in items:
        if (item.charge_id not in chosen) if chosen is not None else item.due_on >= as_of:
            continue
        parts = [(item.kind, item.sub_item, item.outstanding)]
        parts.append(
            (ChargeKind.INTEREST, INTEREST_SUB_ITEMS.get(item.sub_item, item.sub_item), item.interest_outstanding)
        )
        for component, sub_item, amount in parts:
            if amount <= 0:
                continue
            vi, en = _COMPONENT_NAMES.get(component, _COMPONENT_NAMES[ChargeKind.TAX])
            lines.append(
                PaymentOrderLine(
                    line_no=len(lines) + 1,
                    charge_id=item.charge_id,
                    component=component,
                    tax_type=item.tax_type,
                    sub_item=sub_item,
                    period=item.period,
                    due_on=item.due_on,
                    description=f"{vi} {item.tax_type} kỳ {item.period} / {en} {item.tax_type} {item.period}",
                    amount=amount,
                )
            )
    return lines


@dataclass(frozen=True)
class PaidAgainst:
    """A payment that quoted an order, and where its money went (in both languages)."""

    payment: Payment
    explanation_vi: str
    explanation_en: str


class PaymentOrderService:
    """Payment orders of taxpayers; the taxpayer itself or officers of its office make and cancel them."""

    def __init__(self, session: AsyncSession, treasury: Treasury) -> None:
        self.session = session
        self.treasury = treasury

    async def create(
        self, actor: Principal, tax_code: str, charge_ids: Sequence[int] | None, now: datetime.datetime
    ) -> tuple[PaymentOrder, list[PaymentOrderLine]]:
        """Make an order for the chosen debts (``charge_ids``) or, with ``None``, for every overdue one.

        Each chosen charge contributes its tax or fine outstanding and the late-payment interest on it to today
        (Hanoi), as the account statement shows them. The order expires at the end of the day after tomorrow.

        Raises:
            ResourceNotFoundError: the tax code is not registered, or not the calling taxpayer's.
            ForbiddenError: an officer of another tax office.
            ValidationFailedError: a charge id that is not the taxpayer's or owes nothing.
            RuleViolationError: nothing is owed (the detail says so).
        """
        code = visible_code(actor, tax_code)
        taxpayer = await self._taxpayer(code)
        require_office(actor, taxpayer.tax_office, "payment orders")
        today = now.astimezone(VN_TZ).date()
        statement = await account_statement(self.session, code, taxpayer.id, today)
        chosen = None if charge_ids is None else set(charge_ids)
        lines = slip_lines(statement.items, chosen, today)
        if chosen is not None:
            unknown = sorted(chosen - {line.charge_id for line in lines})
            if unknown:
                msg = f"Charges {unknown} are not open debts of {code}."
                raise ValidationFailedError(msg, errors=[FieldError("charge_ids", "charge_ids.not_open", msg)])
        if not lines:
            msg = f"{code} has no overdue debt on {today.isoformat()}: nothing to pay."
            raise NothingToPayError(msg)
        order = PaymentOrder(
            reference=await self._new_reference(),
            taxpayer_id=taxpayer.id,
            tax_code=code,
            payer_name=taxpayer.name,
            payer_address=", ".join(
                p for p in (taxpayer.street, taxpayer.ward, taxpayer.district, taxpayer.province) if p
            ),
            tax_office=taxpayer.tax_office,
            chapter=taxpayer.chapter,
            treasury_name=self.treasury.name,
            treasury_account=self.treasury.account,
            bank_bin=self.treasury.bank_bin,
            amount=sum(line.amount for line in lines),
            paid=0,
            as_of=today,
            expires_at=expiry(today),
            status=OrderStatus.OPEN,
            created_by=actor.username,
        )
        self.session.add(order)
        await self.session.flush()
        for line in lines:
            line.order_id = order.id
        self.session.add_all(lines)
        await self.session.flush()
        await record(
            self.session, actor, "payment_order.create", "payment_order", order.reference, {"amount": order.amount}
        )
        return order, lines

    async def list_for(self, actor: Principal, tax_code: str) -> list[PaymentOrder]:
        """The taxpayer's orders, newest first (at most ``LIST_MAX``).

        Raises:
            ResourceNotFoundError: the tax code is not registered, or not the calling taxpayer's.
        """
        code = visible_code(actor, tax_code)
        taxpayer = await self._taxpayer(code)
        query = (
            select(PaymentOrder)
            .where(PaymentOrder.taxpayer_id == taxpayer.id)
            .order_by(PaymentOrder.id.desc())
            .limit(LIST_MAX)
        )
        return list(await self.session.scalars(query))

    async def get(self, actor: Principal, reference: str) -> tuple[PaymentOrder, list[PaymentOrderLine]]:
        """One order and its lines, by reference (look-alike characters and separators are accepted).

        Raises:
            ResourceNotFoundError: no such order, or not the calling taxpayer's.
        """
        order = await self._visible(actor, reference)
        return order, await self.lines(order.id)

    async def lines(self, order_id: int) -> list[PaymentOrderLine]:
        """The order's lines in slip order."""
        query = select(PaymentOrderLine).where(PaymentOrderLine.order_id == order_id).order_by(PaymentOrderLine.line_no)
        return list(await self.session.scalars(query))

    async def payments(self, actor: Principal, order: PaymentOrder, today: datetime.date) -> list[PaidAgainst]:
        """The payments that quoted ``order``, oldest first, each with where its money went, in words.

        A payment the reconcile job has not applied yet is told as the job will apply it, marked as expected
        (``payment_explanation.explain_payment``).
        """
        query = select(Payment).where(Payment.order_id == order.id).order_by(Payment.paid_on, Payment.id)
        found = []
        for payment in await self.session.scalars(query):
            vi, en = await explain_payment(self.session, actor, payment.id, today)
            found.append(PaidAgainst(payment=payment, explanation_vi=vi, explanation_en=en))
        return found

    async def cancel(
        self, actor: Principal, reference: str, now: datetime.datetime
    ) -> tuple[PaymentOrder, list[PaymentOrderLine]]:
        """Cancel an open order (the taxpayer, or an officer of its office); a payment quoting it still counts.

        Raises:
            ResourceNotFoundError: no such order, or not the calling taxpayer's.
            ForbiddenError: an officer of another tax office.
            ConflictError: the order is not open (paid, partly paid, expired or cancelled already).
        """
        order = await self._visible(actor, reference, for_update=True)
        require_office(actor, order.tax_office, "payment orders")
        status = effective_status(order, now)
        if status != OrderStatus.OPEN:
            raise OrderNotCancellableError(order.reference, status)
        order.status = OrderStatus.CANCELLED
        await record(self.session, actor, "payment_order.cancel", "payment_order", order.reference)
        await self.session.flush()
        return order, await self.lines(order.id)

    async def _visible(self, actor: Principal, reference: str, *, for_update: bool = False) -> PaymentOrder:
        found = order_reference.normalize(reference)
        query = select(PaymentOrder).where(PaymentOrder.reference == found)
        order = None if found is None else await self.session.scalar(query.with_for_update() if for_update else query)
        if order is None or not actor.may_see_taxpayer(order.tax_code):
            raise PaymentOrderNotFoundError(reference)
        return order

    async def _taxpayer(self, code: str) -> Taxpayer:
        taxpayer = await self.session.scalar(select(Taxpayer).where(Taxpayer.tax_code == code))
        if taxpayer is None:
            raise TaxpayerNotFoundError(code)
        return taxpayer

    async def _new_reference(self) -> str:
        """A reference no order has (a clash among 32⁸ is unlikely; the unique index settles a race)."""
        while True:
            reference = order_reference.new_reference(secrets.randbelow)
            taken = await self.session.scalar(select(PaymentOrder.id).where(PaymentOrder.reference == reference))
            if taken is None:
                return reference
