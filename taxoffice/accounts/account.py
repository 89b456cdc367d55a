"""A taxpayer's account as of a day: what is owed (tax, interest, fines), credits, and the lines behind it.

Interest is computed on the fly to the day; payments already received but not yet reconciled are applied here
exactly as the reconcile job will apply them (marked ``pending``), so a taxpayer who paid sees it at once and
interest stops on the day the money was paid.
"""

import datetime
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.accounts.extensions import extended_row
from taxoffice.accounts.interest import pause_of_row
from taxoffice.accounts.ledger import AllocationRow, ChargeRow, Ledger, NewAllocation, PaymentState
from taxoffice.accounts.models import (
    Allocation,
    Charge,
    Enforcement,
    InterestPause,
    InterestWaiver,
    Payment,
    PaymentExtension,
)
from taxoffice.accounts.vocabulary import OPEN_PAYMENT_STATUSES, ChargeKind, PaymentStatus


@dataclass(frozen=True)
class ItemLine:
    """One charge's position."""

    charge_id: int
    tax_type: str
    sub_item: str
    period: str
    kind: str
    due_on: datetime.date
    amount: int
    paid: int
    outstanding: int
    interest_accrued: int
    interest_paid: int
    interest_outstanding: int
    days_overdue: int
    interest_waived: int = 0


@dataclass(frozen=True)
class StatementLine:
    """An entry that explains the figures: a charge, a payment, or money applied."""

    on: datetime.date
    entry: str
    amount: int
    reference: str
    detail: str
    pending: bool = False


@dataclass
class Statement:
    """The account as of ``as_of``."""

    tax_code: str
    as_of: datetime.date
    outstanding: int = 0
    interest: int = 0
    fines: int = 0
    credit: int = 0
    items: list[ItemLine] = field(default_factory=list)
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def total_due(self) -> int:
        """Tax, interest and fines owed."""
        return self.outstanding + self.interest + self.fines


async def account_statement(session: AsyncSession, tax_code: str, taxpayer_id: int, as_of: datetime.date) -> Statement:
    """The account of ``taxpayer_id`` on ``as_of``: every charge, money paid by then, interest as if paid that day."""
    charges = list(
        await session.scalars(
            select(Charge).where(Charge.taxpayer_id == taxpayer_id).order_by(Charge.due_on, Charge.id)
        )
    )
    payments = list(
        await session.scalars(
            select(Payment)
            .where(Payment.taxpayer_id == taxpayer_id, Payment.paid_on <= as_of)
            .order_by(Payment.paid_on, Payment.id)
        )
    )
    allocations = list(
        await session.scalars(
            select(Allocation)
            .where(Allocation.taxpayer_id == taxpayer_id, Allocation.paid_on <= as_of)
            .order_by(Allocation.id)
        )
    )
    standing = select(PaymentExtension.charge_id, PaymentExtension.extended_to).where(
        PaymentExtension.taxpayer_id == taxpayer_id, PaymentExtension.revoked_on.is_(None)
    )
    extended: dict[int, datetime.date] = {row[0]: row[1] for row in await session.execute(standing)}
    pauses = [
        pause_of_row(started_on, ended_on, charge_ids)
        for started_on, ended_on, charge_ids in await session.execute(
            select(InterestPause.started_on, InterestPause.ended_on, InterestPause.charge_ids).where(
                InterestPause.taxpayer_id == taxpayer_id
            )
        )
    ]
    waivers = list(
        await session.scalars(
            select(InterestWaiver)
            .where(InterestWaiver.taxpayer_id == taxpayer_id, InterestWaiver.waived_on <= as_of)
            .order_by(InterestWaiver.id)
        )
    )
    waived: dict[int, int] = {}
    for waiver in waivers:
        waived[waiver.charge_id] = waived.get(waiver.charge_id, 0) + waiver.amount
    ledger = Ledger.build(
        [
            extended_row(
                ChargeRow(c.id, c.kind, c.tax_type, c.sub_item, c.period, c.amount, c.due_on, c.interest_from),
                extended.get(c.id),
            )
            for c in charges
        ],
        [AllocationRow(a.payment_id, a.charge_id, a.component, a.amount, a.paid_on) for a in allocations],
        [
            (row.started_on, row.ended_on)
            for row in await session.execute(
                select(Enforcement.started_on, Enforcement.ended_on).where(Enforcement.taxpayer_id == taxpayer_id)
            )
        ],
        pauses,
        waived,
    )
    pending = [
        PaymentState(p.id, p.unallocated, p.paid_on, p.period, p.sub_item)
        for p in payments
        if p.status in OPEN_PAYMENT_STATUSES and p.unallocated > 0
    ]
    released = ledger.releases()
    by_payment = {p.id: p for p in pending}
    for release in released:
        if release.payment_id in by_payment:
            by_payment[release.payment_id].unallocated -= release.amount
    virtual = [*released, *ledger.settle(pending)]
    statement = Statement(tax_code, as_of)
    statement.credit = sum(p.unallocated for p in pending) + ledger.excess_reduction
    _items(statement, ledger)
    _lines(statement, charges, payments, allocations, virtual)
    # Interest cancelled by a write-off (Art. 85): shown where it happened; the tax and fines it cut are charges.
    statement.lines.extend(
        StatementLine(w.waived_on, "waived:interest", -w.amount, w.reference, f"charge:{w.charge_id}") for w in waivers
    )
    _order(statement.lines)
    return statement


