"""Users: creation, login (throttled by ``throttle``), password changes, disabling and roles."""

import datetime
import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth import audit, throttle
from taxoffice.auth.errors import (
    AdminNeededError,
    UsernameTakenError,
    UserNotFoundError,
    WeakPasswordError,
    WrongCredentialsError,
)
from taxoffice.auth.models import User
from taxoffice.auth.password_policy import password_problems
from taxoffice.auth.passwords import DUMMY_HASH, hash_in_thread, verify_in_thread
from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings
from taxoffice.errors import (
    FieldError,
    ValidationFailedError,
)

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


def _check_password_rules(password: str, username: str, field: str = "password") -> None:
    if problems := password_problems(password, username, field=field):
        raise WeakPasswordError(problems)


def _check_role_needs(role: Role, tax_code: str | None) -> None:
    if role is Role.TAXPAYER and not tax_code:
        raise ValidationFailedError(
            "A taxpayer user needs the tax code it acts for.",
            errors=[FieldError("tax_code", "required", "Required for the taxpayer role.")],
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
        email: str | None = None,
    ) -> User:
        """Create a user; the username must be new."""
        _check_password_rules(password, username)
        _check_role_needs(role, tax_code)
        exists = await self.session.scalar(select(User.id).where(User.username == username))
        if exists is not None:
            raise UsernameTakenError(username)
        user = User(
            username=username,
            password_hash=await hash_in_thread(password, self.settings.password_hash),
            role=role.value,
            tax_code=tax_code,
            tax_office=tax_office,
            full_name=full_name,
            must_change_password=must_change_password,
            email=email,
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
            raise WrongCredentialsError(_WRONG)
        if not await verify_in_thread(user.password_hash, password):
            raise WrongCredentialsError(_WRONG)
        await throttle.forgive(self.session, self.settings, username=username, address=address)
        return user

    async def change_password(
        self, actor: Principal, current: str, new: str, now: datetime.datetime, address: str
    ) -> User:
        """Change the actor's own password (the current one is checked, and throttled, as at login); the user."""
        user = await self.authenticate(actor.username, current, now, address)
        _check_password_rules(new, user.username, "new_password")
        user.password_hash = await hash_in_thread(new, self.settings.password_hash)
        user.must_change_password = False
        user.token_version += 1  # tokens issued before the change stop working
        await audit.record(self.session, actor, "user.password", "user", user.id)
        return user

    async def set_active(self, actor: Principal, username: str, *, active: bool) -> User:
        """Disable a user (its tokens stop working at once) or enable it again."""
        user = await self._get(username)
        if not active:
            await self._keep_an_admin(actor, user)
        user.is_active = active
        user.token_version += 1
        await audit.record(self.session, actor, "user.enable" if active else "user.disable", "user", user.id)
        return user

    async def set_role(
        self, actor: Principal, username: str, role: Role, *, tax_code: str | None = None, tax_office: str | None = None
    ) -> User:
        """Give a user another role (its tokens stop working at once); a taxpayer needs its tax code."""
        user = await self._get(username)
        tax_code = tax_code or (user.tax_code if role is Role.TAXPAYER else None)
        _check_role_needs(role, tax_code)
        if role is not Role.ADMIN:
            await self._keep_an_admin(actor, user)
        before = user.role
        user.role, user.tax_code = role.value, tax_code
        user.tax_office = tax_office or user.tax_office
        user.token_version += 1
        await audit.record(self.session, actor, "user.role", "user", user.id, {"from": before, "to": role.value})
        return user

    async def _get(self, username: str) -> User:
        user = await self.session.scalar(select(User).where(User.username == username).with_for_update())
        if user is None:
            raise UserNotFoundError(username)
        return user

    async def _keep_an_admin(self, actor: Principal, user: User) -> None:
        """Refuse to take away one's own admin rights, or the last active admin's."""
        if user.role != Role.ADMIN.value or not user.is_active:
            return
        if actor.user_id == user.id:
            raise AdminNeededError("An admin cannot disable or demote itself: another admin must.")
        others = await self.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.is_active, User.id != user.id)
        )
        if not others:
            raise AdminNeededError("This is the last active admin.")

    async def list_users(self, role: Role | None = None, limit: int = 100) -> list[User]:
        """Users, newest first."""
        query = select(User).order_by(User.id.desc()).limit(limit)
        if role is not None:
            query = query.where(User.role == role.value)
        return list(await self.session.scalars(query))
