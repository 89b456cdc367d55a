"""Route guards by role."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from taxoffice.auth.roles import Principal, Role


def requires(*roles: Role) -> Guard:
    """A guard letting through only users with one of ``roles``.

    The guard is a coroutine function: Litestar runs a plain-function guard in a worker thread, a hop that costs
    more than the check itself.
    """
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not isinstance(user, Principal):
            raise NotAuthorizedException
        if user.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            msg = f"This needs one of the roles: {names}."
            raise PermissionDeniedException(msg)

    return guard


STAFF_ONLY = requires(Role.ADMIN, Role.MANAGER, Role.OFFICER)
OFFICERS = requires(Role.ADMIN, Role.OFFICER)
# Oversight of the office: workloads, targets, report files.
MANAGERS = requires(Role.ADMIN, Role.MANAGER)
# Who may change a taxpayer's record: officers (of its office, checked by the service) and the taxpayer itself.
OFFICERS_OR_TAXPAYER = requires(Role.ADMIN, Role.OFFICER, Role.TAXPAYER)
STAFF_OR_TAXPAYER = requires(Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.TAXPAYER)
ADMINS = requires(Role.ADMIN)
# Who may ask to act as the head of a tax office, e.g. to confirm the public debtor list (Decree 126/2020 Art. 29):
# managers, and admins to reach the service, which lets only a manager of that office through.
HEADS = requires(Role.ADMIN, Role.MANAGER)
# The taxpayer's own pages (the portal): a taxpayer's login only.
TAXPAYERS = requires(Role.TAXPAYER)
