"""The account statement as the printable document shows it: the figures of ``Statement``, none recomputed."""

import datetime

from taxoffice.accounts.account import Statement, running_balances
from taxoffice.documents.model import AccountCharge, AccountEntry, AccountPrint


def account_print(statement: Statement, produced_on: datetime.date) -> AccountPrint:
    """The statement's totals, each charge's position, and every entry with the balance after it (as on the page)."""
    return AccountPrint(
        produced_on=produced_on,
        as_of=statement.as_of,
        outstanding=statement.outstanding,
        interest=statement.interest,
        fines=statement.fines,
        credit=statement.credit,
        total_due=statement.total_due,
        charges=[
            AccountCharge(
                tax_type=item.tax_type,
                period=item.period,
                kind=item.kind,
                sub_item=item.sub_item,
                due_on=item.due_on,
                amount=item.amount,
                paid=item.paid,
                outstanding=item.outstanding,
                interest=item.interest_outstanding,
                days_overdue=item.days_overdue,
            )
            for item in statement.items
        ],
        entries=[
            AccountEntry(line.on, line.entry, line.amount, line.reference, line.detail, line.pending, balance)
            for line, balance in zip(statement.lines, running_balances(statement.lines), strict=True)
        ],
    )
