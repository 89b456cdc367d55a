"""One-stop registration applications: submitted by anyone, decided by an officer within 3 working days."""

import datetime
import secrets
from typing import Any, cast

import msgspec
from sqlalchemy import BindParameter, Insert, Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import branches
from registry.errors import ApplicationDecidedError, ApplicationNotFoundError
from registry.models import RegistrationApplication
from registry.offices import known_offices, require_known_office
from registry.schemas import Decision, RegistrationCreate, TaxpayerCreate
from registry.services import TaxpayerService, parse_code, require_office
from registry.vocabulary import ApplicationStatus
from taxoffice.auth import audit
from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, new_password
from taxoffice.calendar import WorkingCalendar, hanoi_day
from taxoffice.errors import FieldError, ValidationFailedError
from taxoffice.fastpaths import one_statement_writes

# Applications are decided within this many working days (DOMAIN.md §2).
PROCESSING_WORKING_DAYS = 3
_APPLICATIONS = cast("Table", RegistrationApplication.__table__)
_AUDIT_EVENTS = cast("Table", AuditEvent.__table__)
_APPLICATION_FIELDS = [
    "number",
    "status",
    "submitted_on",
    "due_on",
    "kind",
    "name",
    "id_number",
    "parent_tax_code",
    "tax_office",
    "details",
]
_AUDIT_FIELDS = ["actor", "actor_user_id", "action", "entity", "entity_id", "data"]


def _bound(table: Table, prefix: str, columns: list[str]) -> dict[str, BindParameter[Any]]:
    return {name: bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in columns}


def _submit_statement() -> Insert:
    """The application and its audit row in one statement (PostgreSQL: an INSERT inside a CTE)."""
    application = _bound(_APPLICATIONS, "a_", [*_APPLICATION_FIELDS, "created_at", "updated_at"])
    audit_row = _bound(_AUDIT_EVENTS, "e_", [*_AUDIT_FIELDS, "created_at", "updated_at"])
    submitted = insert(_APPLICATIONS).values(application).cte("submitted")
    return insert(_AUDIT_EVENTS).values(audit_row).add_cte(submitted)


# Built once, so a submission only binds values: an ORM `insert(Model).values(...)` is rebuilt and re-keyed on
# every call, which here costs more than the database's work. One round trip on PostgreSQL, two on SQLite (no
# INSERT inside WITH there).
_SUBMIT = _submit_statement()
_INSERT_APPLICATION = insert(_APPLICATIONS)
_INSERT_AUDIT = insert(_AUDIT_EVENTS)


def new_number(today: datetime.date) -> str:
    """An application number: the day it was filed and 12 random digits (not guessable from another's)."""
    return f"{today:%Y%m%d}{secrets.randbelow(10**12):012d}"


def is_overdue(app: RegistrationApplication, today: datetime.date) -> bool:
    """Undecided after its due date."""
    return app.status == ApplicationStatus.SUBMITTED and today > app.due_on


