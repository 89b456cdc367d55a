"""The taxpayer account: charges (what is owed); payments and allocations join it later."""

import datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Model, code_string


class Charge(Model):
    """One amount owed (or, when negative, a reduction): never edited, corrected by new entries."""

    __tablename__ = "account_charge"
    __table_args__ = (
        Index("ix_account_charge_code_period", "tax_code", "period"),
        Index("ix_account_charge_due", "due_on"),
    )

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    tax_code: Mapped[str] = mapped_column(code_string(14))
    tax_type: Mapped[str] = mapped_column(String(4))
    sub_item: Mapped[str] = mapped_column(String(4))
    period: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[datetime.date] = mapped_column(Date)
    # Late-payment interest runs from the day after this date (a supplementary raise: the original deadline).
    interest_from: Mapped[datetime.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
