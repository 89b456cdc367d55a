"""Login throttling that holds under concurrency: per client address and account, per address, per account name.

Each login attempt is counted *before* its password is checked, by one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` whose ``WHERE`` refuses the attempt while its key is backing off. The row stays locked until the
attempt's transaction commits, so concurrent guesses queue on it and each sees the count the previous one left: no
more than the allowed number are ever checked, however many arrive at once.

The pair of client address and account name is checked first and backs off soonest and longest: a single address
guessing at an account is stopped long before the account is, and the real user, from another address, still logs
in. Many people share one address (an accounting firm filing for its clients, an office, a mobile carrier's NAT):
one person's typos hold back only their own account from there. The address as a whole backs off only after many
more failures, whatever the accounts (password spraying), and never for long; so does an account, whatever the
addresses.
"""

import datetime
import hashlib
import math
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import LoginThrottle
from taxoffice.config import Settings
from taxoffice.db import dialect_insert
from taxoffice.errors import TooManyAttemptsError

# The longest exponent of the back-off: 2**30 s is far above any configured maximum.
_MAX_EXPONENT = 30


class Scope(StrEnum):
    """What a counter counts attempts of: logins, or password-reset requests, by client address or account name."""

    PAIR = "pair"  # the client address and the account name together
    ADDRESS = "address"
    ACCOUNT = "account"
    RESET_PAIR = "rs-pair"
    RESET_ADDRESS = "rs-addr"
    RESET_ACCOUNT = "rs-acct"


# The counters an attempt is counted against, in order: of logins, and of password-reset requests (counted apart, so
# asking for reset links never holds up a login, nor logins a reset).
LOGIN = (Scope.PAIR, Scope.ADDRESS, Scope.ACCOUNT)
PASSWORD_RESET = (Scope.RESET_PAIR, Scope.RESET_ADDRESS, Scope.RESET_ACCOUNT)
_BY_ACCOUNT = frozenset({Scope.ACCOUNT, Scope.RESET_ACCOUNT})
_PAIRS = frozenset({Scope.PAIR, Scope.RESET_PAIR})


@dataclass(frozen=True)
class Limit:
    """How a counter backs off: ``free`` attempts, then 1, 2, 4 … seconds up to ``max_delay``.

    A counter untouched for ``window`` seconds starts again from nothing.
    """

    free: int
    max_delay: int
    window: int


def backoff(attempts: int, limit: Limit) -> int:
    """Seconds to wait after the ``attempts``-th counted attempt: 0 before ``free``, then 1, 2, 4 … ``max_delay``."""
    if attempts < limit.free:
        return 0
    delay: int = 2 ** min(attempts - limit.free, _MAX_EXPONENT)
    return min(delay, limit.max_delay)


def limits(settings: Settings) -> dict[Scope, Limit]:
    """The configured limits of every counter (a reset counter backs off as its login counterpart)."""
    window = settings.login_window_seconds
    pair = Limit(settings.login_free_attempts, settings.login_max_delay_seconds, window)
    address = Limit(settings.login_address_free_attempts, settings.login_address_max_delay_seconds, window)
    account = Limit(settings.login_account_free_attempts, settings.login_account_max_delay_seconds, window)
    return {
        Scope.PAIR: pair,
        Scope.ADDRESS: address,
        Scope.ACCOUNT: account,
        Scope.RESET_PAIR: pair,
        Scope.RESET_ADDRESS: address,
        Scope.RESET_ACCOUNT: account,
    }


def _value(scope: Scope, username: str, address: str) -> str:
    """What ``scope`` counts by: the account name, the address, or both (hashed to fit the key's 80 characters)."""
    if scope in _PAIRS:
        return hashlib.sha256(f"{address}\n{username.casefold()}".encode()).hexdigest()
    return username if scope in _BY_ACCOUNT else address


def _key(scope: Scope, value: str) -> tuple[Scope, str]:
    return scope, value[:80].casefold() if scope in _BY_ACCOUNT else value[:80]


