"""Dependency providers shared by the controllers."""

import datetime
from collections.abc import AsyncIterator
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from filings.direct import FilingCounter
from filings.documents import ReturnDocuments
from filings.fine_service import FineService
from filings.nonfilers import NonFilerService
from filings.obligation_service import ObligationService
from filings.services import FilingService
from registry.applications import ApplicationService
from registry.services import TaxpayerService
from taxoffice.accounts.payment_orders import PaymentOrderService, Treasury
from taxoffice.accounts.payments import PaymentService
from taxoffice.accounts.services import AccountService
from taxoffice.arrears.debtors import DebtorListService
from taxoffice.arrears.notices import NoticeService
from taxoffice.arrears.oversight import OversightService
from taxoffice.arrears.publication_service import PublicationService
from taxoffice.arrears.services import WorklistService
from taxoffice.arrears.taxpayer_plan import TaxpayerPlans
from taxoffice.auth.roles import Principal
from taxoffice.auth.services import UserService
from taxoffice.calendar import VN_TZ
from taxoffice.config import Settings
from taxoffice.jobruns.services import JobDispatcher, JobRunService
from taxoffice.mail.services import MailService
from taxoffice.recovery.services import PasswordResetService
from taxoffice.reports.services import ReportService
from taxoffice.workdays.services import CalendarService


def provide_settings(state: State) -> Settings:
    """The app's settings."""
    settings: Settings = state.settings
    return settings


def provide_actor(request: Request[Any, Any, Any]) -> Principal:
    """Who is calling: the token's principal, or an anonymous member of the public."""
    user = request.scope.get("user")
    if isinstance(user, Principal):
        return user
    client = request.client.host if request.client else "unknown"
    return Principal.anonymous(client)


def provide_now(state: State) -> datetime.datetime:
    """The current instant (UTC), from the app's clock."""
    now: datetime.datetime = state.clock()
    return now


def provide_today(now: NamedDependency[datetime.datetime]) -> datetime.date:
    """Today in Hanoi."""
    return now.astimezone(VN_TZ).date()


def provide_users(db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]) -> UserService:
    """The user service."""
    return UserService(db_session, settings)


