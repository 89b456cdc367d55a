"""The tax offices the system knows: the configured default office and every office a staff login belongs to.

There is no table of tax offices: an office exists here when someone works in it (an officer or a manager whose
login names it) or when it is the installation's default office. An application sent to any other office would
wait for ever, so it is refused.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import User
from taxoffice.auth.roles import Role
from taxoffice.errors import FieldError, ValidationFailedError

_WORKING_ROLES = (Role.OFFICER.value, Role.MANAGER.value)


async def known_offices(session: AsyncSession, default_office: str) -> list[str]:
    """The codes of the known tax offices, sorted."""
    staffed = await session.scalars(
        select(User.tax_office).where(User.role.in_(_WORKING_ROLES), User.tax_office.is_not(None)).distinct()
    )
    return sorted({default_office, *(office for office in staffed if office)})


async def require_known_office(session: AsyncSession, default_office: str, office: str, field: str) -> str:
    """``office`` when the system knows it; otherwise a 422 naming the known ones."""
    offices = await known_offices(session, default_office)
    if office not in offices:
        known = ", ".join(offices)
        raise ValidationFailedError(
            f"No tax office {office!r} is known here (known: {known}).",
            errors=[FieldError(field, "tax_office.unknown", f"Choose one of: {known}.")],
        )
    return office
