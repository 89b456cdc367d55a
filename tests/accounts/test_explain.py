"""Allocations told in words: worked texts in English and Vietnamese."""

import datetime

from taxoffice.accounts.allocation import Tier
from taxoffice.accounts.explain import ExplainedPart, explain, money

D = datetime.date


def test_money_is_grouped_in_threes() -> None:
    assert money(1_200_000) == "1\u00a0200\u00a0000\u00a0₫"
    assert money(500) == "500\u00a0₫"


def test_enforced_debt_first_then_credit() -> None:
    parts = [
        ExplainedPart(1_200_000, "tax", "VAT", "1701", "2026-09", D(2026, 10, 20), Tier.ENFORCED_OVERDUE),
        ExplainedPart(36_000, "interest", "VAT", "1701", "2026-09", D(2026, 10, 20), Tier.ENFORCED_OVERDUE),
        ExplainedPart(800_000, "fine", "VAT", "4254", "2026-09", D(2026, 11, 10), Tier.OVERDUE),
    ]
    vi, en = explain(2_100_000, D(2026, 12, 2), parts, 64_000)
    assert en == (
        "The payment of 2\u00a0100\u00a0000\u00a0₫ on 02/12/2026: first 1\u00a0200\u00a0000\u00a0₫ to the tax debt"
        " VAT (1701) for 2026-09 (due 20/10/2026, overdue, under enforcement), then 36\u00a0000\u00a0₫ to the"
        " late-payment interest on VAT (1701) for 2026-09 (due 20/10/2026, overdue, under enforcement), then"
        " 800\u00a0000\u00a0₫ to the fine VAT (4254) for 2026-09 (due 10/11/2026, overdue); 64\u00a0000\u00a0₫ is"
        " left over as a credit, set against the next debt or refunded on request. The order follows Luật Quản lý"
        " thuế 38/2019/QH14, Điều 57 (Law on Tax Administration, Art. 57): debts under enforcement, then other"
        " overdue debts, then debts not yet due; within each, tax before interest before fines, oldest deadline"
        " first."
    )
    assert vi.startswith("Khoản nộp 2\u00a0100\u00a0000\u00a0₫ ngày 02/12/2026: trước hết 1\u00a0200\u00a0000\u00a0₫")
    assert "quá hạn, đang bị cưỡng chế" in vi
    assert "còn thừa 64\u00a0000\u00a0₫" in vi
    assert vi.endswith("khoản có hạn nộp sớm hơn trước.")


def test_named_line_pending_and_nothing_applied() -> None:
    named = [ExplainedPart(8_000_000, "tax", "VAT", "1701", "2026-11", D(2026, 12, 21), Tier.NOT_YET_DUE, named=True)]
    vi, en = explain(8_000_000, D(2026, 12, 2), named, 0, pending=True)
    assert "not yet due" in en
    assert "the payment named a period and budget sub-item, so that debt came first" in en
    assert en.endswith("(expected: posted at the next reconciliation).")
    assert "chưa đến hạn" in vi
    _vi, en = explain(500_000, D(2026, 12, 2), [], 500_000)
    assert en.startswith("The payment of 500\u00a0000\u00a0₫ on 02/12/2026 has not been applied to any debt;")
