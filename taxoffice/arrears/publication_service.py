"""Putting debtors on the public list (Decree 126/2020 Art. 29): officers select, the head of the office confirms.

The head of a tax office is a manager whose login names that office (``Role.MANAGER``, ``Principal.tax_office``);
nobody else confirms, not even an admin. Each step checks the case still qualifies that day (``publication.py``).
"""

import datetime
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from registry.names import fold
from taxoffice.arrears import publication
from taxoffice.arrears.debtors import PUBLISHED, SELECTED, qualifying
from taxoffice.arrears.models import ArrearsCase, DebtorPublication
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth import audit
from taxoffice.auth.roles import Principal, Role
from taxoffice.errors import ConflictError, FieldError, ForbiddenError, ResourceNotFoundError, RuleViolationError


@dataclass(frozen=True)
class Candidate:
    """An open case that may be selected for publication today."""

    case_id: int
    tax_code: str
    name: str
    address: str
    amount: int
    overdue_since: datetime.date
    days_overdue: int


def _office_of(actor: Principal, tax_office: str | None) -> str | None:
    """The office ``actor`` works on: an officer's or a manager's own; an admin's, the one asked for (or every)."""
    if actor.role in {Role.OFFICER, Role.MANAGER}:
        return actor.tax_office or ""
    return tax_office


class PublicationService:
    """Selection and confirmation of the debtors the office publishes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def candidates(
        self, actor: Principal, today: datetime.date, *, tax_office: str | None = None, limit: int = 200
    ) -> list[Candidate]:
        """Cases of the office that qualify today and are not selected yet, largest debt first."""
        _over, conditions = qualifying(today)
        office = _office_of(actor, tax_office)
        scope: list[ColumnElement[bool]] = [] if office is None else [ArrearsCase.tax_office == office]
        query = (
            select(ArrearsCase, Taxpayer)
            .join(Taxpayer, Taxpayer.id == ArrearsCase.taxpayer_id)
            .outerjoin(DebtorPublication, DebtorPublication.case_id == ArrearsCase.id)
            .where(*conditions, *scope, DebtorPublication.id.is_(None))
            .order_by(ArrearsCase.overdue_total.desc(), ArrearsCase.id)
            .limit(limit)
        )
        return [
            Candidate(
                case.id,
                case.tax_code,
                taxpayer.name,
                taxpayer.postal_address,
                case.overdue_total,
                case.oldest_due_on,
                (today - case.oldest_due_on).days,
            )
            for case, taxpayer in await self.session.execute(query)
        ]

    async def entries(
        self, actor: Principal, *, status: str | None = None, tax_office: str | None = None
    ) -> list[DebtorPublication]:
        """The office's entries (selected and published), largest amount first."""
        office = _office_of(actor, tax_office)
        query = select(DebtorPublication).order_by(DebtorPublication.amount.desc(), DebtorPublication.id)
        if office is not None:
            query = query.where(DebtorPublication.tax_office == office)
        if status:
            query = query.where(DebtorPublication.status == status)
        return list(await self.session.scalars(query.limit(500)))

    async def _qualifying_case(self, case_id: int, today: datetime.date) -> tuple[ArrearsCase, Taxpayer]:
        """The case, locked, with its taxpayer; a 422 saying why when it does not qualify today."""
        found = (
            await self.session.execute(
                select(ArrearsCase, Taxpayer)
                .join(Taxpayer, Taxpayer.id == ArrearsCase.taxpayer_id)
                .where(ArrearsCase.id == case_id)
                .with_for_update(of=ArrearsCase)
            )
        ).one_or_none()
        if found is None:
            msg = f"No arrears case has the id {case_id}."
            raise ResourceNotFoundError(msg)
        case, taxpayer = found
        over, _conditions = qualifying(today)
        days = (today - case.oldest_due_on).days
        if case.status != CaseStatus.OPEN:
            _unpublishable("publication.closed", case, today)
        if days <= over:
            _unpublishable("publication.not_overdue_enough", case, today)
        excluded = publication.exclusion(case.category, case.overdue_total, today, is_frozen=case.is_frozen)
        if excluded is not None:
            _unpublishable(excluded, case, today)
        return case, taxpayer

    async def select(self, actor: Principal, case_ids: list[int], today: datetime.date) -> list[DebtorPublication]:
        """Officers select cases of their office for publication; each waits for the head's confirmation."""
        rules = publication.rules_on(today)
        chosen: list[DebtorPublication] = []
        for case_id in dict.fromkeys(case_ids):
            case, taxpayer = await self._qualifying_case(case_id, today)
            if not actor.may_act_for_office(case.tax_office):
                msg = f"Officers select debtors of their own tax office ({actor.tax_office}), not {case.tax_office}."
                raise ForbiddenError(msg)
            taken = await self.session.scalar(select(DebtorPublication.id).where(DebtorPublication.case_id == case.id))
            if taken is not None:
                msg = f"Case {case.id} ({case.tax_code}) is already selected."
                raise ConflictError(msg)
            entry = DebtorPublication(
                case_id=case.id,
                taxpayer_id=taxpayer.id,
                tax_office=case.tax_office,
                status=SELECTED,
                tax_code=case.tax_code,
                name=taxpayer.name,
                name_search=fold(taxpayer.name),
                address=taxpayer.postal_address,
                amount=case.overdue_total,
                overdue_since=case.oldest_due_on,
                as_of=today,
                reason=rules.reason_vi,
                selected_by=actor.username,
                selected_on=today,
            )
            self.session.add(entry)
            chosen.append(entry)
        await self.session.flush()
        for entry in chosen:
            await audit.record(
                self.session, actor, "debtors.select", "debtor_publication", entry.id, {"case_id": entry.case_id}
            )
        return chosen

    async def confirm(self, actor: Principal, entry_id: int, today: datetime.date) -> DebtorPublication:
        """The head of the office confirms a selected entry: from now on the public sees it (while it qualifies)."""
        entry = await self.session.scalar(
            select(DebtorPublication).where(DebtorPublication.id == entry_id).with_for_update()
        )
        if entry is None:
            msg = f"No debtor-list entry has the id {entry_id}."
            raise ResourceNotFoundError(msg)
        if actor.role is not Role.MANAGER or actor.tax_office != entry.tax_office:
            msg = f"Only the head of tax office {entry.tax_office} (a manager of that office) confirms its debtor list."
            raise ForbiddenError(msg)
        if entry.status != SELECTED:
            msg = f"Entry {entry_id} is already {entry.status}."
            raise ConflictError(msg)
        case, _taxpayer = await self._qualifying_case(entry.case_id, today)
        entry.status = PUBLISHED
        entry.amount, entry.as_of = case.overdue_total, today
        entry.confirmed_by, entry.confirmed_on = actor.username, today
        await self.session.flush()
        await audit.record(
            self.session, actor, "debtors.confirm", "debtor_publication", entry.id, {"amount": entry.amount}
        )
        return entry


def _unpublishable(code: str, case: ArrearsCase, today: datetime.date) -> NoReturn:
    """A case that cannot be published, with the rule code that says why."""
    msg = f"Case {case.id} ({case.tax_code}) cannot be published on {today}: {code}."
    raise RuleViolationError(msg, errors=[FieldError("case_ids", code, msg)])
