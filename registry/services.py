"""Taxpayer registry operations; each public method is one unit of work."""

import contextlib
import datetime
from typing import Any

import msgspec
from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from registry import branches, codes, frequencies, search, taxcode, words
from registry.errors import AlreadyRegisteredError, OtherOfficeError, StatusMoveError, TaxpayerNotFoundError
from registry.models import Taxpayer, TaxpayerChange
from registry.names import fold
from registry.schemas import Address, RegistrationCreate, StatusChange, TaxpayerCreate, TaxpayerUpdate
from registry.statuses import PUBLISHED_NEXT_WORKING_DAY, TaxpayerStatus, transition_problem
from registry.vocabulary import TaxpayerKind
from taxoffice.auth import audit
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Principal
from taxoffice.calendar import WorkingCalendar
from taxoffice.errors import (
    ConflictError,
    FieldError,
    RuleViolationError,
    ValidationFailedError,
)
from taxoffice.validity import optional_date, require_date

DEFAULT_CHAPTER = {
    TaxpayerKind.ENTERPRISE: "754",
    TaxpayerKind.BRANCH: "754",
    TaxpayerKind.HOUSEHOLD: "757",
    TaxpayerKind.INDIVIDUAL: "757",
}
DEFAULT_TAX_TYPES = {
    TaxpayerKind.ENTERPRISE: ["VAT", "CIT", "PIT"],
    TaxpayerKind.BRANCH: ["VAT", "PIT"],
    TaxpayerKind.HOUSEHOLD: ["VAT", "PIT"],
    TaxpayerKind.INDIVIDUAL: ["PIT"],
}
OFFICER_ONLY_FIELDS = frozenset({"name", "tax_office", "chapter", "vat_frequency", "tax_types"})


def parse_code(raw: str, field: str = "tax_code") -> str:
    """The normalised tax code, or a 422 problem naming what is wrong with it."""
    try:
        return taxcode.normalize(raw)
    except taxcode.InvalidTaxCodeError as exc:
        raise ValidationFailedError(
            f"Invalid tax code {raw!r}: {exc}", errors=[FieldError(field, exc.code, str(exc))]
        ) from exc


def visible_code(actor: Principal, raw: str) -> str:
    """The normalised tax code if ``actor`` may see it; otherwise a 404, as if it were not registered."""
    code = parse_code(raw)
    if not actor.may_see_taxpayer(code):
        raise TaxpayerNotFoundError(code)
    return code


def require_office(actor: Principal, tax_office: str | None, what: str) -> None:
    """Refuse (403) an officer acting on ``what`` of another tax office than their own.

    The record stays readable to staff (searches span offices), so the refusal says why rather than hiding it.
    """
    if not actor.may_act_for_office(tax_office):
        raise OtherOfficeError(what, actor.tax_office, tax_office)


def snapshot(tp: Taxpayer) -> dict[str, Any]:
    """The fields a history entry compares."""
    return {
        "name": tp.name,
        "address": {"street": tp.street, "ward": tp.ward, "district": tp.district, "province": tp.province},
        "email": tp.email,
        "phone": tp.phone,
        "tax_office": tp.tax_office,
        "chapter": tp.chapter,
        "vat_frequency": tp.vat_frequency,
        "tax_types": list(tp.tax_types),
    }