async def _claim(session: AsyncSession, scope: Scope, value: str, now: datetime.datetime, limit: Limit) -> int | None:
    """Count one attempt; the attempt's number, or ``None`` when the key is backing off (nothing counted)."""
    scope, key = _key(scope, value)
    row = LoginThrottle.__table__.c
    stale = now - datetime.timedelta(seconds=limit.window)
    statement = (
        dialect_insert(session)(LoginThrottle)
        .values(scope=scope.value, key=key, attempts=1, last_attempt_at=now, blocked_until=None)
        .on_conflict_do_update(
            index_elements=[row.scope, row.key],
            set_={
                "attempts": case((row.last_attempt_at < stale, 1), else_=row.attempts + 1),
                "last_attempt_at": now,
            },
            where=or_(row.blocked_until.is_(None), row.blocked_until <= now),
        )
        .returning(row.attempts)
    )
    attempts: int | None = await session.scalar(statement)
    if attempts is None:
        return None
    # Still under the row lock the statement above took: the next attempt must wait this long.
    if delay := backoff(attempts, limit):
        await session.execute(
            update(LoginThrottle)
            .where(row.scope == scope.value, row.key == key)
            .values(blocked_until=now + datetime.timedelta(seconds=delay))
        )
    return attempts


async def _refusal(session: AsyncSession, scope: Scope, value: str, now: datetime.datetime) -> TooManyAttemptsError:
    scope, key = _key(scope, value)
    until = await session.scalar(
        select(LoginThrottle.blocked_until).where(LoginThrottle.scope == scope.value, LoginThrottle.key == key)
    )
    wait = max(1, math.ceil((until - now).total_seconds())) if until is not None else 1
    if scope in _PAIRS:
        whom = "for this account from this address"
    else:
        whom = "for this account" if scope in _BY_ACCOUNT else "from this address"
    what = "password-reset requests" if scope in PASSWORD_RESET else "failed logins"
    return TooManyAttemptsError(f"Too many {what} {whom}: try again in {wait} s.", headers={"Retry-After": str(wait)})


async def admit(
    session: AsyncSession,
    settings: Settings,
    *,
    username: str,
    address: str,
    now: datetime.datetime,
    scopes: tuple[Scope, ...] = LOGIN,
) -> None:
    """Count an attempt against each counter of ``scopes`` in turn; raise when one is backing off.

    A refused attempt counts nowhere. The caller commits the counts before checking the password.
    """
    configured = limits(settings)
    for done, scope in enumerate(scopes):
        value = _value(scope, username, address)
        if await _claim(session, scope, value, now, configured[scope]) is None:
            refusal = await _refusal(session, scope, value, now)
            if done:
                await session.rollback()  # the counts before too: this attempt was never checked
            raise refusal


async def forgive(session: AsyncSession, settings: Settings, *, username: str, address: str) -> None:
    """After a successful login: the account starts afresh, there and everywhere; the address gets its attempt back."""
    await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.scope == Scope.PAIR.value,
            LoginThrottle.key == _key(Scope.PAIR, _value(Scope.PAIR, username, address))[1],
        )
    )
    free = settings.login_address_free_attempts
    scope, key = _key(Scope.ADDRESS, address)
    row = LoginThrottle.__table__.c
    await session.execute(
        update(LoginThrottle)
        .where(row.scope == scope.value, row.key == key, row.attempts > 0)
        .values(
            attempts=row.attempts - 1,
            blocked_until=case((row.attempts - 1 < free, None), else_=row.blocked_until),
        )
    )
    scope, key = _key(Scope.ACCOUNT, username)
    await session.execute(delete(LoginThrottle).where(row.scope == scope.value, row.key == key))


async def forget_stale(session: AsyncSession, settings: Settings, now: datetime.datetime) -> int:
    """Delete the counters that no longer hold anything back; how many.

    A counter untouched for the window starts again from nothing at its next attempt (``_claim``), so once it is
    older than the window and not backing off, its row says nothing: without this, every address and account name
    ever refused would stay in the table for good.
    """
    row = LoginThrottle.__table__.c
    stale = now - datetime.timedelta(seconds=settings.login_window_seconds)
    done = await session.execute(
        delete(LoginThrottle).where(
            row.last_attempt_at < stale, or_(row.blocked_until.is_(None), row.blocked_until <= now)
        )
    )
    return int(getattr(done, "rowcount", 0) or 0)
