"""Issuing tax codes: a counter row per prefix, advanced atomically, so no code is issued twice."""

import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry import taxcode
from registry.models import TaxCodeCounter, Taxpayer
from registry.vocabulary import PERSON_KINDS, TaxpayerKind
from taxoffice.db import dialect_insert

# From 1 Jul 2025 an individual's or household's tax code is its 12-digit personal ID number (DOMAIN.md §1).
PERSONAL_ID_AS_TAX_CODE_FROM = datetime.date(2025, 7, 1)


async def reserve_sequences(session: AsyncSession, prefix: str, count: int) -> int:
    """Reserve ``count`` sequence numbers under ``prefix``; returns the last number used before them.

    The ``UPDATE`` takes the counter row's lock until commit, so concurrent issuers queue, never collide.
    """
    await session.execute(
        dialect_insert(session)(TaxCodeCounter).values(prefix=prefix, last_sequence=0).on_conflict_do_nothing()
    )
    new_last = await session.scalar(
        update(TaxCodeCounter)
        .where(TaxCodeCounter.prefix == prefix)
        .values(last_sequence=TaxCodeCounter.last_sequence + count)
        .returning(TaxCodeCounter.last_sequence)
    )
    assert new_last is not None  # noqa: S101 - the row was just ensured
    return int(new_last) - count


async def set_last_sequence(session: AsyncSession, prefix: str, last: int) -> None:
    """Record that sequence numbers up to ``last`` are used (after a bulk load skipped some)."""
    await session.execute(
        update(TaxCodeCounter)
        .where(TaxCodeCounter.prefix == prefix, TaxCodeCounter.last_sequence < last)
        .values(last_sequence=last)
    )


def enterprise_code(kind: str, id_number: str) -> str | None:
    """An enterprise's tax code when it brings its enterprise code, which is also its tax code; else None.

    The enterprise code on the certificate of enterprise registration is also the enterprise's tax code (Decree
    01/2021/ND-CP Art. 8(1), kept by Decree 168/2025/ND-CP Art. 8; Law on Enterprises 59/2020/QH14 Art. 29): the
    office registers the enterprise under it instead of issuing another. Any other number (an older certificate's,
    or one whose check digit fails) leaves the code to be issued.
    """
    brought = id_number.strip()
    if kind != TaxpayerKind.ENTERPRISE or len(brought) != taxcode.ORGANISATION_LENGTH or not brought.isdigit():
        return None
    return brought if taxcode.is_valid(brought) else None


async def next_organisation_code(session: AsyncSession, prefix: str) -> str:
    """A new, never issued 10-digit code under ``prefix`` (sequence numbers without a valid check digit skipped).

    A code an enterprise already brought as its enterprise code (``enterprise_code``) is skipped too.
    """
    after = await reserve_sequences(session, prefix, 1)
    while True:
        sequence, code = taxcode.next_valid_sequence(prefix, after)
        if sequence != after + 1:
            await set_last_sequence(session, prefix, sequence)
        if await session.scalar(select(Taxpayer.id).where(Taxpayer.tax_code == code)) is None:
            return code
        after = await reserve_sequences(session, prefix, 1)


async def next_branch_suffix(session: AsyncSession, parent_code: str) -> int:
    """The parent's next branch suffix (1 for its first branch): suffixes are issued in order, never reused."""
    last = await session.scalar(select(func.max(Taxpayer.tax_code)).where(Taxpayer.parent_tax_code == parent_code))
    return int(last[-3:]) + 1 if last else 1


async def next_branch_code(session: AsyncSession, parent: Taxpayer) -> str:
    """The parent's next free branch code ``NNNNNNNNNN-001`` … ``-999``; the caller holds the parent's row lock."""
    return taxcode.branch_code(parent.tax_code, await next_branch_suffix(session, parent.tax_code))


def personal_code(kind: str, id_number: str, registered_on: datetime.date) -> str | None:
    """The tax code a person gets from its 12-digit ID number, when the rule in force allows it."""
    person = kind in PERSON_KINDS and registered_on >= PERSONAL_ID_AS_TAX_CODE_FROM
    if person and len(id_number) == taxcode.PERSONAL_ID_LENGTH and id_number.isdigit():
        return id_number
    return None
