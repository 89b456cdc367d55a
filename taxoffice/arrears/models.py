"""Arrears cases, their history, the actions officers take, instalment plans and debt notices."""

import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import Base, JsonB, Model, code_string


class ArrearsCase(Model):
    """One taxpayer's overdue debt, as the ``flag-arrears`` job last saw it (at most one open case each).

    The figures are as of ``as_of``: overdue tax, interest and fines, the oldest due date, the ageing bucket,
    the ladder stage reached, and the next action the ladder proposes with its due date. Days overdue are not
    stored (they change daily): they are ``day - oldest_due_on``, so a case is rewritten only when its account,
    bucket, stage, category or proposal changes. ``status``: ``open`` or ``closed`` (everything overdue paid;
    ``closed_on``). A new debt after closing opens a new case.
    """

    __tablename__ = "arrears_case"
    __table_args__ = (
        Index(
            "uq_arrears_case_open",
            "taxpayer_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index("ix_arrears_case_office", "tax_office", "status", "overdue_total"),
        Index("ix_arrears_case_officer", "officer_id", "status", "overdue_total"),
        Index("ix_arrears_case_age", "status", "oldest_due_on"),
        Index("ix_arrears_case_ladder", "status", "ladder_due_on"),  # the worklist's stage filter
        # Worklists across every office, in keyset order: by amount, and the unassigned queue by age or amount.
        Index("ix_arrears_case_amount", "status", "overdue_total", "id"),
        Index(
            "ix_arrears_case_unassigned_age",
            "oldest_due_on",
            "id",
            postgresql_where=text("status = 'open' AND officer_id IS NULL"),
            sqlite_where=text("status = 'open' AND officer_id IS NULL"),
        ),
        Index(
            "ix_arrears_case_unassigned_amount",
            "overdue_total",
            "id",
            postgresql_where=text("status = 'open' AND officer_id IS NULL"),
            sqlite_where=text("status = 'open' AND officer_id IS NULL"),
        ),
    )

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    tax_code: Mapped[str] = mapped_column(code_string(14))
    tax_office: Mapped[str] = mapped_column(String(20))
    officer_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(8))
    opened_on: Mapped[datetime.date] = mapped_column(Date)
    closed_on: Mapped[datetime.date | None] = mapped_column(Date)
    as_of: Mapped[datetime.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(12))
    is_frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue_tax: Mapped[int] = mapped_column(BigInteger)
    overdue_interest: Mapped[int] = mapped_column(BigInteger)
    overdue_fines: Mapped[int] = mapped_column(BigInteger)
    overdue_total: Mapped[int] = mapped_column(BigInteger)
    # The overdue total split by tax type (tax, interest and fines of that type's charges); the rest is other types.
    # NULL: not yet computed (a case written before the split existed); the next flag-arrears run fills it.
    overdue_vat: Mapped[int | None] = mapped_column(BigInteger)
    overdue_cit: Mapped[int | None] = mapped_column(BigInteger)
    overdue_pit: Mapped[int | None] = mapped_column(BigInteger)
    # Of the overdue total, what is owed on charges more than 365 days overdue (ageing by amount, not by case: a
    # case's bucket is its oldest debt's). NULL: not yet computed; the next flag-arrears run fills it.
    overdue_over_year: Mapped[int | None] = mapped_column(BigInteger)
    oldest_due_on: Mapped[datetime.date] = mapped_column(Date)
    # The day the ladder counts from: the due date of the oldest overdue debt outside a running freeze (Decree
    # 126/2020 Art. 23.3: a freeze covers the debts it names; the others are collected as usual), the oldest of all
    # when nothing is frozen. NULL: a freeze covers every overdue debt (no stage, no proposal, no enforcement).
    # Read through ``ladder_day`` (a case not frozen counts from ``oldest_due_on``).
    ladder_due_on: Mapped[datetime.date | None] = mapped_column(Date)
    bucket: Mapped[str] = mapped_column(String(10))
    stage: Mapped[str | None] = mapped_column(String(24))
    next_action: Mapped[str | None] = mapped_column(String(24))
    next_action_due_on: Mapped[datetime.date | None] = mapped_column(Date)
    is_stalled: Mapped[bool] = mapped_column(Boolean, default=False)
    interest_as_of: Mapped[datetime.date | None] = mapped_column(Date)


class ArrearsCaseEvent(Model):
    """A move of a case: opened, amounts changed, bucket or stage or category changed, assigned, closed."""

    __tablename__ = "arrears_case_event"

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("arrears_case.id"), index=True)
    event_on: Mapped[datetime.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    from_value: Mapped[str | None] = mapped_column(String(40))
    to_value: Mapped[str | None] = mapped_column(String(40))
    overdue_total: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(80))


