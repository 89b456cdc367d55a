"""Turning account rows into response types."""

from taxoffice.accounts.account import Statement
from taxoffice.accounts.models import Payment
from taxoffice.accounts.schemas import AccountRead, PaymentRead


def payment(row: Payment) -> PaymentRead:
    """A payment as the API shows it."""
    return PaymentRead(
        id=row.id,
        bank_ref=row.bank_ref,
        tax_code=row.tax_code,
        amount=row.amount,
        paid_on=row.paid_on,
        period=row.period,
        sub_item=row.sub_item,
        chapter=row.chapter,
        payer_name=row.payer_name,
        status=row.status,
        unallocated=row.unallocated,
        source=row.source,
        received_at=row.created_at,
        note=row.note,
    )


def account(statement: Statement) -> AccountRead:
    """A statement as the API shows it."""
    return AccountRead(
        tax_code=statement.tax_code,
        as_of=statement.as_of,
        outstanding=statement.outstanding,
        interest=statement.interest,
        fines=statement.fines,
        credit=statement.credit,
        total_due=statement.total_due,
        items=statement.items,
        lines=statement.lines,
    )