class TaxpayerService:
    """The taxpayer registry."""

    def __init__(self, session: AsyncSession, *, default_tax_office: str = "HNI", code_prefix: str = "01") -> None:
        self.session = session
        self.default_tax_office = default_tax_office
        self.code_prefix = code_prefix

    async def _load(self, tax_code: str, *, for_update: bool = False) -> Taxpayer:
        query = select(Taxpayer).where(Taxpayer.tax_code == tax_code)
        if for_update:
            query = query.with_for_update()
        taxpayer = await self.session.scalar(query)
        if taxpayer is None:
            raise TaxpayerNotFoundError(tax_code)
        return taxpayer

    async def office_for(self, data: TaxpayerCreate | RegistrationCreate) -> str:
        """The tax office a registration would land in: the one asked for, the parent's for a branch, or the default.

        A parent that is not registered (the application will fail anyway) counts as the default office.
        """
        if data.tax_office:
            return data.tax_office
        if data.kind is TaxpayerKind.BRANCH and data.parent_tax_code:
            with contextlib.suppress(ValidationFailedError):
                parent = await self.session.scalar(
                    select(Taxpayer.tax_office).where(Taxpayer.tax_code == parse_code(data.parent_tax_code))
                )
                if parent is not None:
                    return parent
        return self.default_tax_office

    async def get(self, actor: Principal, raw_code: str) -> Taxpayer:
        """One taxpayer; a taxpayer user sees only itself (anything else looks like it does not exist)."""
        return await self._load(visible_code(actor, raw_code))

    async def _issue_code(self, data: TaxpayerCreate, registered_on: datetime.date) -> tuple[str, Taxpayer | None]:
        own = await branches.own_number(self.session, data, lock=True)
        if own is not None:
            return own
        if data.kind is TaxpayerKind.BRANCH:
            if not data.parent_tax_code:
                raise ValidationFailedError(
                    "A branch needs its parent's tax code.",
                    errors=[FieldError("parent_tax_code", "required", "Required for a branch.")],
                )
            parent = await self._load(parse_code(data.parent_tax_code, "parent_tax_code"), for_update=True)
            if parent.kind != TaxpayerKind.ENTERPRISE or parent.status == TaxpayerStatus.CLOSED:
                msg = f"{parent.tax_code} cannot have branches (kind {parent.kind}, status {parent.status})."
                raise RuleViolationError(msg)
            try:
                return await codes.next_branch_code(self.session, parent), parent
            except ValueError as exc:
                raise ConflictError(str(exc)) from exc
        if data.parent_tax_code:
            raise ValidationFailedError(
                "Only a branch has a parent.",
                errors=[FieldError("parent_tax_code", "not_allowed", "Only for kind 'branch'.")],
            )
        brought = codes.personal_code(data.kind, data.id_number, registered_on) or codes.enterprise_code(
            data.kind, data.id_number
        )
        if brought is not None:
            return brought, None
        return await codes.next_organisation_code(self.session, self.code_prefix), None

    async def register(self, actor: Principal, data: TaxpayerCreate, today: datetime.date) -> Taxpayer:
        """Register a taxpayer and issue its tax code."""
        registered_on = require_date(data.registered_on or today, "registered_on")
        if registered_on > today:
            raise ValidationFailedError(
                "The registration date is in the future.",
                errors=[FieldError("registered_on", "date.future", "Must be today or earlier.")],
            )
        office = data.tax_office or self.default_tax_office
        if data.kind is not TaxpayerKind.BRANCH:
            require_office(actor, office, "the taxpayers")
        clash = await self.session.scalar(
            select(Taxpayer.tax_code).where(
                Taxpayer.id_number == data.id_number,
                Taxpayer.status != TaxpayerStatus.CLOSED,
                Taxpayer.kind != TaxpayerKind.BRANCH,
            )
        )
        if clash is not None and data.kind is not TaxpayerKind.BRANCH:
            msg = f"ID number {data.id_number} is already registered under tax code {clash}."
            raise AlreadyRegisteredError(msg)
        tax_code, parent = await self._issue_code(data, registered_on)
        if parent is not None:
            require_office(actor, parent.tax_office, "the branches of taxpayers")
            office = data.tax_office or parent.tax_office
            require_office(actor, office, "the taxpayers")
        kind = data.kind.value
        taxpayer = Taxpayer(
            tax_code=tax_code,
            kind=kind,
            parent_tax_code=parent.tax_code if parent else None,
            name=data.name.strip(),
            name_search=fold(data.name),
            id_number=data.id_number,
            street=data.address.street,
            ward=data.address.ward,
            district=data.address.district,
            province=data.address.province,
            tax_office=office,
            chapter=data.chapter or (parent.chapter if parent else DEFAULT_CHAPTER[data.kind]),
            email=data.email,
            phone=data.phone,
            registered_on=registered_on,
            vat_frequency=data.vat_frequency.value,
            tax_types=[t.value for t in data.tax_types] if data.tax_types else DEFAULT_TAX_TYPES[data.kind],
            status=TaxpayerStatus.ACTIVE.value,
            status_effective_on=registered_on,
        )
        self.session.add(taxpayer)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            msg = f"Tax code {tax_code} or ID number {data.id_number} is already registered."
            raise AlreadyRegisteredError(msg) from exc
        await self._history(taxpayer, "registered", actor, registered_on, None, snapshot(taxpayer))
        await audit.record(self.session, actor, "taxpayer.register", "taxpayer", tax_code, {"kind": kind})
        return taxpayer

    async def _history(
        self,
        tp: Taxpayer,
        change: str,
        actor: Principal,
        on: datetime.date | None,
        reason: str | None,
        fields: dict[str, Any],
    ) -> None:
        await self.session.execute(
            insert(TaxpayerChange).values(
                taxpayer_id=tp.id, change=change, actor=actor.username, effective_on=on, reason=reason, fields=fields
            )
        )

    async def update(
        self, actor: Principal, raw_code: str, patch: TaxpayerUpdate, today: datetime.date | None = None
    ) -> Taxpayer:
        """Change a record; taxpayers may change their own contacts and address only.

        A new VAT frequency applies from the year Decree 126 Art. 9 gives for a change made ``today`` (kept per year,
        ``registry.frequencies``); without ``today`` (scripts) it is only the taxpayer's current choice.
        """
        given = {f: v for f in patch.__struct_fields__ if (v := getattr(patch, f)) is not msgspec.UNSET}
        if not actor.is_staff and (forbidden := sorted(OFFICER_ONLY_FIELDS & given.keys())):
            raise ValidationFailedError(
                "Only a tax officer can change these fields.",
                errors=[FieldError(f, "officer_only", "Ask your tax office to change this.") for f in forbidden],
            )
        taxpayer = await self.get(actor, raw_code)
        require_office(actor, taxpayer.tax_office, "the records")
        if "tax_office" in given:
            require_office(actor, given["tax_office"], "the records")
        before = snapshot(taxpayer)
        for field, value in given.items():
            if isinstance(value, Address):
                taxpayer.street, taxpayer.ward = value.street, value.ward
                taxpayer.district, taxpayer.province = value.district, value.province
            elif field == "tax_types":
                taxpayer.tax_types = [t.value for t in value]
            elif field == "vat_frequency":
                if today is not None and value.value != taxpayer.vat_frequency:
                    await frequencies.record_change(self.session, taxpayer, taxpayer.vat_frequency, value.value, today)
                taxpayer.vat_frequency = value.value
            else:
                setattr(taxpayer, field, value)
        if "name" in given:
            taxpayer.name_search = fold(taxpayer.name)
        after = snapshot(taxpayer)
        changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
        if changed:
            await self.session.flush()  # the audit column ``updated_at`` is stamped by the flush
            await self._history(taxpayer, "updated", actor, None, None, changed)
            await audit.record(self.session, actor, "taxpayer.update", "taxpayer", taxpayer.tax_code, changed)
        return taxpayer

    async def change_status(
        self, actor: Principal, raw_code: str, change: StatusChange, today: datetime.date, calendar: WorkingCalendar
    ) -> Taxpayer:
        """Move a taxpayer to another status, if the move is allowed (else a 409 saying why)."""
        code = parse_code(raw_code)
        taxpayer = await self._load(code, for_update=True)
        require_office(actor, taxpayer.tax_office, "the statuses of taxpayers")
        current, new = TaxpayerStatus(taxpayer.status), TaxpayerStatus(change.status)
        if (problem := transition_problem(current, new)) is not None:
            raise StatusMoveError(problem)
        effective_on = require_date(change.effective_on or today, "effective_on")
        optional_date(change.until, "until")
        if new is TaxpayerStatus.SUSPENDED:
            if change.until is None or change.until <= effective_on:
                raise ValidationFailedError(
                    "A suspension needs an end date after it starts.",
                    errors=[FieldError("until", "required", "The day the suspension ends (after effective_on).")],
                )
        elif change.until is not None:
            raise ValidationFailedError(
                "Only a suspension has an end date.", errors=[FieldError("until", "not_allowed", "Only for status 05.")]
            )
        taxpayer.previous_status = current.value
        taxpayer.status = new.value
        taxpayer.status_effective_on = effective_on
        taxpayer.status_reason = change.reason
        taxpayer.suspended_until = change.until
        taxpayer.status_public_on = calendar.add_working_days(today, 1) if new in PUBLISHED_NEXT_WORKING_DAY else today
        fields: dict[str, Any] = {"status": {"from": current.value, "to": new.value}}
        if change.until:
            fields["until"] = change.until.isoformat()
        await self.session.flush()
        await self._history(taxpayer, "status", actor, effective_on, change.reason, fields)
        await audit.record(
            self.session, actor, "taxpayer.status", "taxpayer", code, {**fields, "reason": change.reason}
        )
        return taxpayer

    async def resume_suspensions(self, actor: Principal, as_of: datetime.date) -> int:
        """Return every taxpayer whose suspension ended before ``as_of`` to status 00 (set-based)."""
        ended = (
            update(Taxpayer)
            .where(Taxpayer.status == TaxpayerStatus.SUSPENDED, Taxpayer.suspended_until < as_of)
            .values(
                previous_status=Taxpayer.status,
                status=TaxpayerStatus.ACTIVE.value,
                status_effective_on=Taxpayer.suspended_until,
                status_reason="Suspension ended",
                suspended_until=None,
                status_public_on=as_of,
            )
            .returning(Taxpayer.id, Taxpayer.tax_code, Taxpayer.status_effective_on)
        )
        rows = (await self.session.execute(ended)).all()
        if rows:
            fields = {"status": {"from": "05", "to": "00"}}
            await self.session.execute(
                insert(TaxpayerChange),
                [
                    {
                        "taxpayer_id": r.id,
                        "change": "status",
                        "actor": actor.username,
                        "effective_on": r.status_effective_on,
                        "reason": "Suspension ended",
                        "fields": fields,
                    }
                    for r in rows
                ],
            )
            await self.session.execute(
                insert(AuditEvent),
                [audit.audit_row(actor, "taxpayer.status", "taxpayer", r.tax_code, fields) for r in rows],
            )
        return len(rows)

    async def history(self, actor: Principal, raw_code: str) -> list[TaxpayerChange]:
        """Every change of a record, oldest first."""
        taxpayer = await self.get(actor, raw_code)
        query = select(TaxpayerChange).where(TaxpayerChange.taxpayer_id == taxpayer.id).order_by(TaxpayerChange.id)
        return list(await self.session.scalars(query))

    async def public(self, raw_code: str, today: datetime.date) -> tuple[Taxpayer, str]:
        """A taxpayer and the status the public sees today (a change to 01/03/05/06 shows from the next working day)."""
        taxpayer = await self._load(parse_code(raw_code))
        shown = taxpayer.status
        if taxpayer.status_public_on and today < taxpayer.status_public_on and taxpayer.previous_status:
            shown = taxpayer.previous_status
        return taxpayer, shown

    async def search(self, actor: Principal, query: search.SearchQuery) -> tuple[list[Taxpayer], str | None]:
        """One page of taxpayers matching ``query``; taxpayer users find only themselves."""
        restriction = None
        if not actor.is_staff:
            restriction = (Taxpayer.tax_code == actor.tax_code) | (Taxpayer.parent_tax_code == actor.tax_code)
        plan = search.plan(query, self.session.get_bind().dialect.name, restriction)
        if plan.words is None:
            rows = list(await self.session.scalars(plan.statement))
        else:
            rows = await self._words_page(plan.words, plan.statement)
        return rows[: query.limit], search.next_cursor(rows, plan.sort, query.limit)

    async def _words_page(self, steps: words.PostgresWords, probe: Select[Any]) -> list[Taxpayer]:
        """A words search's page on PostgreSQL: probes while they promise a page, then through a GIN index."""
        rows = list(await self.session.scalars(probe))
        found, probes = len(rows), 1
        while words.probe_again(len(rows), found, probes, steps.rows):
            more = list(await self.session.scalars(steps.probe(rows[-1].id)))
            rows, found, probes = rows + more, len(more), probes + 1
        if len(rows) >= steps.rows:
            return rows[: steps.rows]
        # Also keeps the planner on the GIN index for the rest of the transaction when it finds any word.
        starting = list(await self.session.scalars(words.words_starting(steps.last_word, index_only=True)))
        last = steps.last_step(starting)
        return [] if last is None else list(await self.session.scalars(last))

    async def count(self) -> int:
        """How many taxpayers are registered."""
        return int(await self.session.scalar(select(func.count()).select_from(Taxpayer)) or 0)
