"""Posting to and reading the taxpayer account. Each caller's transaction is the unit of work."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.errors import TaxpayerNotFoundError
from registry.mappers import addressee
from registry.models import Taxpayer
from taxoffice.accounts.account import Statement, account_statement
from taxoffice.accounts.account_print import account_print
from taxoffice.accounts.interest import pause_of_row
from taxoffice.accounts.models import Charge, Enforcement, InterestPause, PaymentExtension
from taxoffice.accounts.posting import COLUMNS, AtomicStep, charge_arrays
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.db import dialect_insert
from taxoffice.documents.account import account_pdf
from taxoffice.fastpaths import Driver, Prepared, on_driver, one_statement_writes

# Built once: a Core insert on the table skips the ORM bulk machinery on the filing hot path.
_INSERT_CHARGES = insert(cast("Table", Charge.__table__))


@dataclass(frozen=True)
class NewCharge:
    """A charge to post."""

    taxpayer_id: int
    tax_code: str
    tax_type: str
    sub_item: str
    period: str
    kind: ChargeKind
    amount: int
    due_on: datetime.date
    interest_from: datetime.date
    source: str
    note: str = ""


def charge_rows(charges: list[NewCharge]) -> list[dict[str, Any]]:
    """The charges to post as ``account_charge`` rows; zero amounts are left out."""
    return [{name: getattr(c, name) for name in COLUMNS} | {"kind": c.kind.value} for c in charges if c.amount != 0]


async def answer_on(driver: Driver, step: AtomicStep, charges: list[NewCharge]) -> dict[str, Any] | None:
    """``AccountService.post_with_answer`` on a driver's connection (no session): the one statement, its answer."""
    if not isinstance(step.with_charges, Prepared):
        msg = "post_with_answer runs a Prepared statement"
        raise TypeError(msg)
    params = step.params | charge_arrays(charge_rows(charges))
    rows = await step.with_charges.fetch_on(driver.raw, driver.dialect, params)
    return rows[0] if rows else None