def provide_taxpayers(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> TaxpayerService:
    """The registry service."""
    return TaxpayerService(db_session, default_tax_office=settings.tax_office, code_prefix=settings.tax_code_prefix)


def provide_applications(
    db_session: NamedDependency[AsyncSession],
    taxpayers: NamedDependency[TaxpayerService],
    users: NamedDependency[UserService],
) -> ApplicationService:
    """The registration-application service."""
    return ApplicationService(db_session, taxpayers, users)


def provide_calendar_service(db_session: NamedDependency[AsyncSession]) -> CalendarService:
    """The working-calendar service."""
    return CalendarService(db_session)


def provide_accounts(db_session: NamedDependency[AsyncSession]) -> AccountService:
    """The account (ledger) service."""
    return AccountService(db_session)


def provide_payments(db_session: NamedDependency[AsyncSession]) -> PaymentService:
    """The payment intake service."""
    return PaymentService(db_session)


def provide_payment_orders(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> PaymentOrderService:
    """The payment-order service, sending money to the configured State Treasury account."""
    return PaymentOrderService(db_session, Treasury.from_settings(settings))


def provide_filings(
    db_session: NamedDependency[AsyncSession], accounts: NamedDependency[AccountService]
) -> FilingService:
    """The e-filing service."""
    return FilingService(db_session, accounts)


def provide_filing_counter(state: State, scope: Scope) -> FilingCounter:
    """``POST /returns``: the direct path when the app may take it, else (and as its fallback) a session's service.

    The session is made, the plugin's way (committed or rolled back before the answer is sent), only when the
    return goes the session's way.
    """
    alchemy: SQLAlchemyAsyncConfig = state.alchemy

    def service() -> FilingService:
        session = alchemy.provide_session(state, scope)
        return FilingService(session, AccountService(session))

    return FilingCounter(state.direct_filing, service)


def provide_return_documents(db_session: NamedDependency[AsyncSession]) -> ReturnDocuments:
    """A return's notices as PDF."""
    return ReturnDocuments(db_session)


def provide_mail(db_session: NamedDependency[AsyncSession]) -> MailService:
    """The outbox, for admins."""
    return MailService(db_session)


def provide_password_resets(
    db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> PasswordResetService:
    """Forgotten passwords: reset links by e-mail."""
    return PasswordResetService(db_session, settings)


def provide_obligations(
    db_session: NamedDependency[AsyncSession], filing_service: NamedDependency[FilingService]
) -> ObligationService:
    """The obligations service."""
    return ObligationService(db_session, filing_service)


def provide_fines(db_session: NamedDependency[AsyncSession], accounts: NamedDependency[AccountService]) -> FineService:
    """Late-filing fines by decision."""
    return FineService(db_session, accounts)


def provide_non_filers(db_session: NamedDependency[AsyncSession]) -> NonFilerService:
    """Who has not filed a return owed."""
    return NonFilerService(db_session)


def provide_job_runs(db_session: NamedDependency[AsyncSession]) -> JobRunService:
    """The recorded job runs."""
    return JobRunService(db_session)


def provide_job_dispatcher(state: State) -> JobDispatcher:
    """Where requested job runs go: the arq queue, or this process (built by create_app)."""
    dispatcher: JobDispatcher = state.job_dispatcher
    return dispatcher


def provide_worklist(db_session: NamedDependency[AsyncSession]) -> WorklistService:
    """The arrears worklist."""
    return WorklistService(db_session)


def provide_notices(
    db_session: NamedDependency[AsyncSession], accounts: NamedDependency[AccountService]
) -> NoticeService:
    """Debt notices (01/TTN)."""
    return NoticeService(db_session, accounts)


def provide_taxpayer_plans(db_session: NamedDependency[AsyncSession]) -> TaxpayerPlans:
    """A taxpayer's own instalment plan."""
    return TaxpayerPlans(db_session)


def provide_debtor_list(read_session: NamedDependency[AsyncSession]) -> DebtorListService:
    """The public debtor list: read from the replica when there is one."""
    return DebtorListService(read_session)


def provide_debtor_publication(db_session: NamedDependency[AsyncSession]) -> PublicationService:
    """Selection and confirmation of the public debtor list."""
    return PublicationService(db_session)


def provide_oversight(read_session: NamedDependency[AsyncSession]) -> OversightService:
    """Manager oversight of arrears: read from the replica when there is one."""
    return OversightService(read_session)


async def provide_read_session(state: State, db_session: NamedDependency[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for reads that may lag a little: on the replica when one is configured, else the request's own."""
    replica: async_sessionmaker[AsyncSession] | None = state.replica
    if replica is None:
        yield db_session
        return
    async with replica() as session:
        yield session


def provide_reports(
    db_session: NamedDependency[AsyncSession], read_session: NamedDependency[AsyncSession]
) -> ReportService:
    """Reports for managers and officers: built from the replica when there is one, targets kept on the primary."""
    return ReportService(db_session, read=read_session)


DEPENDENCIES = {
    "settings": Provide(provide_settings, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "today": Provide(provide_today, sync_to_thread=False),
    "users": Provide(provide_users, sync_to_thread=False),
    "taxpayers": Provide(provide_taxpayers, sync_to_thread=False),
    "applications": Provide(provide_applications, sync_to_thread=False),
    "calendar_service": Provide(provide_calendar_service, sync_to_thread=False),
    "accounts": Provide(provide_accounts, sync_to_thread=False),
    "payments": Provide(provide_payments, sync_to_thread=False),
    "orders": Provide(provide_payment_orders, sync_to_thread=False),
    "filing_service": Provide(provide_filings, sync_to_thread=False),
    "filing_counter": Provide(provide_filing_counter, sync_to_thread=False),
    "obligation_service": Provide(provide_obligations, sync_to_thread=False),
    "return_documents": Provide(provide_return_documents, sync_to_thread=False),
    "mail": Provide(provide_mail, sync_to_thread=False),
    "password_resets": Provide(provide_password_resets, sync_to_thread=False),
    "non_filers": Provide(provide_non_filers, sync_to_thread=False),
    "fine_service": Provide(provide_fines, sync_to_thread=False),
    "job_runs": Provide(provide_job_runs, sync_to_thread=False),
    "job_dispatcher": Provide(provide_job_dispatcher, sync_to_thread=False),
    "worklist": Provide(provide_worklist, sync_to_thread=False),
    "notices": Provide(provide_notices, sync_to_thread=False),
    "taxpayer_plans": Provide(provide_taxpayer_plans, sync_to_thread=False),
    "debtor_list": Provide(provide_debtor_list, sync_to_thread=False),
    "debtor_publication": Provide(provide_debtor_publication, sync_to_thread=False),
    "oversight": Provide(provide_oversight, sync_to_thread=False),
    "read_session": Provide(provide_read_session),
    "reports": Provide(provide_reports, sync_to_thread=False),
}
