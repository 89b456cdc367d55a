"""The SQL of the flag-arrears job: which taxpayers to examine, and their overdue figures in one GROUP BY.

Everything here builds SQLAlchemy Core statements for PostgreSQL and SQLite alike (each charge's figures:
``_per_charge``). Nothing runs a query per taxpayer.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Insert,
    MetaData,
    Select,
    Table,
    and_,
    case,
    false,
    func,
    insert,
    null,
    or_,
    select,
    union,
)
from sqlalchemy.orm import InstrumentedAttribute

from registry.models import Taxpayer
from taxoffice.accounts.models import Allocation, Charge, InterestPause, Payment, PaymentExtension
from taxoffice.accounts.vocabulary import PAID_STATUSES, ChargeKind
from taxoffice.arrears.ageing import BUCKETS, OVER_YEAR_DAYS
from taxoffice.arrears.categories import Category
from taxoffice.arrears.flagging._per_charge import charges_owed, running_pauses
from taxoffice.arrears.ladder import ActionKind, rules_on
from taxoffice.arrears.models import ArrearsAction, ArrearsCase, InstalmentPlan
from taxoffice.arrears.vocabulary import SPLIT_TAX_TYPES, CaseStatus
from taxoffice.partition import Partition

# The taxpayers an incremental run examines; a temporary table of this connection, filled by one INSERT … SELECT.
SCOPE = Table(
    "arrears_flag_scope",
    MetaData(),
    Column("taxpayer_id", BigInteger, primary_key=True),
    prefixes=["TEMPORARY"],
)

# The columns of a stored case read back with each taxpayer's figures (as ``c_<name>``).
CASE_COLUMNS = (
    "id",
    "category",
    "is_frozen",
    "overdue_tax",
    "overdue_interest",
    "overdue_fines",
    "overdue_total",
    "oldest_due_on",
    "ladder_due_on",
    "bucket",
    "stage",
    "next_action",
    "next_action_due_on",
    "is_stalled",
    "interest_as_of",
    "overdue_vat",
    "overdue_cit",
    "overdue_pit",
    "overdue_over_year",
    "tax_code",
    "tax_office",
)


def boundaries(on: datetime.date) -> list[int]:
    """The days overdue on which a case's bucket or ladder stage changes (the first days of each)."""
    days = {first for _bucket, first, _last in BUCKETS} | {stage.from_day for stage in rules_on(on).stages}
    return sorted(days)


