"""Arrears categories (DOMAIN.md §8): which cases escalate on the action ladder. Pure.

Every case is in exactly one category, decided in this order:

1. **frozen**: the office has frozen the debt (khoanh nợ), an explicit decision that outranks everything else;
2. **difficult to collect**: the debtor's registry status is 01 (code closed), 03 (ceased, closure pending),
   06 (not at the registered address) or 07 (awaiting bankruptcy), ``registry.statuses.DIFFICULT_TO_COLLECT``;
3. **under instalment**: a plan is being kept (instalments paid on time);
4. **collectible**: everything else, including a case whose plan was missed (the ladder resumes) or completed
   (what is left, if anything, was never covered by the plan).

Only collectible cases escalate; the others are tracked and listed but get no ladder proposals.
"""

from enum import StrEnum

from registry.statuses import DIFFICULT_TO_COLLECT, TaxpayerStatus
from taxoffice.arrears.instalments import PlanStatus


class Category(StrEnum):
    """How an arrears case is handled."""

    COLLECTIBLE = "collectible"
    DIFFICULT = "difficult"
    FROZEN = "frozen"
    INSTALMENT = "instalment"


def category_of(status: TaxpayerStatus, is_frozen: bool, plan_state: PlanStatus | None) -> Category:
    """The category of a case.

    Args:
        status: the debtor's registry status on the day looked at.
        is_frozen: whether the debt is frozen on that day.
        plan_state: the status of the case's current instalment plan on that day, or None without a plan.
    """
    if is_frozen:
        return Category.FROZEN
    if status in DIFFICULT_TO_COLLECT:
        return Category.DIFFICULT
    if plan_state is PlanStatus.KEPT:
        return Category.INSTALMENT
    return Category.COLLECTIBLE


def escalates(category: Category) -> bool:
    """Whether cases of ``category`` move up the action ladder (collectible ones only)."""
    return category is Category.COLLECTIBLE
