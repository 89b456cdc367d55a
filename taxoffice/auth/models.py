"""Users and the audit trail."""

import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Base, JsonB, Model, code_string


class User(Model):
    """A person or system that logs in."""

    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(code_string(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    tax_code: Mapped[str | None] = mapped_column(code_string(14), index=True)
    tax_office: Mapped[str | None] = mapped_column(String(16))
    full_name: Mapped[str | None] = mapped_column(String(200))
    # Where a staff user's password-reset links go (a taxpayer user's go to its registry e-mail instead).
    email: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Carried in every token and compared on every request: bumped on a password change, a disable or a role change,
    # it makes the tokens issued before worthless at once.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoginThrottle(Base):
    """Login attempts not (yet) followed by a success, per client address and per account name.

    An attempt is counted *before* its password is checked, by one atomic statement, so concurrent guesses cannot
    all slip through while the count still looks low.
    """

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_attempt_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    blocked_until: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class AuditEvent(Model):
    """Who changed what, when: one row per mutation, never updated."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    actor: Mapped[str] = mapped_column(String(80))
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
