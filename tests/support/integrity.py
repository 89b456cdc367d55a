"""A constraint of the database that a service does not expect refuses a change: the API answers 409, not 500.

The constraint is added inside the test's transaction (rolled back with it), so the service's own checks all pass
and the database alone refuses the second application: the shape of a race two requests lose to each other.
Shared by the PostgreSQL suite and the embedded (SQLite) one.
"""

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

APPLICATION = {
    "kind": "enterprise",
    "name": "Công ty Ràng Buộc",
    "id_number": "0109555111",
    "address": {"street": "1 Láng"},
}
PROBLEM = "application/problem+json"


async def test_a_stray_integrity_error_is_a_409_problem(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await session.execute(
        text("CREATE UNIQUE INDEX ix_test_one_application_per_id ON registration_application (id_number)")
    )
    await session.flush()
    first = await client.post("/api/v1/registrations", json=APPLICATION)
    assert first.status_code == 201, first.text

    second = await client.post("/api/v1/registrations", json=APPLICATION)

    assert second.status_code == 409, second.text
    assert second.headers["content-type"].startswith(PROBLEM)
    problem = second.json()
    assert problem["type"] == "urn:taxoffice:problem:conflict"
    assert problem["title"] == "Conflict"
    assert problem["instance"] == "/api/v1/registrations"
    assert "nothing was saved" in problem["detail"]
    leaked = (
        "ix_test_one_application_per_id",
        "registration_application",
        "0109555111",
        "INSERT",
        "duplicate key",
        "constraint failed",
    )
    assert not [word for word in leaked if word.lower() in second.text.lower()]
    # The failed change was rolled back: another application goes through, and only the first of the pair is kept.
    other = await client.post("/api/v1/registrations", json={**APPLICATION, "id_number": "0109555222"})
    assert other.status_code == 201, other.text
    kept = await session.scalar(
        text("SELECT count(*) FROM registration_application WHERE id_number = :id"), {"id": "0109555111"}
    )
    assert kept == 1
