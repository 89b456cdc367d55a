"""The account statement as the PDF prints it: the statement's figures, the balance after each entry as on the page."""

import datetime

from taxoffice.accounts.account import ItemLine, Statement, StatementLine
from taxoffice.accounts.account_print import account_print
from taxoffice.documents.model import AccountCharge, AccountEntry

AS_OF = datetime.date(2026, 3, 31)
DUE = datetime.date(2026, 2, 23)


def _statement() -> Statement:
    vat = ItemLine(1, "VAT", "1701", "2026-01", "tax", DUE, 20_000_000, 5_000_000, 15_000_000, 210_000, 0, 210_000, 36)
    fine = ItemLine(2, "VAT", "4254", "2026-01", "fine", DUE, 3_500_000, 0, 3_500_000, 0, 0, 0, 36)
    return Statement(
        "0109555201",
        AS_OF,
        outstanding=15_000_000,
        interest=210_000,
        fines=3_500_000,
        credit=0,
        items=[vat, fine],
        lines=[
            StatementLine(DUE, "charge:tax", 20_000_000, "return:1", "VAT 1701 2026-01"),
            StatementLine(DUE, "charge:fine", 3_500_000, "return:1", "VAT 4254 2026-01"),
            StatementLine(datetime.date(2026, 3, 5), "payment", 5_000_000, "VCB-1", "received"),
            StatementLine(datetime.date(2026, 3, 5), "applied:tax", 5_000_000, "payment:1", "charge:1", pending=True),
        ],
    )


def test_the_print_carries_the_totals_each_charge_and_each_entry_with_its_balance() -> None:
    printed = account_print(_statement(), datetime.date(2026, 4, 2))
    assert (printed.produced_on, printed.as_of) == (datetime.date(2026, 4, 2), AS_OF)
    assert (printed.outstanding, printed.interest, printed.fines, printed.credit) == (15_000_000, 210_000, 3_500_000, 0)
    assert printed.total_due == 18_710_000
    assert printed.charges[0] == AccountCharge(
        "VAT", "2026-01", "tax", "1701", DUE, 20_000_000, 5_000_000, 15_000_000, 210_000, 36
    )
    assert printed.charges[1].kind == "fine"
    assert printed.charges[1].interest == 0
    assert [e.balance for e in printed.entries] == [20_000_000, 23_500_000, 18_500_000, 18_500_000]
    assert printed.entries[3] == AccountEntry(
        datetime.date(2026, 3, 5), "applied:tax", 5_000_000, "payment:1", "charge:1", True, 18_500_000
    )


def test_an_empty_account_prints_no_lines() -> None:
    printed = account_print(Statement("0109555201", AS_OF), AS_OF)
    assert printed.charges == []
    assert printed.entries == []
    assert printed.total_due == 0