class AccountService:
    """The ledger underneath filings and arrears; it never imports them (sources are data)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def post_with(self, step: AtomicStep, charges: list[NewCharge]) -> bool:
        """Apply ``step`` and post ``charges`` atomically: both, or neither (False: the step wrote nothing).

        The one owner of "accept the return and post its charge": on PostgreSQL one statement (``step.with_charges``),
        atomic by itself, so it may run in autocommit (``taxoffice.db.autocommit_when_free``) or in the caller's
        transaction; elsewhere the step and then the charges, in the caller's transaction.
        """
        connection = await self.session.connection()
        if one_statement_writes(connection):
            params = step.params | charge_arrays(charge_rows(charges))
            statement = step.with_charges.statement if isinstance(step.with_charges, Prepared) else step.with_charges
            return bool((await connection.execute(statement, params)).scalar_one())
        if not await step.apply(connection):
            return False
        await self.post(charges)
        return True

    async def post_with_answer(self, step: AtomicStep, charges: list[NewCharge]) -> dict[str, Any] | None:
        """PostgreSQL only: ``post_with`` as its one statement, answering the row ``step`` wrote (``None``: nothing).

        For a step that draws its own id (``charges_after(…, answer=…, source_prefix=…)``, ``Prepared``): the caller
        learns the id from the answer. Callers ask ``taxoffice.fastpaths.one_statement_writes`` first; elsewhere they
        write the step first and then call ``post_with``.
        """
        connection = await self.session.connection()
        async with on_driver(connection) as raw:
            return await answer_on(Driver(raw, connection.dialect), step, charges)

    async def post(self, charges: list[NewCharge]) -> None:
        """Post charges in the caller's transaction (zero amounts are skipped)."""
        rows = charge_rows(charges)
        if len(rows) == 1:
            await self.session.execute(_INSERT_CHARGES, rows[0])  # one row: no executemany round trips
        elif rows:
            await self.session.execute(_INSERT_CHARGES, rows)

    async def start_enforcement(self, taxpayer_id: int, started_on: datetime.date, reference: str) -> bool:
        """Put the taxpayer's debts overdue on ``started_on`` under enforcement; False when a period is open."""
        insert_ = dialect_insert(self.session)(Enforcement).values(
            taxpayer_id=taxpayer_id,
            started_on=started_on,
            reference=reference,
            created_at=func.now(),
            updated_at=func.now(),
        )
        statement = insert_.on_conflict_do_nothing(
            index_elements=["taxpayer_id"], index_where=Enforcement.ended_on.is_(None)
        ).returning(Enforcement.id)
        return (await self.session.scalar(statement)) is not None

    async def end_enforcements(self, taxpayer_ids: Sequence[int], ended_on: datetime.date) -> None:
        """End the open enforcement periods of ``taxpayer_ids`` on ``ended_on`` (their debts are settled)."""
        if taxpayer_ids:
            await self.session.execute(
                update(Enforcement)
                .where(Enforcement.taxpayer_id.in_(taxpayer_ids), Enforcement.ended_on.is_(None))
                .values(ended_on=ended_on, updated_at=func.now())
            )

    async def pause_interest(
        self,
        taxpayer_id: int,
        started_on: datetime.date,
        reason: str,
        reference: str,
        charge_ids: Sequence[int] | None = None,
    ) -> bool:
        """Stop late-payment interest from ``started_on`` (a freeze, Law 38 Art. 59.6) on the debts ``charge_ids``.

        ``charge_ids`` None: every debt of the taxpayer. False when a pause is already open.
        """
        insert_ = dialect_insert(self.session)(InterestPause).values(
            taxpayer_id=taxpayer_id,
            started_on=started_on,
            reason=reason,
            reference=reference,
            charge_ids=None if charge_ids is None else sorted(charge_ids),
            created_at=func.now(),
            updated_at=func.now(),
        )
        statement = insert_.on_conflict_do_nothing(
            index_elements=["taxpayer_id"], index_where=InterestPause.ended_on.is_(None)
        ).returning(InterestPause.id)
        return (await self.session.scalar(statement)) is not None

    async def debt_ids(self, taxpayer_id: int, due_before: datetime.date | None = None) -> list[int]:
        """The taxpayer's debts (charges above zero), by id; with ``due_before``, those overdue on that day.

        A debt is overdue after its deadline, or after the extended one while an extension stands (Law 38/2019
        Art. 62.4: a debt under extension is not late), as flag-arrears reads it.
        """
        query = select(Charge.id).where(Charge.taxpayer_id == taxpayer_id, Charge.amount > 0)
        if due_before is not None:
            standing = and_(PaymentExtension.charge_id == Charge.id, PaymentExtension.revoked_on.is_(None))
            due_on = case(
                (PaymentExtension.extended_to > Charge.due_on, PaymentExtension.extended_to), else_=Charge.due_on
            )
            query = query.outerjoin(PaymentExtension, standing).where(due_on < due_before)
        return list(await self.session.scalars(query.order_by(Charge.id)))

    async def frozen_on(self, taxpayer_id: int, day: datetime.date) -> frozenset[int] | None:
        """The charges a freeze running on ``day`` covers (Decree 126/2020 Art. 23.3).

        An empty set when none runs; None when one covers every debt (a pause written before freezes named debts).
        """
        rows = await self.session.execute(
            select(InterestPause.started_on, InterestPause.ended_on, InterestPause.charge_ids).where(
                InterestPause.taxpayer_id == taxpayer_id, InterestPause.running_on(day)
            )
        )
        covered: set[int] = set()
        for started_on, ended_on, charge_ids in rows:
            pause = pause_of_row(started_on, ended_on, charge_ids)
            if pause.charges is None:
                return None
            covered |= pause.charges
        return frozenset(covered)

    async def resume_interest(self, taxpayer_id: int, ended_on: datetime.date) -> None:
        """End the taxpayer's open interest pause: interest runs again from ``ended_on``."""
        await self.session.execute(
            update(InterestPause)
            .where(InterestPause.taxpayer_id == taxpayer_id, InterestPause.ended_on.is_(None))
            .values(ended_on=ended_on, updated_at=func.now())
        )

    async def charges(self, tax_code: str, *, period: str | None = None) -> list[Charge]:
        """A taxpayer's charges, oldest first."""
        query = select(Charge).where(Charge.tax_code == tax_code).order_by(Charge.due_on, Charge.id)
        if period is not None:
            query = query.where(Charge.period == period)
        return list(await self.session.scalars(query))

    async def statement(self, tax_code: str, as_of: datetime.date) -> Statement:
        """The taxpayer's account on ``as_of``: tax, interest and fines owed, credits, and the lines behind them.

        Raises:
            ResourceNotFoundError: the tax code is not registered.
        """
        taxpayer_id = await self.session.scalar(select(Taxpayer.id).where(Taxpayer.tax_code == tax_code))
        if taxpayer_id is None:
            raise TaxpayerNotFoundError(tax_code)
        return await account_statement(self.session, tax_code, taxpayer_id, as_of)

    async def tax_owed(self, tax_code: str, charge_ids: Sequence[int], as_of: datetime.date) -> int:
        """The tax still owed on ``as_of`` on the charges ``charge_ids`` (not their interest, not fines)."""
        chosen = set(charge_ids)
        items = (await self.statement(tax_code, as_of)).items
        return sum(i.outstanding for i in items if i.charge_id in chosen and i.kind == ChargeKind.TAX)

    async def statement_pdf(self, tax_code: str, as_of: datetime.date, today: datetime.date) -> tuple[str, bytes]:
        """The same account as a printable statement produced ``today``: its file name and PDF.

        Raises:
            ResourceNotFoundError: the tax code is not registered.
        """
        taxpayer = await self.session.scalar(select(Taxpayer).where(Taxpayer.tax_code == tax_code))
        if taxpayer is None:
            raise TaxpayerNotFoundError(tax_code)
        statement = await account_statement(self.session, tax_code, taxpayer.id, as_of)
        pdf = account_pdf(addressee(taxpayer), account_print(statement, today))
        return f"tai-khoan-thue-{tax_code}-{as_of.isoformat()}.pdf", pdf
