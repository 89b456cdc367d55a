"""An original e-return filed without a session: PostgreSQL's one statement on a connection lent by the pool.

Most returns that reach the office are originals the checks accept; on PostgreSQL one statement receives, accepts
and charges each (``filings.arrival.accept_on_arrival``). Filed through ``POST /returns``, such a return needs no
session at all: the filer and the period's history are read and the statement runs on a connection the pool lends
for the request (``taxoffice.fastpaths.driver_of``), each statement committing by itself. Any other case (a
refusal, a rejection, a supplementary or CIT return, an earlier rejected receipt, an Idempotency-Key used already,
the working calendar not read yet in this process) writes nothing here and is handed over whole to
``FilingService.submit`` on a session, which takes it from the start: the answer is the one the session path gives.
"""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from filings import receipts
from filings.arrival import accept_on_arrival
from filings.checking import check
from filings.intake import read_submission
from filings.models import TaxReturn
from filings.receipts import Checked
from filings.services import RETURN_MAX_BYTES, FilingService
from taxoffice.accounts.services import answer_on
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ
from taxoffice.errors import DomainError
from taxoffice.fastpaths import Driver, driver_of
from taxoffice.workdays.services import cached_calendar


class HandOverError(Exception):
    """The direct path stops before writing anything: the session path takes the return from the start."""


class DriverReads:
    """Checking's reads on a driver: the filer and its history; anything rarer is handed over."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    async def filer_rows(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """``receipts.FILER_AND_HISTORY``'s rows, on the driver."""
        return await receipts.FILER_AND_HISTORY.fetch_on(self.driver.raw, self.driver.dialect, params)

    async def require_taxpayer(self, code: str) -> None:
        """Only on the way to a refusal: handed over (the session path answers it)."""
        raise HandOverError(code)

    async def late_from(self, checked: Checked) -> tuple[int, datetime.datetime] | None:
        """A late original rejected before: handed over (the session path looks for the first receipt)."""
        raise HandOverError(checked.envelope.period.label)


async def file_directly(
    bind: AsyncEngine | AsyncConnection,
    actor: Principal,
    body: bytes,
    content_type: str,
    idempotency_key: str | None,
    now: datetime.datetime,
) -> TaxReturn | None:
    """The accepted original, received and charged by one statement on a lent connection; ``None``: nothing written.

    ``bind`` is what the app's sessions are bound to (PostgreSQL): its pool lends the connection, or, bound to a
    caller's connection (tests), a savepoint of that connection's transaction holds the statement.
    """
    calendar = cached_calendar(str(bind.sync_engine.url))
    if calendar is None:
        return None
    try:
        envelope = read_submission(body, content_type, max_bytes=RETURN_MAX_BYTES)
        async with driver_of(bind) as driver:
            checked = await check(DriverReads(driver), actor, envelope, now.astimezone(VN_TZ).date(), calendar)
            return await accept_on_arrival(partial(answer_on, driver), actor, checked, now, idempotency_key)
    except (DomainError, HandOverError):
        return None


class FilingCounter:
    """``POST /returns``: an acceptable original filed directly when it can be, else by ``FilingService.submit``.

    ``direct`` is the sessions' bind on PostgreSQL (``None``: every return goes to the session path);
    ``service`` makes the request's filing service, and with it its session, only when it is needed.
    """

    def __init__(self, direct: AsyncEngine | AsyncConnection | None, service: Callable[[], FilingService]) -> None:
        self.direct = direct
        self.service = service

    async def submit(
        self, actor: Principal, body: bytes, content_type: str, idempotency_key: str | None, now: datetime.datetime
    ) -> tuple[TaxReturn, bool]:
        """Receive and decide a return; returns it and whether it is new (False: a retry with the same key)."""
        if self.direct is not None:
            ret = await file_directly(self.direct, actor, body, content_type, idempotency_key, now)
            if ret is not None:
                return ret, True
        service = self.service()
        return await service.submit(actor, body, content_type, idempotency_key, now, await service.working_calendar())
