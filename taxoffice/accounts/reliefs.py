"""The debts the law takes out of collection for a while, in one place: each with its legal basis and effect. Pure.

Every relief stops late-payment interest while it applies and keeps the debt out of escalation (the action ladder)
and off the public debtor list. How each is recorded differs:

| relief | basis | covers | recorded as |
|---|---|---|---|
| ``extension`` | Law 38/2019 Art. 62.4; the yearly extension decrees | one charge, to its extended date | ``payment_extension`` (``extensions.py``): the debt is not overdue at all |
| ``freeze`` | Art. 83 (khoanh nợ), 59.6 (no interest), 124.5 (no enforcement) | the debts named (default: overdue on its first day), while frozen | a ``freeze`` action on the arrears case: an ``interest_pause`` with this reason and ``charge_ids`` |
| ``no_interest`` | Art. 59.5.a | the tax owed, up to what the State budget owes the taxpayer | a ``freeze`` action with ``details.relief = no_interest``: an ``interest_pause`` with this reason |

``no_interest`` is Art. 59.5.a: a taxpayer supplying goods or services paid from the State budget (a subcontractor
named in the contract and paid directly by the investor included) that has not been paid bears no late-payment
interest on its tax debt "but not more than the amount the State budget has not paid". The interest pause covers
whole debts, so the office records it only while the budget's unpaid amount covers the whole overdue tax
(``covers``); a smaller amount is refused rather than exempting more than the text allows.

"Disputed / awaiting a decision" (a complaint or a lawsuit pending) is **not** a relief: Law 38/2019 Art. 61 has the
taxpayer pay the tax, late-payment interest and fines while the dispute is decided, unless a competent authority
suspends the decision in dispute, and refunds what proves overpaid, with interest. A decision in the taxpayer's
favour reduces the charge, and the interest with it, from the start.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Relief(StrEnum):
    """Why a debt is out of collection for a while; the ``interest_pause.reason`` of the two taxpayer-wide ones."""

    EXTENSION = "extension"
    FREEZE = "freeze"
    NO_INTEREST = "no_interest"


@dataclass(frozen=True, slots=True)
class ReliefRule:
    """What a relief is, by law, and what it stops."""

    legal_basis: str
    covers: str
    stops_interest: bool = True
    stops_escalation: bool = True
    stops_publication: bool = True


RELIEFS: dict[Relief, ReliefRule] = {
    Relief.EXTENSION: ReliefRule(
        "Law 38/2019/QH14 Art. 62.4 (gia hạn nộp thuế); the yearly extension decrees",
        "one charge, until its extended date (the debt is not overdue)",
    ),
    Relief.FREEZE: ReliefRule(
        "Law 38/2019/QH14 Art. 83 (khoanh nợ), Art. 59.6 (no interest while frozen), Art. 124.5 (no enforcement)",
        "the debts the decision names (by default those overdue on its first day, Decree 126/2020 Art. 23.3), from"
        " the day Art. 83 dates the freeze from until it is lifted",
    ),
    Relief.NO_INTEREST: ReliefRule(
        "Law 38/2019/QH14 Art. 59.5.a (không tính tiền chậm nộp: the State budget has not paid the taxpayer)",
        "the taxpayer's tax debt, up to the amount the State budget has not paid, until it pays",
    ),
}

# Where the law forbids enforcement on a frozen debt (and one bearing no interest), by the day it applies to.
# Law 108/2025/QH15 Art. 48 as restated in the press (the clause not read): debts on which no late-payment interest
# is charged are not enforced, nor instalments being kept.
NO_ENFORCEMENT_BASIS: tuple[tuple[datetime.date, str], ...] = (
    (datetime.date(2020, 7, 1), "Law 38/2019/QH14 Art. 124.5"),
    (datetime.date(2026, 7, 1), "Law 108/2025/QH15 Art. 48"),
)


def no_enforcement_basis(on: datetime.date) -> str:
    """The article that bars enforcement on a frozen debt on ``on`` (the first row before its first day)."""
    found = [basis for since, basis in NO_ENFORCEMENT_BASIS if since <= on]
    return found[-1] if found else NO_ENFORCEMENT_BASIS[0][1]


# Reliefs recorded as a taxpayer-wide interest pause (the ``reason`` of ``interest_pause``).
PAUSE_RELIEFS = (Relief.FREEZE, Relief.NO_INTEREST)


def covers(budget_unpaid: int, overdue_tax: int) -> bool:
    """Whether Art. 59.5.a takes all of ``overdue_tax`` out of interest: the budget owes at least as much."""
    return budget_unpaid >= overdue_tax


def frozen_since(
    pauses: Iterable[tuple[datetime.date, datetime.date | None]], on: datetime.date
) -> datetime.date | None:
    """The day the taxpayer's debts were frozen, if a pause ``(started_on, ended_on)`` runs on ``on``; else None.

    A pause covers ``started_on`` to the day before ``ended_on`` (None: still running), as interest reads it: frozen
    on 1 Sep and lifted on 1 Dec, the debts are frozen from 1 Sep to 30 Nov and collectible again on 1 Dec. The
    flag-arrears query computes the same in SQL (``taxoffice.arrears.flagging.overdue_rows``).
    """
    return min((start for start, end in pauses if start <= on and (end is None or end > on)), default=None)
