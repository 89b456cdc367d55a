"""HTTP routes of the taxpayer registry."""

import datetime

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from registry import mappers
from registry.applications import ApplicationService
from registry.schemas import (
    ChangeRead,
    Decision,
    DecisionResult,
    PublicTaxpayer,
    RegistrationCreate,
    RegistrationRead,
    RegistrationReceipt,
    StatusChange,
    TaxpayerCreate,
    TaxpayerPage,
    TaxpayerRead,
    TaxpayerUpdate,
)
from registry.search import Match, SearchQuery
from registry.services import TaxpayerService
from registry.vocabulary import ApplicationStatus, TaxpayerKind
from taxoffice.auth.guards import OFFICERS, OFFICERS_OR_TAXPAYER, STAFF_ONLY, STAFF_OR_TAXPAYER
from taxoffice.auth.roles import Principal
from taxoffice.openapi import problems
from taxoffice.params import PageLimit
from taxoffice.workdays.services import CalendarService


class TaxpayerController(Controller):
    """The registry of taxpayers."""

    path = "/taxpayers"
    tags = ["registry"]  # noqa: RUF012 - Litestar reads a plain list

    @post(operation_id="registerTaxpayer", guards=[OFFICERS], responses=problems(409))
    async def register(
        self,
        data: JSONBody[TaxpayerCreate],
        taxpayers: NamedDependency[TaxpayerService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> TaxpayerRead:
        """Register a taxpayer directly and issue its tax code."""
        return mappers.taxpayer_read(await taxpayers.register(actor, data, today))

    @get(operation_id="searchTaxpayers", guards=[STAFF_OR_TAXPAYER])
    async def search(
        self,
        taxpayers: NamedDependency[TaxpayerService],
        actor: NamedDependency[Principal],
        q: FromQuery[str | None] = None,
        match: FromQuery[Match] = Match.WORDS,
        status: FromQuery[str | None] = None,
        kind: FromQuery[TaxpayerKind | None] = None,
        tax_office: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[PageLimit] = 50,
    ) -> TaxpayerPage:
        """Find taxpayers by tax-code prefix, name prefix or accent-free words; keyset pages."""
        query = SearchQuery(
            q=q, match=match, status=status, kind=kind, tax_office=tax_office, cursor=cursor, limit=limit
        )
        rows, next_cursor = await taxpayers.search(actor, query)
        return TaxpayerPage(items=[mappers.taxpayer_read(r) for r in rows], next_cursor=next_cursor)

    @get("/{tax_code:str}", operation_id="getTaxpayer", guards=[STAFF_OR_TAXPAYER])
    async def get_one(
        self, tax_code: FromPath[str], taxpayers: NamedDependency[TaxpayerService], actor: NamedDependency[Principal]
    ) -> TaxpayerRead:
        """One taxpayer's record."""
        return mappers.taxpayer_read(await taxpayers.get(actor, tax_code))

    @patch("/{tax_code:str}", operation_id="updateTaxpayer", guards=[OFFICERS_OR_TAXPAYER])
    async def update(
        self,
        tax_code: FromPath[str],
        data: JSONBody[TaxpayerUpdate],
        taxpayers: NamedDependency[TaxpayerService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> TaxpayerRead:
        """Change a record (taxpayers: their contacts and address only; a VAT frequency from the year it applies)."""
        return mappers.taxpayer_read(await taxpayers.update(actor, tax_code, data, today))

    @post(
        "/{tax_code:str}/status",
        operation_id="changeTaxpayerStatus",
        guards=[OFFICERS],
        status_code=200,
        responses=problems(409),  # a move the status's transitions do not allow
    )
    async def change_status(
        self,
        tax_code: FromPath[str],
        data: JSONBody[StatusChange],
        taxpayers: NamedDependency[TaxpayerService],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> TaxpayerRead:
        """Move a taxpayer to another registry status."""
        calendar = await calendar_service.calendar()
        return mappers.taxpayer_read(await taxpayers.change_status(actor, tax_code, data, today, calendar))

    @get("/{tax_code:str}/history", operation_id="taxpayerHistory", guards=[STAFF_OR_TAXPAYER])
    async def history(
        self, tax_code: FromPath[str], taxpayers: NamedDependency[TaxpayerService], actor: NamedDependency[Principal]
    ) -> list[ChangeRead]:
        """Every change to the record, oldest first."""
        return [mappers.change_read(c) for c in await taxpayers.history(actor, tax_code)]


class PublicController(Controller):
    """Lookups anyone may make."""

    path = "/public"
    tags = ["public"]  # noqa: RUF012 - Litestar reads a plain list

    @get("/taxpayers/{tax_code:str}", operation_id="publicTaxpayer", exclude_from_auth=True)
    async def lookup(
        self,
        tax_code: FromPath[str],
        taxpayers: NamedDependency[TaxpayerService],
        today: NamedDependency[datetime.date],
    ) -> PublicTaxpayer:
        """Name, status and tax office of a tax code."""
        taxpayer, shown = await taxpayers.public(tax_code, today)
        return mappers.public_read(taxpayer, shown)


class RegistrationController(Controller):
    """One-stop registration applications."""

    path = "/registrations"
    tags = ["registry"]  # noqa: RUF012 - Litestar reads a plain list

    @post(operation_id="submitRegistration", exclude_from_auth=True)
    async def submit(
        self,
        data: JSONBody[RegistrationCreate],
        applications: NamedDependency[ApplicationService],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> RegistrationReceipt:
        """Apply for a tax code; keep the number to follow the application."""
        number, due_on, office = await applications.submit(actor, data, now, await calendar_service.calendar())
        return RegistrationReceipt(number=number, status=ApplicationStatus.SUBMITTED, due_on=due_on, tax_office=office)

    @get("/{number:str}", operation_id="getRegistration", exclude_from_auth=True)
    async def status(
        self,
        number: FromPath[str],
        applications: NamedDependency[ApplicationService],
        today: NamedDependency[datetime.date],
    ) -> RegistrationRead:
        """Where an application stands."""
        return mappers.application_read(await applications.get(number), today)

    @get(operation_id="listRegistrations", guards=[STAFF_ONLY])
    async def list_open(
        self,
        applications: NamedDependency[ApplicationService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        status: FromQuery[str | None] = None,
        overdue: FromQuery[bool] = False,
        tax_office: FromQuery[str | None] = None,
        limit: FromQuery[PageLimit] = 100,
    ) -> list[RegistrationRead]:
        """Applications, oldest due first; ``overdue=true`` for those past their due date; officers: their office's."""
        apps = await applications.list(
            actor, status=status, overdue_only=overdue, today=today, tax_office=tax_office, limit=limit
        )
        return [mappers.application_read(a, today) for a in apps]

    @post(
        "/{number:str}/decision",
        operation_id="decideRegistration",
        guards=[OFFICERS],
        status_code=200,
        responses=problems(409),  # decided already, or the taxpayer is registered already
    )
    async def decide(
        self,
        number: FromPath[str],
        data: JSONBody[Decision],
        applications: NamedDependency[ApplicationService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> DecisionResult:
        """Approve (issuing the tax code and the taxpayer's login) or reject with a reason."""
        app, password = await applications.decide(actor, number, data, now)
        return DecisionResult(
            number=app.number,
            status=app.status,
            tax_code=app.tax_code,
            username=app.tax_code if password else None,
            initial_password=password,
        )


ROUTES = [TaxpayerController, PublicController, RegistrationController]
