"""Which debts may go on the public debtor list (Decree 126/2020 Art. 29; Law 38/2019 Art. 99). Pure.

A debtor is published only after an officer selects it and the head of the tax office confirms it; both steps,
and the public list itself, take only cases that qualify on the day:

- the case is open and its oldest unpaid amount is more days overdue than the ladder's ``publish_over_days`` (90);
- its category is not one of ``NOT_PUBLISHED``: a frozen debt (khoanh nợ) or one under an instalment plan being
  kept is not published. **Payment extensions plug in here**: when debts under extension get their own category,
  add it to ``NOT_PUBLISHED`` and every step (candidates, selection, confirmation, the public list) leaves them out;
- what is overdue is not a small residue: at least ``min_amount`` of the rules in force;
- no freeze is recorded on it. A freeze covers the debts it names and the others are collected as usual (Decree
  126/2020 Art. 23.3), but the case's figures hold the frozen debts too: until the list can show the part outside
  the freeze alone, a case marked frozen is not published at all.
"""

import datetime
from dataclasses import dataclass

from taxoffice.arrears.categories import Category

# Categories never published: the one place a new excluded category (payment extension) is added.
NOT_PUBLISHED = frozenset({Category.FROZEN, Category.INSTALMENT})


@dataclass(frozen=True, slots=True)
class PublicationRules:
    """The publication rules in force from ``valid_from``.

    Attributes:
        valid_from: the first day these rules apply to.
        min_amount: a debt smaller than this (đồng) is a residue and is not published. Not found in the legal texts
            checked (docs/arrears.md): configuration, not law.
        reason_vi: the reason printed on each entry, in Vietnamese.
        reason_en: the same in English.
    """

    valid_from: datetime.date
    min_amount: int
    reason_vi: str
    reason_en: str


RULES: tuple[PublicationRules, ...] = (
    PublicationRules(
        valid_from=datetime.date(2020, 12, 5),  # Decree 126/2020/ND-CP takes effect
        min_amount=1_000_000,
        reason_vi="Nợ tiền thuế quá 90 ngày kể từ ngày hết thời hạn nộp thuế",
        reason_en="Tax debt more than 90 days past the payment deadline",
    ),
)


def reason_in_english(reason_vi: str, rules: tuple[PublicationRules, ...] = RULES) -> str:
    """The English of a published entry's reason (stored in Vietnamese, as decided); the reason itself if unknown."""
    return next((r.reason_en for r in rules if r.reason_vi == reason_vi), reason_vi)


def rules_on(day: datetime.date, rules: tuple[PublicationRules, ...] = RULES) -> PublicationRules:
    """The rules in force on ``day``; ``LookupError`` before the first."""
    found = [r for r in rules if r.valid_from <= day]
    if not found:
        msg = f"no debtor-publication rules are known for {day}"
        raise LookupError(msg)
    return found[-1]


def exclusion(category: str, amount: int, day: datetime.date, *, is_frozen: bool = False) -> str | None:
    """Why a case of ``category`` owing ``amount`` is not published on ``day`` (a rule code), or None if it may be."""
    if category in NOT_PUBLISHED:
        return f"publication.{category}"
    if is_frozen:  # partly frozen: the amount would include the frozen debts
        return f"publication.{Category.FROZEN.value}"
    if amount < rules_on(day).min_amount:
        return "publication.small_residue"
    return None
