"""Writing off a case's debt (xóa nợ, Law 38/2019 Art. 85): checked against the law, then posted on the account.

A ``write_off`` action records the decision (``details.decision``, its number). When it names its Art. 85 ground
(``details.ground``) the action is checked first: the ground's conditions (``relief.write_off_problems``, with the
facts the officer states: ``registration_revoked``, ``no_assets``, ``interest_exempted_and_extended``) and who may
decide (Art. 87, ``relief.write_off_authority``, from the kind of taxpayer and the amount written off); a decision
naming another authority (``details.authority``) is refused. The account then cancels the tax, the fines and the
late-payment interest of every charge overdue on the day, including interest accrued on parts paid late
(``taxoffice.accounts.writeoff``). The case closes at the next ``flag-arrears`` run. What was written off is kept
in the action's details (per tax type for the arrears report's movement, and tax / interest / fines).
"""

import datetime
from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.account import Statement
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.writeoff import write_off_debts
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.relief import (
    WriteOffFacts,
    WriteOffGround,
    decider_name,
    write_off_authority,
    write_off_problems,
)
from taxoffice.arrears.stock import OTHER
from taxoffice.arrears.vocabulary import SPLIT_TAX_TYPES
from taxoffice.errors import FieldError

# Registry kinds that are enterprises or co-operatives for Art. 87 (the rest: households and individuals).
ENTERPRISE_KINDS = frozenset({"enterprise", "branch"})
_FACTS = ("registration_revoked", "no_assets", "interest_exempted_and_extended")


def authority_code(ground: WriteOffGround, *, enterprise: bool, amount: int) -> str:
    """Art. 87's decider as the API spells it: ``province``, ``tax_department``, ``minister``, ``prime_minister``."""
    return write_off_authority(ground, enterprise=enterprise, amount=amount).name.lower()


def _overdue_owed(statement: Statement, on: datetime.date) -> int:
    """Tax, fines and interest owed on charges overdue on ``on``: what a write-off on that day cancels."""
    return sum(i.outstanding + i.interest_outstanding for i in statement.items if i.due_on < on)


def write_off_checks(
    details: dict[str, Any], *, enterprise: bool, amount: int, oldest_due_on: datetime.date, today: datetime.date
) -> list[FieldError]:
    """What stops a write-off that names its Art. 85 ground (none when it names none: the decision is recorded)."""
    ground_value = details.get("ground")
    if ground_value is None:
        return []
    if ground_value not in set(WriteOffGround):
        grounds = ", ".join(WriteOffGround)
        return [FieldError("details.ground", "write_off.ground", f"A write-off names its Art. 85 ground: {grounds}.")]
    ground = WriteOffGround(ground_value)
    facts = WriteOffFacts(ground, oldest_due_on, **{name: details.get(name) is True for name in _FACTS})
    found = [FieldError("details.ground", "write_off.not_eligible", p) for p in write_off_problems(facts, today)]
    authority = write_off_authority(ground, enterprise=enterprise, amount=amount)
    competent = authority.name.lower()
    named = details.get("authority")
    if named is not None and named != competent:
        decider = decider_name(authority, today)
        message = (
            f"Art. 87: writing off {amount:,} đồng on ground {ground.value} is decided by {competent} ({decider})."
        )
        found.append(FieldError("details.authority", "write_off.authority", message))
    return found


def _by_tax_type(amounts: dict[str, int]) -> dict[str, int]:
    owed: dict[str, int] = defaultdict(int)
    for tax_type, amount in amounts.items():
        owed[tax_type if tax_type in SPLIT_TAX_TYPES else OTHER] += amount
    return {t: amount for t, amount in sorted(owed.items()) if amount}


async def prepare(
    session: AsyncSession, case: ArrearsCase, taxpayer: Taxpayer, details: dict[str, Any], today: datetime.date
) -> tuple[list[FieldError], dict[str, Any]]:
    """The problems of a write-off on ``case`` today, and the authority to record (when the ground is named)."""
    statement = await AccountService(session).statement(case.tax_code, today)
    amount = _overdue_owed(statement, today)
    enterprise = taxpayer.kind in ENTERPRISE_KINDS
    problems = write_off_checks(
        details, enterprise=enterprise, amount=amount, oldest_due_on=case.oldest_due_on, today=today
    )
    extra: dict[str, Any] = {}
    if details.get("ground") in set(WriteOffGround) and not problems:
        extra["authority"] = authority_code(WriteOffGround(details["ground"]), enterprise=enterprise, amount=amount)
    return problems, extra


async def write_off(session: AsyncSession, case: ArrearsCase, decision: str, today: datetime.date) -> dict[str, Any]:
    """Cancel what ``case``'s taxpayer owes on charges overdue on ``today``; returns the details to keep."""
    done = await write_off_debts(
        session, case.taxpayer_id, case.tax_code, today, f"write-off:{case.id}", f"Xóa nợ theo quyết định {decision}"
    )
    return {
        "decision": decision,
        "written_off": _by_tax_type(done.by_tax_type),
        "total": done.total,
        "tax": done.tax,
        "interest": done.interest,
        "fines": done.fines,
    }