def _in_scope(column: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    return column.in_(select(SCOPE.c.taxpayer_id))


def scope_fill(
    as_of: datetime.date,
    previous_as_of: datetime.date,
    changed_after: datetime.datetime,
    partition: Partition | None = None,
) -> Insert:
    """``INSERT INTO arrears_flag_scope SELECT …``: the taxpayers whose case may differ on ``as_of``.

    Those whose ledger, registry record, actions or plans changed after ``changed_after``; those with a charge
    that became overdue since ``previous_as_of``; and the open cases whose date-dependent values move between
    ``previous_as_of`` and ``as_of``: a bucket or stage boundary crossed, a proposal late enough to stall, a
    plan whose instalments fall due; and the open cases whose split by tax type was never computed (written
    before the split existed), so that one ordinary run fills them all. Interest snapshots are left out on
    purpose: they change nightly for every debtor, and a case's interest is refreshed (with ``interest_as_of``)
    when the case is examined. With ``partition``, only its taxpayers.
    """
    crossed = [
        and_(
            ArrearsCase.oldest_due_on > previous_as_of - datetime.timedelta(days=day),
            ArrearsCase.oldest_due_on <= as_of - datetime.timedelta(days=day),
        )
        for day in boundaries(as_of)
    ]
    # More than 5 working days late needs at least 6 calendar days.
    may_stall = and_(
        ArrearsCase.is_stalled == false(), ArrearsCase.next_action_due_on <= as_of - datetime.timedelta(days=6)
    )
    unsplit = or_(
        ArrearsCase.overdue_vat.is_(None),
        ArrearsCase.overdue_cit.is_(None),
        ArrearsCase.overdue_pit.is_(None),
        ArrearsCase.overdue_over_year.is_(None),
    )
    # A debt of an open case that passed a year overdue since: the case's amount over a year moves.
    year = datetime.timedelta(days=OVER_YEAR_DAYS)
    aged = select(Charge.taxpayer_id).where(
        Charge.due_on > previous_as_of - year,
        Charge.due_on <= as_of - year,
        Charge.taxpayer_id.in_(select(ArrearsCase.taxpayer_id).where(ArrearsCase.status == CaseStatus.OPEN)),
    )
    # One pass over the open cases for all of these.
    dated = select(ArrearsCase.taxpayer_id).where(
        ArrearsCase.status == CaseStatus.OPEN,
        or_(*crossed, may_stall, ArrearsCase.category == Category.INSTALMENT.value, unsplit),
    )
    sources = union(
        select(Charge.taxpayer_id).where(Charge.updated_at > changed_after),
        select(Charge.taxpayer_id).where(Charge.due_on >= previous_as_of, Charge.due_on < as_of),
        aged,
        # Extensions granted or revoked since, and extended deadlines that passed.
        select(PaymentExtension.taxpayer_id).where(PaymentExtension.updated_at > changed_after),
        select(PaymentExtension.taxpayer_id).where(
            PaymentExtension.extended_to >= previous_as_of, PaymentExtension.extended_to < as_of
        ),
        select(Allocation.taxpayer_id).where(Allocation.updated_at > changed_after),
        select(Payment.taxpayer_id).where(Payment.updated_at > changed_after, Payment.taxpayer_id.is_not(None)),
        select(Taxpayer.id).where(Taxpayer.updated_at > changed_after),
        # Freezes recorded or lifted since (a freeze dates from a day not after it was recorded), and every freeze
        # running in the days looked at (few): a debt outside it moves the case's stage from its own due date.
        select(InterestPause.taxpayer_id).where(InterestPause.updated_at > changed_after),
        select(InterestPause.taxpayer_id).where(
            or_(InterestPause.ended_on.is_(None), InterestPause.ended_on > previous_as_of)
        ),
        select(ArrearsCase.taxpayer_id).where(
            ArrearsCase.id.in_(select(ArrearsAction.case_id).where(ArrearsAction.updated_at > changed_after))
        ),
        select(ArrearsCase.taxpayer_id).where(
            ArrearsCase.id.in_(select(InstalmentPlan.case_id).where(InstalmentPlan.updated_at > changed_after))
        ),
        dated,
    ).subquery()
    chosen = select(sources.c.taxpayer_id)
    if partition is not None:
        chosen = chosen.where(partition.holds(sources.c.taxpayer_id))
    return insert(SCOPE).from_select(["taxpayer_id"], chosen)


def overdue_rows(
    as_of: datetime.date, *, scoped: bool, dialect: str, partition: Partition | None = None
) -> Select[Any]:
    """Every taxpayer with something overdue on ``as_of`` or an open case, with its figures and the stored case.

    Per charge due before ``as_of`` (its deadline, or the extended one while an extension stands: a debt under
    extension is not overdue, Law 38/2019 Art. 62.4 and the decrees): what is unpaid of its own kind (its amount, less the reductions of its
    line netted newest charge first as the ledger does, less allocations paid up to ``as_of``) plus the interest
    outstanding in its ``interest_accrual`` snapshot. Per taxpayer: the sums by kind, the same figures summed by
    the charges' tax type (``overdue_vat``, ``overdue_cit``, ``overdue_pit``), what is owed on charges more than
    a year overdue (``overdue_over_year``: ageing by amount), the oldest due date with
    something owed, the oldest such date outside a running freeze (``ladder_due_on``, what the ladder counts from:
    Decree 126/2020 Art. 23.3, a freeze covers the debts it names), and the snapshot's day; full-joined with the
    open case and joined with the registry record, and with ``frozen_since``: the day the taxpayer's debts were frozen, when a freeze (or Art. 59.5.a's pause) runs
    on ``as_of`` (Law 38/2019 Art. 124.5: no enforcement while frozen).
    ``scoped`` limits everything to the taxpayers in ``arrears_flag_scope``; ``partition`` to its taxpayers.
    """
    holds: list[Callable[[Any], ColumnElement[bool]]] = []
    if scoped:
        holds.append(_in_scope)
    if partition is not None:
        holds.append(partition.holds)
    per_charge = charges_owed(as_of, dialect, holds)
    pc = per_charge.c
    over_year = datetime.timedelta(days=OVER_YEAR_DAYS)

    def by_kind(kind: ChargeKind) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((pc.kind == kind, pc.principal), else_=0)), 0)

    def by_tax_type(tax_type: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((pc.tax_type == tax_type, pc.principal + pc.interest), else_=0)), 0)

    figures = (
        select(
            pc.taxpayer_id,
            by_kind(ChargeKind.TAX).label("overdue_tax"),
            (by_kind(ChargeKind.INTEREST) + func.coalesce(func.sum(pc.interest), 0)).label("overdue_interest"),
            by_kind(ChargeKind.FINE).label("overdue_fines"),
            *(by_tax_type(name).label(f"overdue_{name.lower()}") for name in SPLIT_TAX_TYPES),
            func.coalesce(
                func.sum(case((pc.due_on <= as_of - over_year, pc.principal + pc.interest), else_=0)), 0
            ).label("overdue_over_year"),
            func.min(case((pc.principal + pc.interest > 0, pc.due_on))).label("oldest_due_on"),
            func.min(case((and_(pc.principal + pc.interest > 0, ~pc.covered), pc.due_on))).label("ladder_due_on"),
            func.max(pc.interest_as_of).label("interest_as_of"),
        )
        .group_by(pc.taxpayer_id)
        .subquery("figures")
    )
    frozen = running_pauses(as_of, holds)
    open_query = select(ArrearsCase.taxpayer_id, *(ArrearsCase.__table__.c[name] for name in CASE_COLUMNS)).where(
        ArrearsCase.status == CaseStatus.OPEN
    )
    if scoped:
        open_query = open_query.where(_in_scope(ArrearsCase.taxpayer_id))
    if partition is not None:
        open_query = open_query.where(partition.holds(ArrearsCase.taxpayer_id))
    opened = open_query.subquery("open_case")
    taxpayer_id = func.coalesce(figures.c.taxpayer_id, opened.c.taxpayer_id)
    return (
        select(
            taxpayer_id.label("taxpayer_id"),
            Taxpayer.tax_code,
            Taxpayer.tax_office,
            Taxpayer.status,
            figures.c.overdue_tax,
            figures.c.overdue_interest,
            figures.c.overdue_fines,
            *(figures.c[f"overdue_{name.lower()}"] for name in SPLIT_TAX_TYPES),
            figures.c.overdue_over_year,
            figures.c.oldest_due_on,
            figures.c.ladder_due_on,
            figures.c.interest_as_of,
            frozen.c.frozen_since,
            *(opened.c[name].label(f"c_{name}") for name in CASE_COLUMNS),
        )
        .select_from(figures.join(opened, figures.c.taxpayer_id == opened.c.taxpayer_id, full=True))
        .join(Taxpayer, Taxpayer.id == taxpayer_id)
        .outerjoin(frozen, frozen.c.taxpayer_id == taxpayer_id)
        .where(or_(figures.c.oldest_due_on.is_not(None), opened.c.id.is_not(None)))
    )


