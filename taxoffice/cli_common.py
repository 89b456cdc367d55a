"""What the command line's groups share: running a coroutine, and who the command line acts as."""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from taxoffice.auth.roles import Principal

CLI_ACTOR = Principal.system("cli")
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro``; a domain error becomes a one-line message and exit status 1."""
    from taxoffice.errors import DomainError  # noqa: PLC0415 - keeps `--help` fast

    try:
        return asyncio.run(coro)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
