"""Arrears categories: which cases escalate (DOMAIN.md §8)."""

import datetime

import pytest

from registry.statuses import TaxpayerStatus
from taxoffice.arrears.categories import Category, category_of, escalates
from taxoffice.arrears.instalments import Instalment, PlanStatus, plan_state_on

S = TaxpayerStatus
D = datetime.date


@pytest.mark.parametrize(
    ("status", "category"),
    [
        (S.ACTIVE, Category.COLLECTIBLE),
        (S.CLOSED, Category.DIFFICULT),
        (S.MOVED, Category.COLLECTIBLE),
        (S.CEASING, Category.DIFFICULT),
        (S.INCOMPLETE, Category.COLLECTIBLE),
        (S.SUSPENDED, Category.COLLECTIBLE),
        (S.NOT_AT_ADDRESS, Category.DIFFICULT),
        (S.AWAITING_BANKRUPTCY, Category.DIFFICULT),
    ],
)
def test_difficult_to_collect_by_registry_status(status: TaxpayerStatus, category: Category) -> None:
    assert category_of(status, is_frozen=False, plan_state=None) is category


def test_frozen_outranks_everything() -> None:
    for status in S:
        for plan in (None, *PlanStatus):
            assert category_of(status, is_frozen=True, plan_state=plan) is Category.FROZEN


def test_instalment_only_while_kept() -> None:
    assert category_of(S.ACTIVE, is_frozen=False, plan_state=PlanStatus.KEPT) is Category.INSTALMENT
    assert category_of(S.ACTIVE, is_frozen=False, plan_state=PlanStatus.MISSED) is Category.COLLECTIBLE
    assert category_of(S.ACTIVE, is_frozen=False, plan_state=PlanStatus.COMPLETED) is Category.COLLECTIBLE
    # A ceased debtor stays difficult to collect even with a plan.
    assert category_of(S.CEASING, is_frozen=False, plan_state=PlanStatus.KEPT) is Category.DIFFICULT


def test_only_collectible_cases_escalate() -> None:
    assert [c for c in Category if escalates(c)] == [Category.COLLECTIBLE]


def test_a_missed_instalment_brings_the_case_back() -> None:
    plan = (Instalment(D(2026, 1, 15), 2_000_000), Instalment(D(2026, 2, 15), 2_000_000))
    payments = [(D(2026, 1, 15), 2_000_000)]

    def on(day: datetime.date) -> Category:
        return category_of(S.ACTIVE, is_frozen=False, plan_state=plan_state_on(plan, payments, day).status)

    assert on(D(2026, 2, 15)) is Category.INSTALMENT
    assert on(D(2026, 2, 16)) is Category.COLLECTIBLE
