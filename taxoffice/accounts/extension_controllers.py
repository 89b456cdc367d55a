"""HTTP routes of payment extensions: list, record a decree request, decide under Art. 62, revoke."""

import datetime

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from registry.services import parse_code, visible_code
from taxoffice.accounts.extension_service import Decision, ExtensionService
from taxoffice.accounts.models import PaymentExtension
from taxoffice.accounts.schemas import DecisionExtensionCreate, DecreeExtensionCreate, ExtensionRead, ExtensionRevoke
from taxoffice.auth.guards import OFFICERS, STAFF_OR_TAXPAYER, requires
from taxoffice.auth.roles import Principal, Role

# Art. 62.5: the head of the tax office decides an extension (managers; admins for support).
HEADS = requires(Role.ADMIN, Role.MANAGER)


def _read(row: PaymentExtension) -> ExtensionRead:
    return ExtensionRead(
        id=row.id,
        charge_id=row.charge_id,
        due_on=row.due_on,
        extended_to=row.extended_to,
        basis=row.basis,
        reference=row.reference,
        ground=row.ground,
        requested_on=row.requested_on,
        granted_by=row.granted_by,
        revoked_on=row.revoked_on,
        note=row.note,
    )


class ExtensionController(Controller):
    """Extended payment deadlines of a taxpayer (gia hạn nộp thuế)."""

    path = "/taxpayers/{tax_code:str}/extensions"
    tags = ["accounts"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listExtensions", guards=[STAFF_OR_TAXPAYER])
    async def listed(
        self, tax_code: FromPath[str], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Principal]
    ) -> list[ExtensionRead]:
        """Every extension of the taxpayer's charges, standing or revoked."""
        rows = await ExtensionService(db_session).listed(actor, visible_code(actor, tax_code))
        return [_read(row) for row in rows]

    @post("/decree", operation_id="applyExtensionDecree", guards=[OFFICERS], status_code=201)
    async def decree(
        self,
        tax_code: FromPath[str],
        data: JSONBody[DecreeExtensionCreate],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> list[ExtensionRead]:
        """Record the taxpayer's request under a yearly decree: every charge it covers gets its extended date."""
        service = ExtensionService(db_session)
        rows = await service.apply_decree(actor, parse_code(tax_code), data.decree, data.requested_on, today)
        return [_read(row) for row in rows]

    @post("/decision", operation_id="decideExtension", guards=[HEADS], status_code=201)
    async def decision(
        self,
        tax_code: FromPath[str],
        data: JSONBody[DecisionExtensionCreate],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> ExtensionRead:
        """Extend one tax charge by a decision of the head of the office (Law 38/2019 Art. 62)."""
        decision = Decision(data.charge_id, data.extended_to, data.ground, data.reference, data.requested_on, data.note)
        row = await ExtensionService(db_session).decide(actor, parse_code(tax_code), decision, today)
        return _read(row)


class ExtensionRevokeController(Controller):
    """Revoking an extension."""

    path = "/extensions"
    tags = ["accounts"]  # noqa: RUF012 - Litestar reads a plain list

    @post("/{extension_id:int}/revocation", operation_id="revokeExtension", guards=[HEADS], status_code=200)
    async def revoke(
        self,
        extension_id: FromPath[int],
        data: JSONBody[ExtensionRevoke],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> ExtensionRead:
        """Revoke a standing extension: interest is owed for the whole time, as if never granted."""
        return _read(await ExtensionService(db_session).revoke(actor, extension_id, data.reason, today))


ROUTES = [ExtensionController, ExtensionRevokeController]
