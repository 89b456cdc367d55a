"""Payment orders: what a taxpayer asked to pay, as a state-budget payment slip with a reference to quote."""

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Model, code_string


class PaymentOrder(Model):
    """A payment order: the slip's header (payer, tax office, State Treasury account) and its total.

    ``status`` as stored: ``open``, ``partly_paid``, ``paid``, ``cancelled``; an ``open`` order past ``expires_at``
    reads as ``expired`` (``payment_orders.effective_status``). ``paid`` sums the payments that quoted it.
    """

    __tablename__ = "payment_order"
    __table_args__ = (Index("ix_payment_order_taxpayer", "taxpayer_id", "id"),)

    reference: Mapped[str] = mapped_column(code_string(16), unique=True)
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    tax_code: Mapped[str] = mapped_column(code_string(14))
    payer_name: Mapped[str] = mapped_column(String(300))
    payer_address: Mapped[str] = mapped_column(String(500), default="")
    tax_office: Mapped[str] = mapped_column(String(16))
    chapter: Mapped[str] = mapped_column(String(3))
    treasury_name: Mapped[str] = mapped_column(String(200))
    treasury_account: Mapped[str] = mapped_column(String(19))
    bank_bin: Mapped[str] = mapped_column(String(6))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    # The day interest was computed to (the order's amounts are the debts as of that day).
    as_of: Mapped[datetime.date] = mapped_column(Date)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    status: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(300), default="")


class PaymentOrderLine(Model):
    """One line of the slip: a debt chosen for payment (a charge's tax or fine, or the interest on it)."""

    __tablename__ = "payment_order_line"

    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("payment_order.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    charge_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account_charge.id"))
    component: Mapped[str] = mapped_column(String(10))
    tax_type: Mapped[str] = mapped_column(String(4))
    sub_item: Mapped[str] = mapped_column(String(4))
    period: Mapped[str] = mapped_column(String(8))
    due_on: Mapped[datetime.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
