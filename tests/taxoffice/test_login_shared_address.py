"""Many people behind one client address (an accounting firm, an office, a carrier's NAT) and password spraying.

Before the pair counter, five failed logins from an address, whoever typed them, held back every login from it for
1, 2, 4 … seconds up to 15 minutes: an accounting firm filing for its clients on the 20th was locked out by its own
staff's typos. Now each person's failures hold back only their own account from there; the address as a whole backs
off only after 100 failures (spraying one password over many accounts), for at most a minute at a time.
"""

import dataclasses
import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Role
from taxoffice.auth.services import UserService
from taxoffice.config import Settings
from taxoffice.errors import AuthenticationError, TooManyAttemptsError
from tests.support.users import PASSWORD, Login

FIRM = "198.51.100.40"  # the accounting firm's one public address
NOW = datetime.datetime(2026, 12, 21, 2, 0, tzinfo=datetime.UTC)


async def test_one_persons_typos_do_not_hold_back_the_others_behind_the_same_address(
    session: AsyncSession, settings: Settings, login: Login
) -> None:
    staff = [f"ketoan.{n}" for n in range(12)]
    for name in staff:
        await login(Role.OFFICER, username=name)  # the role does not matter to the throttle
    service = UserService(session, settings)
    # Each of twelve people mistypes once, then logs in: twelve failures from the address, nobody held back.
    for name in staff:
        with pytest.raises(AuthenticationError):
            await service.authenticate(name, "wrong", NOW, FIRM)
        assert (await service.authenticate(name, PASSWORD, NOW, FIRM)).username == name
    # One of them keeps mistyping: after the five free attempts, only that account waits, from there.
    for _ in range(settings.login_free_attempts):
        with pytest.raises(AuthenticationError):
            await service.authenticate(staff[0], "wrong-again", NOW, FIRM)
    with pytest.raises(TooManyAttemptsError, match="for this account from this address") as refused:
        await service.authenticate(staff[0], PASSWORD, NOW, FIRM)
    assert refused.value.headers["Retry-After"] == "1"
    assert (await service.authenticate(staff[1], PASSWORD, NOW, FIRM)).username == staff[1]


async def test_one_address_spraying_many_accounts_backs_off_after_its_free_attempts(
    session: AsyncSession, settings: Settings, login: Login
) -> None:
    await login(Role.OFFICER, username="sprayed.user")
    # Ten free attempts here instead of the default 100: the same rule, a tenth of the (deliberately slow) hashing.
    settings = dataclasses.replace(settings, login_address_free_attempts=10)
    service = UserService(session, settings)
    sprayer = "203.0.113.99"
    free = settings.login_address_free_attempts
    for n in range(free):
        with pytest.raises(AuthenticationError):
            await service.authenticate(f"guess.{n}", "Matkhau@123", NOW, sprayer)
    # The next account tried from that address waits, even with the right password; another address does not.
    with pytest.raises(TooManyAttemptsError, match="from this address") as refused:
        await service.authenticate("sprayed.user", PASSWORD, NOW, sprayer)
    assert refused.value.headers["Retry-After"] == "1"
    assert (await service.authenticate("sprayed.user", PASSWORD, NOW, "192.0.2.7")).username == "sprayed.user"
    # The address's back-off doubles with each failure but never passes a minute.
    day = NOW
    for n in range(7):
        day += datetime.timedelta(seconds=61)
        with pytest.raises(AuthenticationError):
            await service.authenticate(f"more.{n}", "Matkhau@123", day, sprayer)
    with pytest.raises(TooManyAttemptsError) as longest:
        await service.authenticate("sprayed.user", PASSWORD, day, sprayer)
    assert longest.value.headers["Retry-After"] == str(settings.login_address_max_delay_seconds)