def _items(statement: Statement, ledger: Ledger) -> None:
    for state in ledger.charges:
        row = state.row
        kind = row.kind
        paid = state.paid.get(kind, 0)
        accrued = state.interest_accrued(statement.as_of)
        interest_paid = state.paid[ChargeKind.INTEREST]
        interest_owed = max(accrued - interest_paid - state.waived, 0)
        outstanding = max(state.amount - paid, 0)
        line = ItemLine(
            charge_id=row.id,
            tax_type=row.tax_type,
            sub_item=row.sub_item,
            period=row.period,
            kind=kind,
            due_on=row.due_on,
            amount=state.amount,
            paid=paid,
            outstanding=outstanding,
            interest_accrued=accrued,
            interest_paid=interest_paid,
            interest_outstanding=interest_owed,
            days_overdue=max((statement.as_of - row.due_on).days, 0) if outstanding else 0,
            interest_waived=state.waived,
        )
        statement.items.append(line)
        if kind == ChargeKind.FINE:
            statement.fines += outstanding
        else:
            statement.outstanding += outstanding
        statement.interest += line.interest_outstanding


def _lines(
    statement: Statement,
    charges: list[Charge],
    payments: list[Payment],
    allocations: list[Allocation],
    virtual: list[NewAllocation],
) -> None:
    lines = statement.lines
    for c in charges:
        lines.append(
            StatementLine(c.due_on, f"charge:{c.kind}", c.amount, c.source, f"{c.tax_type} {c.sub_item} {c.period}")
        )
    for p in payments:
        lines.append(StatementLine(p.paid_on, "payment", p.amount, p.bank_ref, p.status))
    for a in allocations:
        lines.append(
            StatementLine(
                a.paid_on, f"applied:{a.component}", a.amount, f"payment:{a.payment_id}", f"charge:{a.charge_id}"
            )
        )
    for v in virtual:
        lines.append(
            StatementLine(
                v.paid_on,
                f"applied:{v.component}",
                v.amount,
                f"payment:{v.payment_id}",
                f"charge:{v.charge_id}",
                pending=True,
            )
        )


def _order(lines: list[StatementLine]) -> None:
    """By day, a day's payments first."""
    lines.sort(key=lambda line: (line.on, line.entry != "payment"))


# Payments that never reduced what is owed: cancelled by the bank, or set aside by the reconcile job.
_NOT_PAID = frozenset({PaymentStatus.REVERSED, PaymentStatus.QUARANTINED})


def running_balances(lines: list[StatementLine]) -> list[int]:
    """The tax and fines still owed after each line, in the lines' order (interest accrues beside it).

    A charge adds its amount and a payment takes its amount off; the part of a payment applied to late-payment
    interest goes back on (it paid interest, not tax or fines); other money applied moves nothing (it only says
    which debt a payment settled); a reversed or set-aside payment changes nothing. Negative: a credit. After the
    last line the balance is ``outstanding + fines - credit`` of the statement.
    """
    balance = 0
    balances = []
    for line in lines:
        if line.entry.startswith("charge:"):
            balance += line.amount
        elif line.entry == "payment" and line.detail not in _NOT_PAID:
            balance -= line.amount
        elif line.entry == f"applied:{ChargeKind.INTEREST}":
            balance += line.amount
        balances.append(balance)
    return balances
