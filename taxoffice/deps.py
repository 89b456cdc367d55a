"""Dependency providers shared by the controllers."""

import datetime
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from registry.applications import ApplicationService
from registry.services import TaxpayerService
from taxoffice.auth.roles import Principal
from taxoffice.auth.services import UserService
from taxoffice.calendar import today_vn
from taxoffice.config import Settings
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


def provide_today() -> datetime.date:
    """Today in Hanoi."""
    return today_vn()


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


DEPENDENCIES = {
    "settings": Provide(provide_settings, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "today": Provide(provide_today, sync_to_thread=False),
    "users": Provide(provide_users, sync_to_thread=False),
    "taxpayers": Provide(provide_taxpayers, sync_to_thread=False),
    "applications": Provide(provide_applications, sync_to_thread=False),
    "calendar_service": Provide(provide_calendar_service, sync_to_thread=False),
}
