"""Users: creation, login (throttled by ``throttle``), password changes."""

import datetime
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth import audit, throttle
from taxoffice.auth.models import User
from taxoffice.auth.passwords import DUMMY_HASH, hash_in_thread, verify_in_thread
from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings
from taxoffice.errors import AuthenticationError, ConflictError, FieldError, ValidationFailedError

MIN_PASSWORD_LENGTH = 10
_WRONG = "Wrong username or password."


def principal_of(user: User) -> Principal:
    """The principal a user acts as."""
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        tax_code=user.tax_code,
        tax_office=user.tax_office,
    )


def new_password() -> str:
    """A one-time password handed to a new user (must be changed at first login)."""
    return secrets.token_urlsafe(12)


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailedError(
            "The password is too short.",
            errors=[FieldError("password", "password.too_short", f"At least {MIN_PASSWORD_LENGTH} characters.")],
        )


class UserService:
    """Operations on users; each public method is one unit of work."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def create(
        self,
        actor: Principal,
        *,
        username: str,
        password: str,
        role: Role,
        tax_code: str | None = None,
        tax_office: str | None = None,
        full_name: str | None = None,
        must_change_password: bool = False,
    ) -> User:
        """Create a user; the username must be new."""
        _check_password_rules(password)
        if role is Role.TAXPAYER and not tax_code:
            raise ValidationFailedError(
                "A taxpayer user needs the tax code it acts for.",
                errors=[FieldError("tax_code", "required", "Required for the taxpayer role.")],
            )
        exists = await self.session.scalar(select(User.id).where(User.username == username))
        if exists is not None:
            raise ConflictError(f"The username {username!r} is taken.")
        user = User(
            username=username,
            password_hash=await hash_in_thread(password, self.settings.password_hash),
            role=role.value,
            tax_code=tax_code,
            tax_office=tax_office,
            full_name=full_name,
            must_change_password=must_change_password,
        )
        self.session.add(user)
        await self.session.flush()
        await audit.record(
            self.session, actor, "user.create", "user", user.id, {"username": username, "role": role.value}
        )
        return user

    async def authenticate(self, username: str, password: str, now: datetime.datetime, address: str) -> User:
        """The user with these credentials, from client ``address``; attempts are throttled (``throttle``)."""
        await throttle.admit(self.session, self.settings, username=username, address=address, now=now)
        user = await self.session.scalar(select(User).where(User.username == username))
        # The attempt counts even though the request may fail; and no lock is held while the hash is checked.
        await self.session.commit()
        if user is None or not user.is_active:
            await verify_in_thread(DUMMY_HASH, password)  # the same time as a wrong password
            raise AuthenticationError(_WRONG)
        if not await verify_in_thread(user.password_hash, password):
            raise AuthenticationError(_WRONG)
        await throttle.forgive(self.session, self.settings, username=username, address=address)
        return user

    async def change_password(
        self, actor: Principal, current: str, new: str, now: datetime.datetime, address: str
    ) -> None:
        """Change the actor's own password (the current one is checked, and throttled, as at login)."""
        user = await self.authenticate(actor.username, current, now, address)
        _check_password_rules(new)
        user.password_hash = await hash_in_thread(new, self.settings.password_hash)
        user.must_change_password = False
        await audit.record(self.session, actor, "user.password", "user", user.id)

    async def list_users(self, role: Role | None = None, limit: int = 100) -> list[User]:
        """Users, newest first."""
        query = select(User).order_by(User.id.desc()).limit(limit)
        if role is not None:
            query = query.where(User.role == role.value)
        return list(await self.session.scalars(query))
