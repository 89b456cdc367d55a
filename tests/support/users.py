"""Users and bearer tokens for tests."""

import itertools

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import issue_token
from taxoffice.config import Settings

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


class Login:
    """Make a user of a role and get its headers."""

    def __init__(self, app: Litestar, session: AsyncSession, settings: Settings) -> None:
        self.app = app
        self.session = session
        self.settings = settings

    async def __call__(
        self, role: Role, *, tax_code: str | None = None, username: str | None = None, tax_office: str | None = "HNI"
    ) -> dict[str, str]:
        """Headers of a new user with ``role`` (of tax office ``tax_office``)."""
        name = username or f"{role.value}{next(_counter)}"
        user = await UserService(self.session, self.settings).create(
            Principal.system("tests"),
            username=name,
            password=PASSWORD,
            role=role,
            tax_code=tax_code,
            tax_office=tax_office,
        )
        await self.session.commit()
        token = issue_token(self.app.state.jwt_auth, principal_of(user), user.token_version)
        return {"Authorization": f"Bearer {token}"}
