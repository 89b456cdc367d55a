"""The taxpayer account: charges (what is owed), payments (money received) and their allocations."""

import datetime

from advanced_alchemy.mixins import IdentityPrimaryKey
from sqlalchemy import BigInteger, Boolean, ColumnElement, Date, ForeignKey, Index, Integer, String, and_, or_, text
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Base, JsonB, Model, code_string


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


class Payment(Model):
    """Money received from a bank or the State Treasury (DOMAIN.md §9), unique by the bank's reference.

    ``status``: ``unmatched`` (no registered taxpayer has its tax code), ``unallocated`` (waiting for the
    reconcile job), ``allocated`` (every đồng applied), ``credit`` (applied as far as debts allowed; the rest,
    ``unallocated``, waits for the next charge), ``reversed`` (cancelled by the bank), ``quarantined`` (set aside by
    the reconcile job, which could not process it; the reason starts ``note``).
    """

    __tablename__ = "payment"
    __table_args__ = (
        Index("ix_payment_status", "status"),
        Index(
            "ix_payment_open",
            "taxpayer_id",
            postgresql_where=text("unallocated > 0"),
            sqlite_where=text("unallocated > 0"),
        ),
    )

    bank_ref: Mapped[str] = mapped_column(code_string(64), unique=True)
    tax_code: Mapped[str] = mapped_column(code_string(14))
    taxpayer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    payer_name: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[datetime.date] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(8))
    sub_item: Mapped[str | None] = mapped_column(String(4))
    chapter: Mapped[str | None] = mapped_column(String(3))
    tax_office: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    unallocated: Mapped[int] = mapped_column(BigInteger)
    received_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(300), default="")
    # The payment order whose reference the payment quoted (its taxpayer is the payment's).
    order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("payment_order.id"), index=True)


class Allocation(Model):
    """Part of a payment applied to a charge's tax, interest or fine.

    Never edited: a reversal, or the release of money a reduced charge no longer needs, is a new row with a
    negative amount.
    """

    __tablename__ = "payment_allocation"
    __table_args__ = (Index("ix_payment_allocation_taxpayer", "taxpayer_id", "charge_id"),)

    payment_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("payment.id"), index=True)
    charge_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account_charge.id"))
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    component: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    # The payment's date: interest on the part paid stops here, whenever the allocation was made.
    paid_on: Mapped[datetime.date] = mapped_column(Date)
    run: Mapped[str] = mapped_column(String(40), default="")


class InterestAccrual(Model):
    """Late-payment interest accrued on a tax charge as of a day, kept by the ``accrue-interest`` job.

    A snapshot for reports and arrears; statements compute interest on the fly and never read it.
    Its pages are kept half full on PostgreSQL (migration a61c0e4f7d25): the job rewrites every row each night, and
    with room on the page each new version is a HOT update (no index touched).
    """

    __tablename__ = "interest_accrual"
    __table_args__ = {"postgresql_with": {"fillfactor": 50}}  # noqa: RUF012 - SQLAlchemy's declarative table options

    charge_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account_charge.id"), unique=True)
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    as_of: Mapped[datetime.date] = mapped_column(Date)
    accrued: Mapped[int] = mapped_column(BigInteger)
    outstanding: Mapped[int] = mapped_column(BigInteger)


class CollectionDay(Base):
    """Money applied to charges, summed by day, tax office, tax type, budget sub-item and component.

    Kept by the reconcile job in the same transaction as the allocations it sums (``reconcile._write``), so the
    collections report reads a few hundred rows a day instead of the whole allocation ledger.
    ``overdue``: the money was paid after the charge's due date (arrears collected).
    ``tax_office`` is the taxpayer's office when the money was applied.
    """

    __tablename__ = "collection_day"

    day: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    tax_office: Mapped[str] = mapped_column(String(20), primary_key=True)
    tax_type: Mapped[str] = mapped_column(String(4), primary_key=True)
    sub_item: Mapped[str] = mapped_column(String(4), primary_key=True)
    component: Mapped[str] = mapped_column(String(10), primary_key=True)
    overdue: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(Integer)


