"""Password reset by e-mail link: asking for a link, and setting a new password with it.

A link carries a random token (256 bits); the office keeps only its SHA-256, so a copy of the database opens no
account. A token works once, for ``TOKEN_LIFETIME``; using it sets the password, ends every session of the user
(``token_version``), lifts a pending "must change password", and spends every other link of that user.
"""

import datetime
import hashlib
import secrets
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.auth import audit, throttle
from taxoffice.auth.errors import WeakPasswordError
from taxoffice.auth.models import User
from taxoffice.auth.password_policy import password_problems
from taxoffice.auth.passwords import hash_in_thread
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import principal_of
from taxoffice.config import Settings
from taxoffice.mail import outbox
from taxoffice.recovery.errors import InvalidResetTokenError
from taxoffice.recovery.models import PasswordReset

TOKEN_LIFETIME = datetime.timedelta(hours=1)
RESET_MAIL = "password-reset"
RESET_PATH = "/password/reset"


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def reset_link(public_url: str, token: str) -> str:
    """The link a reset e-mail carries: ``{public_url}/password/reset?token=…``."""
    return f"{public_url.rstrip('/')}{RESET_PATH}?{urlencode({'token': token})}"


class PasswordResetService:
    """Asking for a reset link, and using it; each public method is one unit of work."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def request(self, username: str, address: str, now: datetime.datetime) -> None:
        """Queue a reset link to the user's e-mail, when the user exists, is active and has an address.

        Answers the same whatever the case, so it tells nobody which accounts exist. A taxpayer user's link goes to
        the registry e-mail of its tax code; a staff user's to its own ``email``. Requests are throttled per client
        ``address`` and per account name like logins, on counters of their own.

        Raises:
            TooManyAttemptsError: the address or the account name is backing off.
        """
        await throttle.admit(
            self.session, self.settings, username=username, address=address, now=now, scopes=throttle.PASSWORD_RESET
        )
        user = await self.session.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            return
        email = await self._email(user)
        if not email:
            return
        token = secrets.token_urlsafe(32)
        reset = PasswordReset(user_id=user.id, token_hash=token_hash(token), expires_at=now + TOKEN_LIFETIME)
        self.session.add(reset)
        await self.session.flush()
        link = reset_link(self.settings.public_url, token)
        await outbox.queue(
            self.session,
            kind=RESET_MAIL,
            recipient=email,
            subject="Đặt lại mật khẩu / Password reset",
            body=(
                f"Tài khoản {user.username} vừa yêu cầu đặt lại mật khẩu. Mở liên kết sau trong vòng 1 giờ để đặt "
                f"mật khẩu mới (liên kết chỉ dùng được một lần):\n\n{link}\n\n"
                "Nếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu hiện tại vẫn giữ nguyên.\n\n"
                f"Someone asked to reset the password of {user.username}. Open the link above within an hour to set "
                "a new one (it works once). If it was not you, ignore this message.\n"
            ),
            now=now,
        )
        await audit.record(self.session, Principal.anonymous(address), "user.password_reset_request", "user", user.id)

    async def confirm(self, token: str, new_password: str, now: datetime.datetime) -> None:
        """Set a new password with a reset link's token; the token is spent, the user's sessions end.

        Raises:
            InvalidResetTokenError: the token is unknown, used, expired, or its user is disabled.
            ValidationFailedError: the new password breaks the password policy (the token stays usable).
        """
        found = (
            await self.session.execute(
                select(PasswordReset, User)
                .join(User, User.id == PasswordReset.user_id)
                .where(PasswordReset.token_hash == token_hash(token))
            )
        ).first()
        if found is None:
            raise InvalidResetTokenError("This reset link is not valid: ask for a new one.")
        reset, user = found
        if reset.used_at is not None or reset.expires_at <= now or not user.is_active:
            raise InvalidResetTokenError("This reset link is used or expired: ask for a new one.")
        if problems := password_problems(new_password, user.username, field="new_password"):
            raise WeakPasswordError(problems)
        # Spent by one statement: of two uses at once, one finds it spent.
        spent = await self.session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
            .returning(PasswordReset.id)
        )
        if spent.first() is None:
            raise InvalidResetTokenError("This reset link is used or expired: ask for a new one.")
        await self.session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        user.password_hash = await hash_in_thread(new_password, self.settings.password_hash)
        user.must_change_password = False
        user.token_version += 1
        await audit.record(self.session, principal_of(user), "user.password_reset", "user", user.id)

    async def _email(self, user: User) -> str | None:
        if user.role == Role.TAXPAYER.value:
            if user.tax_code is None:
                return None
            email = await self.session.scalar(select(Taxpayer.email).where(Taxpayer.tax_code == user.tax_code))
        else:
            email = user.email
        return email.strip() if email and email.strip() else None
