"""HTTP routes of late-filing fines: the drafts an officer decides, and the decisions a taxpayer reads."""

import datetime
from typing import Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from filings.fine_schemas import FineConfirmation, FineRead, fine_read
from filings.fine_service import FineService
from taxoffice.auth.guards import OFFICERS, STAFF_OR_TAXPAYER
from taxoffice.auth.roles import Principal
from taxoffice.openapi import problems
from taxoffice.workdays.services import CalendarService


class FineController(Controller):
    """Late-filing fines by decision (Decree 125/2020 Art. 13, Art. 17)."""

    path = "/fines"
    tags = ["e-filing"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listFines", guards=[STAFF_OR_TAXPAYER])
    async def list_fines(
        self,
        fine_service: NamedDependency[FineService],
        actor: NamedDependency[Principal],
        status: FromQuery[Literal["draft", "confirmed"] | None] = None,
        tax_code: FromQuery[str | None] = None,
    ) -> list[FineRead]:
        """Fine decisions, newest first; a taxpayer sees its own confirmed ones."""
        return [fine_read(f) for f in await fine_service.search(actor, status=status, tax_code=tax_code)]

    @get("/{fine_id:int}", operation_id="getFine", guards=[STAFF_OR_TAXPAYER])
    async def get_fine(
        self, fine_id: FromPath[int], fine_service: NamedDependency[FineService], actor: NamedDependency[Principal]
    ) -> FineRead:
        """One fine decision with its legal basis."""
        return fine_read(await fine_service.get(actor, fine_id))

    @post("/{fine_id:int}/confirm", operation_id="confirmFine", guards=[OFFICERS], responses=problems(409))
    async def confirm(
        self,
        fine_id: FromPath[int],
        data: JSONBody[FineConfirmation],
        fine_service: NamedDependency[FineService],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> FineRead:
        """Decide a draft fine, as proposed or with the circumstances found; the fine is charged now."""
        fine = await fine_service.confirm(
            actor,
            fine_id,
            mitigating=data.mitigating,
            aggravating=data.aggravating,
            paid_before_record=data.paid_before_record,
            circumstances=data.circumstances,
            now=now,
            calendar=await calendar_service.calendar(),
        )
        return fine_read(fine)