class Enforcement(Model):
    """A period in which a taxpayer's debts overdue at its start are under enforcement (DOMAIN.md §7: paid first).

    Started by an enforcement measure recorded on the taxpayer's arrears case (``reference``, e.g. ``case:17``),
    ended (``ended_on``) when that case closes; at most one open period per taxpayer.
    """

    __tablename__ = "account_enforcement"
    __table_args__ = (
        Index(
            "uq_account_enforcement_open",
            "taxpayer_id",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
    )

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    started_on: Mapped[datetime.date] = mapped_column(Date)
    ended_on: Mapped[datetime.date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(60))


class CollectionDayDelta(Base, IdentityPrimaryKey):
    """Sums of one reconcile batch not yet folded into ``collection_day`` (PostgreSQL).

    Each batch appends its sums here with ``COPY`` in its own transaction (no row of ``collection_day`` is locked
    or rewritten per batch); the end of the run folds them in with one statement. Readers take both tables.
    """

    __tablename__ = "collection_day_delta"

    day: Mapped[datetime.date] = mapped_column(Date)
    tax_office: Mapped[str] = mapped_column(String(20))
    tax_type: Mapped[str] = mapped_column(String(4))
    sub_item: Mapped[str] = mapped_column(String(4))
    component: Mapped[str] = mapped_column(String(10))
    overdue: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(Integer)


class PaymentExtension(Model):
    """An extended deadline for one charge (gia hạn nộp thuế): a yearly decree, or an Art. 62 decision.

    While it stands the charge is due on ``extended_to`` and bears no interest before it (Law 38/2019 Art. 62.4);
    the ledger, the statement and flag-arrears read the charge with this deadline. At most one standing extension
    per charge; a revoked one (``revoked_on``: the taxpayer was not eligible, a decree's Art. 3.5 or 4) counts for
    nothing, so interest is owed for the whole time, as the decrees say.
    ``basis``: ``decree`` (``reference`` is its number, e.g. ``12/2023/NĐ-CP``) or ``decision`` (``reference`` is the
    decision's number, ``ground`` ``force_majeure`` or ``relocation``).
    """

    __tablename__ = "payment_extension"
    __table_args__ = (
        Index(
            "uq_payment_extension_standing",
            "charge_id",
            unique=True,
            postgresql_where=text("revoked_on IS NULL"),
            sqlite_where=text("revoked_on IS NULL"),
        ),
    )

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    charge_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account_charge.id"))
    due_on: Mapped[datetime.date] = mapped_column(Date)
    extended_to: Mapped[datetime.date] = mapped_column(Date, index=True)
    basis: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(60))
    ground: Mapped[str] = mapped_column(String(20), default="")
    requested_on: Mapped[datetime.date] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(80))
    revoked_on: Mapped[datetime.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")


class InterestPause(Model):
    """Days on which none of a taxpayer's debts bears late-payment interest: a frozen debt (khoanh nợ), or Art. 59.5.a.

    ``reason``: a ``taxoffice.accounts.reliefs.PAUSE_RELIEFS`` value (``freeze``, ``no_interest``).

    Law 38/2019 Art. 59.6 and 83: from ``started_on`` (the day Art. 83 dates the freeze from) to the day before
    ``ended_on`` (None while frozen). Written when a freeze is recorded on the taxpayer's arrears case
    (``reference`` ``case:<id>``), ended when it is lifted; at most one open per taxpayer.

    ``charge_ids``: the debts (charge ids) the freeze covers, Decree 126/2020 Art. 23.3 (the decision covers the debt
    at its start): only they bear no interest. NULL: every debt of the taxpayer (pauses written before freezes named
    their debts).
    """

    __tablename__ = "interest_pause"
    __table_args__ = (
        Index(
            "uq_interest_pause_open",
            "taxpayer_id",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
    )

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    started_on: Mapped[datetime.date] = mapped_column(Date)
    ended_on: Mapped[datetime.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(60))
    charge_ids: Mapped[list[int] | None] = mapped_column(JsonB, nullable=True)

    @classmethod
    def running_on(cls, day: datetime.date) -> ColumnElement[bool]:
        """The pauses running on ``day``: from ``started_on`` to the day before ``ended_on`` (the ledger's rule)."""
        return and_(cls.started_on <= day, or_(cls.ended_on.is_(None), cls.ended_on > day))


class InterestWaiver(Model):
    """Late-payment interest on a tax charge cancelled by decision: a write-off (xóa nợ, Law 38/2019 Art. 85).

    Art. 85 writes off the tax, the late-payment interest and the fines still owed. The tax and fines are cut by
    reductions on the charge lines; the interest on a tax charge is computed, so what is cancelled of it is kept
    here: ``amount`` đồng of the interest the charge had accrued by ``waived_on`` (including interest on parts
    paid late, which no reduction of the tax can reach). ``reference`` names the decision's record (``write-off:17``).
    """

    __tablename__ = "interest_waiver"

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    charge_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("account_charge.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    waived_on: Mapped[datetime.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(String(300), default="")
