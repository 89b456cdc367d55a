"""Password-reset tokens: only their SHA-256 is stored; each works once, for an hour."""

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Model


class PasswordReset(Model):
    """One reset link sent: whose, the token's hash, until when it works, and when it was used."""

    __tablename__ = "password_reset"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
