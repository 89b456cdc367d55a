"""Recording payments from banks: one at a time, or a statement in batches; the unmatched queue; reversals."""

import datetime
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.errors import TaxpayerNotFoundError
from registry.models import Taxpayer
from registry.services import parse_code
from taxoffice.accounts import order_matching, order_reference
from taxoffice.accounts.bulk_payments import insert_copied
from taxoffice.accounts.errors import BankRefReusedError, PaymentNotFoundError, PaymentStateError, TaxCodeRequiredError
from taxoffice.accounts.models import Allocation, Payment
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.vocabulary import PaymentStatus
from taxoffice.auth.audit import record
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.db import dialect_insert
from taxoffice.errors import FieldError, ResourceNotFoundError, ValidationFailedError
from taxoffice.fastpaths import on_postgres
from taxoffice.validity import paid_on_problem, printable_problem

PAGE_MAX = 200
PAYMENTS = cast("Table", Payment.__table__)


SHOWN_PROBLEMS = 100


@dataclass
class ImportOutcome:
    """Per-row results of a statement import: counts, and the first ``shown`` rejected rows with their reasons.

    A statement of a million bad rows is told in a few kilobytes: how many rows were rejected, how many for each
    column, and the first rows in file order; its reasons are never all held in memory.
    """

    imported: int = 0
    duplicates: int = 0
    unmatched: int = 0
    rejected_count: int = 0
    rejected_by_column: Counter[str] = field(default_factory=Counter)
    shown: int = SHOWN_PROBLEMS
    _kept: list[tuple[int, str]] = field(default_factory=list, repr=False)  # a heap of (-row, reason)

    def reject(self, row: int, reason: str, column: str | None) -> None:
        """Count a rejected row under ``column`` (the first column at fault; ``row`` for the whole row)."""
        self.rejected_count += 1
        self.rejected_by_column[column or "row"] += 1
        item = (-row, reason)
        if len(self._kept) < self.shown:
            heapq.heappush(self._kept, item)
        elif self._kept and item > self._kept[0]:
            heapq.heapreplace(self._kept, item)

    @property
    def rejected(self) -> list[tuple[int, str]]:
        """The first ``shown`` rejected rows, in file order: ``(row, reason)``."""
        return sorted((-row, reason) for row, reason in self._kept)


def _first_of_each(
    rows: Sequence[tuple[int, PaymentRecord]], outcome: ImportOutcome
) -> list[tuple[int, PaymentRecord]]:
    """The first row of each bank reference; a repeat is a duplicate when identical, else rejected."""
    first: dict[str, PaymentRecord] = {}
    fresh: list[tuple[int, PaymentRecord]] = []
    for number, item in rows:
        seen = first.get(item.bank_ref)
        if seen is None:
            first[item.bank_ref] = item
            fresh.append((number, item))
        elif seen == item:
            outcome.duplicates += 1
        else:
            outcome.reject(number, f"bank_ref {item.bank_ref} appears earlier in the file with other data", "bank_ref")
    return fresh


def check_record(item: PaymentRecord, today: datetime.date) -> None:
    """The intake rules every door applies (``taxoffice.validity``), as a 422 naming each field that breaks one.

    Raises:
        ValidationFailedError: a payment date outside 2000-01-01 … today, a reference with control characters.
    """
    errors: list[FieldError] = []
    if (problem := paid_on_problem(item.paid_on, today)) is not None:
        code = "paid_on.future" if item.paid_on > today else "paid_on.out_of_range"
        errors.append(FieldError("paid_on", code, problem))
    if (problem := printable_problem(item.bank_ref)) is not None:
        errors.append(FieldError("bank_ref", "bank_ref.not_printable", f"bank_ref {problem}"))
    if item.reference is not None and order_reference.normalize(item.reference) is None:
        errors.append(FieldError("reference", "reference.invalid", "reference is not a payment-order reference"))
    if errors:
        raise ValidationFailedError("; ".join(e.message for e in errors), errors=errors)