class ArrearsAction(Model):
    """An action an officer took on a case (a reminder, a notice, enforcement, a note …)."""

    __tablename__ = "arrears_action"

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("arrears_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    taken_on: Mapped[datetime.date] = mapped_column(Date)
    officer: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(1000), default="")
    follow_up_on: Mapped[datetime.date | None] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)


class InstalmentPlan(Model):
    """A schedule of dated amounts agreed for a case (at most 12 months); ``status`` as last checked."""

    __tablename__ = "instalment_plan"

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("arrears_case.id"), index=True)
    agreed_on: Mapped[datetime.date] = mapped_column(Date)
    debt: Mapped[int] = mapped_column(BigInteger)
    # [{"due_on": "2026-01-31", "amount": 5000000}, …]
    schedule: Mapped[list[dict[str, Any]]] = mapped_column(JsonB)
    status: Mapped[str] = mapped_column(String(10))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class DebtNotice(Model):
    """A tax-debt notice (form 01/TTN) as issued: the workbook the taxpayer receives, kept as sent."""

    __tablename__ = "debt_notice"

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("arrears_case.id"), index=True)
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    issued_on: Mapped[datetime.date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(BigInteger)
    issued_by: Mapped[str] = mapped_column(String(80))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    # The same notice as PDF (taxoffice/arrears/notice_pdf.py); none for notices issued before PDFs were kept.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)


class ArrearsStock(Base):
    """The open cases' overdue amounts as one ``flag-arrears`` run left them, summed for reporting.

    One row per run day, tax office, ageing bucket, category and tax type (``VAT``, ``CIT``, ``PIT``, ``OTH``, and
    ``ALL`` for every type together, each case counted once).
    ``cases`` counts the cases owing something of that tax type. ``amount_over_year`` is, on the ``ALL`` rows, the
    part of ``amount`` owed on charges more than 365 days overdue (NULL on the rows of one tax type, and on runs
    made before it was kept).
    A run replaces its day's rows, so the stock on any past run day stays as that run saw it.
    """

    __tablename__ = "arrears_stock"

    as_of: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    tax_office: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(12), primary_key=True)
    tax_type: Mapped[str] = mapped_column(String(4), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    amount_over_year: Mapped[int | None] = mapped_column(BigInteger)


class DebtorPublication(Model):
    """A debtor on the public list (Decree 126/2020 Art. 29): an officer selects, the head of the office confirms.

    The entry keeps what the decree requires as it was confirmed: name, tax code, address, amount, the period the
    debt dates from (the oldest unpaid due date and the as-of day) and the reason. ``status``: ``selected`` (waiting
    for the head) or ``published``. The public list shows a published entry only while its case still qualifies
    (open, over the threshold, not frozen, not under a kept plan, not a small residue): see ``arrears/publication.py``.
    """

    __tablename__ = "debtor_publication"
    __table_args__ = (Index("ix_debtor_publication_list", "status", "amount", "tax_code"),)

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("arrears_case.id"), unique=True)
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"), index=True)
    tax_office: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(10))
    tax_code: Mapped[str] = mapped_column(code_string(14))
    name: Mapped[str] = mapped_column(String(300))
    name_search: Mapped[str] = mapped_column(code_string(300))
    address: Mapped[str] = mapped_column(String(700))
    amount: Mapped[int] = mapped_column(BigInteger)
    overdue_since: Mapped[datetime.date] = mapped_column(Date)
    as_of: Mapped[datetime.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    selected_by: Mapped[str] = mapped_column(String(80))
    selected_on: Mapped[datetime.date] = mapped_column(Date)
    confirmed_by: Mapped[str | None] = mapped_column(String(80))
    confirmed_on: Mapped[datetime.date | None] = mapped_column(Date)


def ladder_day(case: ArrearsCase, today: datetime.date) -> datetime.date | None:
    """The day the ladder counts from for ``case`` on ``today``; None: a freeze covers every debt overdue then."""
    if not case.is_frozen:
        return case.oldest_due_on
    return case.ladder_due_on if case.ladder_due_on is not None and case.ladder_due_on < today else None


def wholly_frozen(case: ArrearsCase, today: datetime.date) -> bool:
    """Whether a freeze covers every debt of ``case`` overdue on ``today`` (no stage, proposal or enforcement)."""
    return ladder_day(case, today) is None