class ApplicationService:
    """Registration applications."""

    def __init__(self, session: AsyncSession, taxpayers: TaxpayerService, users: UserService) -> None:
        self.session = session
        self.taxpayers = taxpayers
        self.users = users

    async def submit(
        self, actor: Principal, data: RegistrationCreate, now: datetime.datetime, calendar: WorkingCalendar
    ) -> tuple[str, datetime.date, str]:
        """Store an application received at ``now``; returns its number, its due day and the office deciding it.

        The office is the one the application names (it must be known here), else the parent's for a branch, else
        the installation's default office.
        """
        today = hanoi_day(now)
        if data.parent_tax_code is not None:
            parse_code(data.parent_tax_code, "parent_tax_code")
        await branches.own_number(self.session, data, lock=False)  # a branch's own number, checked at once
        if data.tax_office is not None:
            office = await require_known_office(
                self.session, self.taxpayers.default_tax_office, data.tax_office, "tax_office"
            )
        else:
            office = await self.taxpayers.office_for(data)
        number = new_number(today)
        due_on = calendar.add_working_days(today, PROCESSING_WORKING_DAYS)
        application = {
            "number": number,
            "status": ApplicationStatus.SUBMITTED,
            "submitted_on": today,
            "due_on": due_on,
            "kind": data.kind.value,
            "name": data.name,
            "id_number": data.id_number,
            "parent_tax_code": data.parent_tax_code,
            "tax_office": office,
            "details": msgspec.to_builtins(msgspec.structs.replace(data, tax_office=office)),
        }
        event = audit.audit_row(actor, "registration.submit", "registration_application", number)
        if not one_statement_writes(await self.session.connection()):
            stamps = {"created_at": now, "updated_at": now}
            await self.session.execute(_INSERT_APPLICATION, application | stamps)
            await self.session.execute(_INSERT_AUDIT, event | stamps)
            return number, due_on, office
        params = {f"a_{k}": v for k, v in application.items()} | {f"e_{k}": v for k, v in event.items()}
        await self.session.execute(
            _SUBMIT, params | {"a_created_at": now, "a_updated_at": now, "e_created_at": now, "e_updated_at": now}
        )
        return number, due_on, office

    async def offices(self) -> list[str]:
        """The tax offices an application may be sent to."""
        return await known_offices(self.session, self.taxpayers.default_tax_office)

    async def get(self, number: str) -> RegistrationApplication:
        """An application by its number."""
        app = await self.session.scalar(select(RegistrationApplication).where(RegistrationApplication.number == number))
        if app is None:
            raise ApplicationNotFoundError(number)
        return app

    async def list(
        self,
        actor: Principal,
        *,
        status: str | None,
        overdue_only: bool,
        today: datetime.date,
        tax_office: str | None = None,
        limit: int = 100,
    ) -> list[RegistrationApplication]:
        """Applications for staff, oldest due first.

        An officer's queue is their own office's applications only (whatever ``tax_office`` says); managers and
        admins see every office's, or the one ``tax_office`` names.
        """
        query = select(RegistrationApplication).order_by(RegistrationApplication.due_on, RegistrationApplication.id)
        office = actor.tax_office if actor.role is Role.OFFICER else tax_office
        if actor.role is Role.OFFICER or office is not None:
            query = query.where(RegistrationApplication.tax_office == office)
        if overdue_only:
            query = query.where(
                RegistrationApplication.status == ApplicationStatus.SUBMITTED, RegistrationApplication.due_on < today
            )
        elif status:
            query = query.where(RegistrationApplication.status == status)
        return list(await self.session.scalars(query.limit(limit)))

    async def decide(
        self, actor: Principal, number: str, decision: Decision, now: datetime.datetime
    ) -> tuple[RegistrationApplication, str | None]:
        """Approve or reject with a reason at ``now``; returns the application and, on approval, a one-time password.

        Approval registers the taxpayer, issuing its tax code, and opens its e-filing login (username = tax code),
        all in this one transaction.
        """
        app = await self.session.scalar(
            select(RegistrationApplication).where(RegistrationApplication.number == number).with_for_update()
        )
        if app is None:
            raise ApplicationNotFoundError(number)
        data = msgspec.convert(app.details | {"tax_office": app.tax_office}, TaxpayerCreate)
        require_office(actor, app.tax_office, "the registration applications")
        if app.status != ApplicationStatus.SUBMITTED:
            raise ApplicationDecidedError(number, app.status)
        if not decision.approve and not decision.reason:
            raise ValidationFailedError(
                "A rejection needs a reason.", errors=[FieldError("reason", "required", "Say why it is rejected.")]
            )
        app.decided_at = now
        app.decided_by = actor.username
        app.reason = decision.reason
        if decision.approve:
            taxpayer = await self.taxpayers.register(actor, data, hanoi_day(now))
            app.status = ApplicationStatus.APPROVED
            app.tax_code = taxpayer.tax_code
            password = new_password()
            await self.users.create(
                actor,
                username=taxpayer.tax_code,
                password=password,
                role=Role.TAXPAYER,
                tax_code=taxpayer.tax_code,
                tax_office=taxpayer.tax_office,
                full_name=taxpayer.name,
                must_change_password=True,
            )
        else:
            password = None
            app.status = ApplicationStatus.REJECTED
        await self.session.flush()
        await audit.record(
            self.session,
            actor,
            f"registration.{app.status}",
            "registration_application",
            number,
            {"tax_code": app.tax_code},
        )
        return app, password
