"""Users' current state remembered by a server process while PostgreSQL tells it of every change.

The token check reads the user on every request (docs/security.md, "Tokens follow the user's current state"). On
PostgreSQL a trigger notifies every update or deletion of an ``app_user`` row on the channel ``app_user_changed``,
when its transaction commits (alembic revision 4b7e2d9c1a63). Each server process listens on that channel on a
connection of its own and, **only while it listens**, keeps the users it has read:

- a notification forgets that user (the next request reads it again);
- a lost listening connection forgets everyone and stops remembering until listening again (reconnects each second);
- a read that a notification overtook is not remembered (``epoch``: a state read before a change, stored after the
  change's notification arrived, would otherwise outlive it).

So a revoked token is refused by every process as soon as the notification reaches it (on this machine well under a
millisecond after the commit), as it was when the read itself raced with the commit. Elsewhere (SQLite, a session in
a test's transaction, no listener started) nothing is remembered and every request reads the user.
"""

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from sqlalchemy import make_url

CHANNEL = "app_user_changed"
MAX_USERS = 100_000  # remembered per process; emptied when full
RECONNECT_SECONDS = 1.0
log = logging.getLogger(__name__)


class UserStates:
    """The users' states one process remembers while it listens (see the module's docstring)."""

    def __init__(self) -> None:
        self._states: dict[int, dict[str, Any]] = {}
        self._listening = False
        self._task: asyncio.Task[None] | None = None
        self.epoch = 0  # moves on with every notification and every loss of the listening connection

    @property
    def listening(self) -> bool:
        """Whether every change reaches this process now (only then is anything remembered)."""
        return self._listening

    def get(self, user_id: int) -> dict[str, Any] | None:
        """The user's remembered state, or ``None`` (read it)."""
        return self._states.get(user_id) if self._listening else None

    def remember(self, user_id: int, state: dict[str, Any], epoch: int) -> None:
        """Keep ``state``, read after ``epoch`` was taken, unless a change was heard (or listening stopped) since."""
        if not self._listening or epoch != self.epoch:
            return
        if len(self._states) >= MAX_USERS:
            self._states.clear()
        self._states[user_id] = state

    def changed(self, payload: str) -> None:
        """A notification: forget that user (everyone, when the payload is not a user id)."""
        self.epoch += 1
        try:
            self._states.pop(int(payload), None)
        except ValueError:
            self._states.clear()

    def _deaf(self) -> None:
        self._listening = False
        self.epoch += 1
        self._states.clear()

    async def start(self, database_url: str) -> None:
        """Listen from now on (in the background, reconnecting); returns once listening or after a first failure."""
        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        first = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._listen(dsn, first))
        await first

    async def stop(self) -> None:
        """Stop listening and forget everyone."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._deaf()

    async def _listen(self, dsn: str, first: asyncio.Future[None]) -> None:
        while True:
            try:
                await self._listen_once(dsn, first)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("not listening for user changes: %s", exc)
            finally:
                self._deaf()
                if not first.done():
                    first.set_result(None)
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_once(self, dsn: str, first: asyncio.Future[None]) -> None:
        """Listen on one connection until it is lost."""
        lost = asyncio.Event()
        connection = await asyncpg.connect(dsn)
        try:
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(CHANNEL, lambda _c, _pid, _channel, payload: self.changed(payload))
            self._listening = True
            if not first.done():
                first.set_result(None)
            await lost.wait()
        finally:
            self._listening = False
            if not connection.is_closed():
                with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                    await connection.close(timeout=1)
