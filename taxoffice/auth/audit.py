"""The audit trail: every mutation writes who, what and when, in the mutation's own transaction."""

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import AuditEvent
from taxoffice.auth.roles import Principal


def audit_row(
    actor: Principal, action: str, entity: str, entity_id: str | int, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The values of one audit row (for bulk inserts)."""
    return {
        "actor": actor.username,
        "actor_user_id": actor.user_id,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "data": data or {},
    }


async def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    entity: str,
    entity_id: str | int,
    data: dict[str, Any] | None = None,
) -> None:
    """Write one audit row in the caller's transaction."""
    await session.execute(insert(AuditEvent).values(audit_row(actor, action, entity, entity_id, data)))
