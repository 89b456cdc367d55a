"""The balance after each entry of an account statement: charges add, payments take off, interest paid goes back."""

import datetime

from taxoffice.accounts.account import StatementLine, running_balances

D = datetime.date(2026, 3, 1)


def test_charges_add_payments_take_off_and_only_money_applied_to_interest_moves_the_balance() -> None:
    lines = [
        StatementLine(D, "charge:tax", 20_000_000, "return:1", "VAT 1701 2026-01"),
        StatementLine(D, "charge:fine", 3_500_000, "return:1", "VAT 4254 2026-01"),
        StatementLine(D, "payment", 5_000_000, "VCB-1", "allocated"),
        StatementLine(D, "applied:tax", 5_000_000, "payment:1", "charge:1"),
        StatementLine(D, "payment", 9_000_000, "VCB-2", "reversed"),
        StatementLine(D, "payment", 30_000_000, "VCB-3", "credit"),
        StatementLine(D, "applied:tax", 15_000_000, "payment:3", "charge:1", pending=True),
        StatementLine(D, "applied:interest", 400_000, "payment:3", "charge:1", pending=True),
    ]
    assert running_balances(lines) == [
        20_000_000,
        23_500_000,
        18_500_000,
        18_500_000,
        18_500_000,  # a reversed payment paid nothing
        -11_500_000,  # more paid than owed: a credit
        -11_500_000,
        -11_100_000,  # what went to interest paid no tax
    ]


def test_an_empty_statement_has_no_balances() -> None:
    assert running_balances([]) == []
