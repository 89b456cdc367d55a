"""Users' states remembered by a process only while it listens for their changes (committed data, own database).

A disabled user's token is refused once the change's notification arrives, and a read a change overtook is not kept.
"""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from taxoffice.app import create_app
from taxoffice.auth.models import User
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import issue_token
from taxoffice.auth.user_states import UserStates
from taxoffice.config import Settings
from taxoffice.db import create_engine
from taxoffice.migrations import upgrade_to_head
from tests.support.servers import fresh_database

ME = "/api/v1/auth/me"
SECRET = "user-states-test-secret-key-0123456789abcdef"


@pytest.fixture(scope="module")
def own_db_url(pg_server_url: str) -> str:
    url = fresh_database(pg_server_url, "taxoffice_user_states")
    upgrade_to_head(url)
    return url


@pytest.fixture
async def engine(own_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(Settings(database_url=own_db_url))
    try:
        yield engine
    finally:
        await engine.dispose()


async def _user(engine: AsyncEngine, settings: Settings, username: str) -> User:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        user = await UserService(session, settings).create(
            Principal.system("test"), username=username, password="user-states-passphrase-42", role=Role.OFFICER
        )
        await session.commit()
    return user


async def _until(condition: object, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.01)
    pytest.fail("the notification did not arrive")


async def test_a_disabled_user_is_refused_once_its_change_is_heard(own_db_url: str, engine: AsyncEngine) -> None:
    settings = Settings(database_url=own_db_url, secret_key=SECRET, password_hash="fast")
    user = await _user(engine, settings, "heard.officer")
    app = create_app(settings, engine=engine)
    app.state.update(app.state.alchemy.create_app_state_items())
    states: UserStates = app.state.user_states
    await states.start(own_db_url)
    try:
        assert states.listening
        token = issue_token(app.state.jwt_auth, principal_of(user), user.token_version)
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get(ME, headers=headers)).status_code == 200
            assert states.get(user.id) is not None  # remembered: the next request does not read it
            assert (await client.get(ME, headers=headers)).status_code == 200
            async with engine.begin() as connection:  # disabled, as UserService.disable does, and committed
                await connection.execute(
                    update(User).where(User.id == user.id).values(is_active=False, token_version=User.token_version + 1)
                )
            await _until(lambda: states.get(user.id) is None)
            assert (await client.get(ME, headers=headers)).status_code == 401
    finally:
        await states.stop()
    assert not states.listening


async def test_a_read_overtaken_by_a_change_is_not_kept_and_nothing_is_kept_while_deaf(
    own_db_url: str, engine: AsyncEngine
) -> None:
    settings = Settings(database_url=own_db_url, password_hash="fast")
    user = await _user(engine, settings, "overtaken.officer")
    states = UserStates()
    states.remember(user.id, {"token_version": 1}, states.epoch)
    assert states.get(user.id) is None  # not listening: nothing kept
    await states.start(own_db_url)
    try:
        epoch = states.epoch  # taken before the read …
        async with engine.begin() as connection:  # … a change commits meanwhile …
            await connection.execute(text("UPDATE app_user SET full_name = 'x' WHERE id = :id"), {"id": user.id})
        await _until(lambda: states.epoch != epoch)
        states.remember(user.id, {"token_version": 1}, epoch)  # … so the read's state is not kept
        assert states.get(user.id) is None
        states.remember(user.id, {"token_version": 1}, states.epoch)
        assert states.get(user.id) is not None
    finally:
        await states.stop()
    assert states.get(user.id) is None


async def test_the_server_listens_from_startup_to_shutdown(own_db_url: str, engine: AsyncEngine) -> None:
    app = create_app(Settings(database_url=own_db_url, secret_key=SECRET), engine=engine)
    async with app.lifespan():
        assert app.state.user_states.listening
    assert not app.state.user_states.listening
