"""app_user: every change and deletion notified on the channel app_user_changed (PostgreSQL)

The server processes remember users' current state while they listen on that channel (taxoffice/auth/user_states.py).

Revision ID: 4b7e2d9c1a63
Revises: 8d3f1b6a2c47
Create Date: 2026-12-02 18:05:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4b7e2d9c1a63"
down_revision: str | None = "8d3f1b6a2c47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    if op.get_bind().dialect.name != "postgresql":
        return
    # The notification is sent when the transaction commits (none for one rolled back), with the user's id.
    op.execute(
        "CREATE FUNCTION app_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM pg_notify('app_user_changed', OLD.id::text); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER tr_app_user_changed AFTER UPDATE OR DELETE ON app_user"
        " FOR EACH ROW EXECUTE FUNCTION app_user_changed()"
    )


def downgrade() -> None:
    """Revert."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tr_app_user_changed ON app_user")
        op.execute("DROP FUNCTION IF EXISTS app_user_changed()")