class PaymentService:
    """Payments as the banks report them; each public method is one unit of work in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, actor: Principal, item: PaymentRecord, today: datetime.date) -> tuple[Payment, bool]:
        """Record a payment; the same reference with the same data again returns it unchanged (``False``).

        Raises:
            ValidationFailedError: the payment date is in the future.
            ConflictError: the reference was used for a different payment, or (to a bank) by another bank.
        """
        check_record(item, today)
        resolved, matches = await order_matching.resolve(self.session, [item])
        item = resolved[0]
        if not item.tax_code:
            raise TaxCodeRequiredError("The payment has no tax code and its reference names no payment order.")
        taxpayers = await self._taxpayer_ids([item.tax_code])
        inserted = await self._insert([item], taxpayers, actor, source="api")
        await order_matching.link(self.session, inserted, matches, {item.bank_ref: item.amount})
        payment = await self.session.scalar(select(Payment).where(Payment.bank_ref == item.bank_ref))
        if payment is None:  # pragma: no cover - the row was just inserted or already there
            raise ResourceNotFoundError(item.bank_ref)
        if item.bank_ref in inserted:
            await record(self.session, actor, "payment.record", "payment", payment.id, {"bank_ref": item.bank_ref})
            return payment, True
        if not await self._reported_by_own_bank(actor, payment) or not item.same_as(payment):
            raise BankRefReusedError(item.bank_ref)
        return payment, False

    async def import_batch(
        self, actor: Principal, rows: Sequence[tuple[int, PaymentRecord]], outcome: ImportOutcome
    ) -> None:
        """Record a batch of statement rows (file row number, record); duplicates and conflicts per row."""
        if not rows:
            return
        fresh, matches = await self._resolved(_first_of_each(rows, outcome), outcome)
        items = [item for _, item in fresh]
        if on_postgres(self.session):
            copied = await insert_copied(self.session, items, source="import", received_by=actor.username)
            inserted: set[str] = set(copied)
            outcome.unmatched += sum(copied.values())
        else:
            taxpayers = await self._taxpayer_ids(sorted({item.tax_code for item in items}))
            inserted = await self._insert(items, taxpayers, actor, source="import")
            outcome.unmatched += sum(
                1 for item in items if item.bank_ref in inserted and item.tax_code not in taxpayers
            )
        outcome.imported += len(inserted)
        await order_matching.link(self.session, inserted, matches, {i.bank_ref: i.amount for i in items})
        existing_refs = [item.bank_ref for _, item in fresh if item.bank_ref not in inserted]
        if not existing_refs:
            return
        existing = {
            p.bank_ref: p
            for p in await self.session.scalars(select(Payment).where(Payment.bank_ref.in_(existing_refs)))
        }
        for number, item in fresh:
            if item.bank_ref in inserted:
                continue
            if item.same_as(existing[item.bank_ref]):
                outcome.duplicates += 1
            else:
                outcome.reject(number, f"bank_ref {item.bank_ref} was already used for a different payment", "bank_ref")

    async def _resolved(
        self, fresh: list[tuple[int, PaymentRecord]], outcome: ImportOutcome
    ) -> tuple[list[tuple[int, PaymentRecord]], dict[str, order_matching.OrderMatch]]:
        """The rows with their payment-order references resolved, and the matches; rows left with no tax code rejected."""
        resolved, matches = await order_matching.resolve(self.session, [item for _, item in fresh])
        kept: list[tuple[int, PaymentRecord]] = []
        for (number, _), item in zip(fresh, resolved, strict=True):
            if item.tax_code:
                kept.append((number, item))
            else:
                reason = f"reference {item.reference} names no payment order and the row has no valid tax code"
                outcome.reject(number, reason, "tax_code")
        return kept, matches

    async def _taxpayer_ids(self, tax_codes: Sequence[str]) -> dict[str, int]:
        if not tax_codes:
            return {}
        rows = await self.session.execute(
            select(Taxpayer.tax_code, Taxpayer.id).where(Taxpayer.tax_code.in_(tax_codes))
        )
        return {code: taxpayer_id for code, taxpayer_id in rows}  # noqa: C416 - rows are Row objects

    async def _insert(
        self, items: Sequence[PaymentRecord], taxpayers: dict[str, int], actor: Principal, *, source: str
    ) -> set[str]:
        """Insert the payments whose reference is new; returns those references."""
        if not items:
            return set()
        values: list[dict[str, Any]] = [
            {
                "bank_ref": item.bank_ref,
                "tax_code": item.tax_code,
                "taxpayer_id": taxpayers.get(item.tax_code),
                "payer_name": item.payer_name,
                "amount": item.amount,
                "paid_on": item.paid_on,
                "period": item.period,
                "sub_item": item.sub_item,
                "chapter": item.chapter,
                "tax_office": item.tax_office,
                "source": source,
                "status": PaymentStatus.UNALLOCATED if item.tax_code in taxpayers else PaymentStatus.UNMATCHED,
                "unallocated": item.amount,
                "received_by": actor.username,
                "note": "",
            }
            for item in items
        ]
        statement = (
            dialect_insert(self.session)(PAYMENTS)  # the table: Core, not the ORM's bulk machinery
            .on_conflict_do_nothing(index_elements=["bank_ref"])
            .returning(PAYMENTS.c.bank_ref)
        )
        return set(await self.session.scalars(statement, values))

    async def get(self, payment_id: int) -> Payment:
        """One payment.

        Raises:
            ResourceNotFoundError: no such payment.
        """
        payment = await self.session.get(Payment, payment_id)
        if payment is None:
            raise PaymentNotFoundError(payment_id)
        return payment

    async def search(self, *, status: str | None, tax_code: str | None, after: int | None, limit: int) -> list[Payment]:
        """Payments by status and tax code, in id order after ``after`` (keyset pages)."""
        query = select(Payment).order_by(Payment.id).limit(min(max(limit, 1), PAGE_MAX))
        if status is not None:
            query = query.where(Payment.status == status)
        if tax_code is not None:
            query = query.where(Payment.tax_code == parse_code(tax_code))
        if after is not None:
            query = query.where(Payment.id > after)
        return list(await self.session.scalars(query))

    async def assign(self, actor: Principal, payment_id: int, tax_code: str, note: str) -> Payment:
        """Give an unmatched payment to the registered taxpayer it belongs to.

        Raises:
            ConflictError: the payment is not unmatched.
            ResourceNotFoundError: no such payment, or the tax code is not registered.
        """
        code = parse_code(tax_code)
        payment = await self._locked(payment_id)
        if payment.status != PaymentStatus.UNMATCHED:
            raise PaymentStateError(
                f"Payment {payment_id} is {payment.status}, not unmatched: it cannot be reassigned."
            )
        taxpayer_id = (await self._taxpayer_ids([code])).get(code)
        if taxpayer_id is None:
            raise TaxpayerNotFoundError(code)
        before = payment.tax_code
        payment.tax_code, payment.taxpayer_id, payment.status = code, taxpayer_id, PaymentStatus.UNALLOCATED
        payment.note = note
        await record(
            self.session, actor, "payment.assign", "payment", payment.id, {"from": before, "to": code, "note": note}
        )
        await self.session.flush()
        return payment

    async def reverse(self, actor: Principal, payment_id: int, reason: str) -> Payment:
        """Cancel a payment the bank reversed, undoing its allocations with negative entries.

        Raises:
            ConflictError: the payment is already reversed.
            ResourceNotFoundError: no such payment, or (to a bank) one another bank reported.
        """
        payment = await self._locked(payment_id)
        if not await self._reported_by_own_bank(actor, payment):
            raise PaymentNotFoundError(payment_id)
        if payment.status == PaymentStatus.REVERSED:
            raise PaymentStateError(f"Payment {payment_id} is already reversed.")
        if payment.taxpayer_id is not None:
            await self.session.execute(select(Taxpayer.id).where(Taxpayer.id == payment.taxpayer_id).with_for_update())
        applied = await self.session.execute(
            select(Allocation.charge_id, Allocation.component, Allocation.paid_on, func.sum(Allocation.amount))
            .where(Allocation.payment_id == payment.id)
            .group_by(Allocation.charge_id, Allocation.component, Allocation.paid_on)
        )
        undo = [
            {
                "payment_id": payment.id,
                "charge_id": charge_id,
                "taxpayer_id": payment.taxpayer_id,
                "component": component,
                "amount": -total,
                "paid_on": paid_on,
                "run": "reversal",
            }
            for charge_id, component, paid_on, total in applied
            if total
        ]
        if undo:
            await self.session.execute(dialect_insert(self.session)(Allocation), undo)
        if payment.order_id is not None:
            await order_matching.count(self.session, payment.order_id, -payment.amount)
        payment.status, payment.unallocated, payment.note = PaymentStatus.REVERSED, 0, reason
        await record(
            self.session, actor, "payment.reverse", "payment", payment.id, {"reason": reason, "undone": len(undo)}
        )
        await self.session.flush()
        return payment

    async def _reported_by_own_bank(self, actor: Principal, payment: Payment) -> bool:
        """Whether ``actor`` may act on ``payment``: staff always; a bank only on what its bank reported.

        A bank is its login, or, when bank logins carry the bank's own tax code, every bank login with that code.
        """
        if actor.role is not Role.BANK:
            return True
        if payment.source != "api":  # statements are imported by officers, never by a bank
            return False
        if payment.received_by == actor.username:
            return True
        if actor.tax_code is None:
            return False
        reporter = await self.session.scalar(
            select(User.tax_code).where(User.username == payment.received_by, User.role == Role.BANK.value)
        )
        return reporter == actor.tax_code

    async def _locked(self, payment_id: int) -> Payment:
        payment = await self.session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
        if payment is None:
            raise PaymentNotFoundError(payment_id)
        return payment
