"""``taxoffice users``: user accounts from the command line."""

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from taxoffice.auth.roles import Role
from taxoffice.cli_common import CLI_ACTOR as _CLI_ACTOR
from taxoffice.cli_common import run as _run
from taxoffice.config import get_settings

if TYPE_CHECKING:
    from taxoffice.auth.models import User
    from taxoffice.auth.services import UserService

ADMIN_PASSWORD_FILE = Path(".taxoffice-admin-password")


@click.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--tax-code", default=None, help="The taxpayer's tax code (role taxpayer).")
@click.option("--tax-office", default=None)
@click.option("--email", default=None, help="Where password-reset links go (staff; taxpayers use the registry's).")
def create_user(
    username: str, password: str, role: str, tax_code: str | None, tax_office: str | None, email: str | None
) -> None:
    """Create a user."""
    from taxoffice.commands import create_user as run  # noqa: PLC0415 - keeps `--help` fast

    _run(
        run(
            get_settings(),
            username=username,
            password=password,
            role=Role(role),
            tax_code=tax_code,
            tax_office=tax_office,
            email=email,
        )
    )
    click.echo(f"Created {role} {username}.")


@users.command("disable")
@click.option("--username", required=True)
def disable_user(username: str) -> None:
    """Disable a user: it can no longer log in, and its tokens stop working at once."""
    _change_user(lambda users: users.set_active(_CLI_ACTOR, username, active=False))
    click.echo(f"Disabled {username}.")


@users.command("enable")
@click.option("--username", required=True)
def enable_user(username: str) -> None:
    """Enable a disabled user again."""
    _change_user(lambda users: users.set_active(_CLI_ACTOR, username, active=True))
    click.echo(f"Enabled {username}.")


@users.command("set-role")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--tax-code", default=None, help="The taxpayer's tax code (role taxpayer).")
@click.option("--tax-office", default=None)
def set_user_role(username: str, role: str, tax_code: str | None, tax_office: str | None) -> None:
    """Give a user another role; its tokens stop working at once."""
    _change_user(
        lambda users: users.set_role(_CLI_ACTOR, username, Role(role), tax_code=tax_code, tax_office=tax_office)
    )
    click.echo(f"{username} is now {role}.")


def _change_user(change: "Callable[[UserService], Awaitable[User]]") -> None:
    from taxoffice.commands import change_user  # noqa: PLC0415 - keeps `--help` fast

    _run(change_user(get_settings(), change))


@users.command("ensure-admin")
def ensure_admin() -> None:
    """Create the first admin (password printed once and kept in .taxoffice-admin-password) if none exists."""
    from taxoffice.commands import create_user, has_admin  # noqa: PLC0415 - keeps `--help` fast

    settings = get_settings()
    if _run(has_admin(settings)):
        return
    password = secrets.token_urlsafe(12)
    _run(create_user(settings, username="admin", password=password, role=Role.ADMIN))
    ADMIN_PASSWORD_FILE.write_text(password + "\n", encoding="utf-8")
    ADMIN_PASSWORD_FILE.chmod(0o600)
    click.echo(f"Created user 'admin' with password {password} (also in {ADMIN_PASSWORD_FILE}).")