def actions_of(case_ids: Sequence[int], as_of: datetime.date) -> Select[int, str, datetime.date, dict[str, Any] | None]:
    """The actions recorded on ``case_ids`` up to ``as_of`` (the details of freezes only: frozen or unfrozen)."""
    details = case((ArrearsAction.kind == ActionKind.FREEZE.value, ArrearsAction.details), else_=null())
    return select(ArrearsAction.case_id, ArrearsAction.kind, ArrearsAction.taken_on, details).where(
        ArrearsAction.case_id.in_(case_ids), ArrearsAction.taken_on <= as_of
    )


def plans_of(case_ids: Sequence[int], as_of: datetime.date) -> Select[Any]:
    """The active instalment plans of ``case_ids`` agreed by ``as_of``, the latest (highest id) last."""
    return (
        select(
            InstalmentPlan.case_id,
            InstalmentPlan.id,
            InstalmentPlan.agreed_on,
            InstalmentPlan.schedule,
            InstalmentPlan.status,
        )
        .where(
            InstalmentPlan.case_id.in_(case_ids),
            InstalmentPlan.is_active.is_(True),
            InstalmentPlan.agreed_on <= as_of,
        )
        .order_by(InstalmentPlan.case_id, InstalmentPlan.id)
    )


def payments_of(
    taxpayer_ids: Sequence[int], since: datetime.date, as_of: datetime.date
) -> Select[int | None, datetime.date, int]:
    """Payments of ``taxpayer_ids`` made from ``since`` to ``as_of`` (money really paid: not reversed)."""
    return select(Payment.taxpayer_id, Payment.paid_on, Payment.amount).where(
        Payment.taxpayer_id.in_(taxpayer_ids),
        Payment.paid_on >= since,
        Payment.paid_on <= as_of,
        Payment.status.in_(PAID_STATUSES),
    )
