"""Issuing tax codes: a counter row per prefix, advanced atomically, so no code is issued twice."""

import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry import taxcode
from registry.models import TaxCodeCounter, Taxpayer
from registry.vocabulary import PERSON_KINDS
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


async def next_organisation_code(session: AsyncSession, prefix: str) -> str:
    """A new, never issued 10-digit code under ``prefix`` (sequence numbers without a valid check digit skipped)."""
    after = await reserve_sequences(session, prefix, 1)
    sequence, code = taxcode.next_valid_sequence(prefix, after)
    if sequence != after + 1:
        await set_last_sequence(session, prefix, sequence)
    return code


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
