"""The filing section of the compliance report: returns owed, from the obligation rules, against returns accepted.

Who owes what is ``filings.obligations.owed``, a pure rule over one taxpayer's facts. It is not called per
taxpayer: SQL counts taxpayers by the facts the rule reads (kind, tax types, VAT frequency, registration month;
for a closed code (01), or a taxpayer that ceased business with its closure pending (03), the month it took
effect, from which no return is expected; for a suspension (05) its exact dates; other statuses change nothing),
``owed`` runs once per distinct facts with representative dates, and its obligations are multiplied by the count.

Why a month stands for the exact day: every period is whole months, so ``period.end < registered_on`` holds
exactly when the period's last month is before the registration month, which the first of that month decides
the same way; ``period.start > closed_on`` holds exactly when the period starts in a later month than the
closure, the same again for the first of the closure month. Suspensions compare days with both ends of a
period, so they keep their days. Registrations before the first year whose periods can fall due in the range
(the year before its start) all behave alike and are counted as of that year's first month; closures and
suspensions that cannot touch those periods are dropped or ignored in SQL, which keeps the groups few.

A return owed only for periods with withholding (05/KK-TNCN: ``Obligation.only_when_withheld``) is expected only
from those who filed it: the office cannot tell a period without withholding from a missing return, so such
returns count as due when filed, and only their timeliness is measured.

Filed returns are the accepted originals (amendment 0) of the owed (form, period) pairs, counted in SQL by
lateness and by who sent them: the taxpayer's own login (role ``taxpayer``: itself, or its parent enterprise for
a branch; or a sender named by the return's tax code, as e-filing logins are) or an officer on its behalf. A return is counted for its (form, period) whether or not the rules say
that very taxpayer owed it (a suspended taxpayer filing anyway); "not filed" is never below zero.
"""

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, case, cast, extract, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from filings.models import TaxReturn
from filings.obligations import TAX_TYPE_OF_FORM, Obligation, TaxpayerFacts, owed
from filings.periods import MIN_YEAR
from filings.vocabulary import ReturnStatus
from registry.models import Taxpayer
from registry.statuses import TaxpayerStatus
from taxoffice.auth.models import User
from taxoffice.auth.roles import Role
from taxoffice.calendar import VN_TZ
from taxoffice.reports.params import Grain, period_label, period_labels
from taxoffice.reports.tables import rate

# The groupings the filing section takes, among the report's.
FILING_DIMENSIONS = ("form", "tax_type", "tax_period", "tax_office")
# Taxpayers expected to file no return for periods after these statuses took effect: the code closed (01), or
# business ceased with the closure pending (03). TADAT counts expected returns from taxpayers expected to file.
CEASED = (TaxpayerStatus.CLOSED.value, TaxpayerStatus.CEASING.value)
# (form, tax period, tax office or None)
Key = tuple[str, str, str | None]


@dataclass(frozen=True)
class Window:
    """What the report counts: deadlines ``start`` … ``end`` and events up to the end of ``as_of`` (Hanoi).

    ``end`` is already cut at the day before ``as_of``: a deadline on ``as_of`` itself has not passed yet.
    """

    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    tax_office: str | None

    @property
    def until(self) -> datetime.datetime:
        """The first instant after ``as_of`` in Hanoi: anything at or after it is not counted."""
        return datetime.datetime.combine(self.as_of + datetime.timedelta(days=1), datetime.time(), VN_TZ)

    @property
    def empty(self) -> bool:
        """No deadline can be counted (the range starts on or after ``as_of``)."""
        return self.start > self.end


@dataclass(frozen=True)
class Owed:
    """Returns owed in the window: how many per (form, period, office), and each (form, period)'s deadline."""

    counts: Counter[Key]
    periods: dict[tuple[str, str], Obligation]


def _as_date(value: object) -> datetime.date | None:
    """A date from a result cell (SQLite may hand back text inside a CASE)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


async def _fact_groups(
    session: AsyncSession, window: Window, by_office: bool
) -> list[tuple[TaxpayerFacts, str | None, int]]:
    """Taxpayers counted by the facts obligations depend on, reduced to what can matter in the window."""
    floor = datetime.date(window.start.year - 1, 1, 1)
    tp = Taxpayer
    closed = and_(tp.status.in_(CEASED), tp.status_effective_on <= window.end)
    suspended = and_(
        tp.status == TaxpayerStatus.SUSPENDED.value,
        tp.suspended_until.is_not(None),
        tp.suspended_until >= floor,
        tp.status_effective_on <= window.end,
    )
    early = tp.registered_on < floor
    columns: list[ColumnElement[Any]] = [
        tp.kind.label("kind"),
        cast(tp.tax_types, Text).label("types"),
        tp.vat_frequency.label("frequency"),
        case((early, floor.year), else_=extract("year", tp.registered_on)).label("reg_y"),
        case((early, 1), else_=extract("month", tp.registered_on)).label("reg_m"),
        case((closed, extract("year", tp.status_effective_on))).label("closed_y"),
        case((closed, extract("month", tp.status_effective_on))).label("closed_m"),
        case((suspended, tp.status_effective_on)).label("suspended_from"),
        case((suspended, tp.suspended_until)).label("suspended_until"),
    ]
    if by_office:
        columns.append(tp.tax_office.label("tax_office"))
    per_taxpayer = select(*columns).where(
        tp.registered_on <= window.end,
        not_(and_(tp.status.in_(CEASED), tp.status_effective_on < floor)),
    )
    if window.tax_office:
        per_taxpayer = per_taxpayer.where(tp.tax_office == window.tax_office)
    # Grouped outside: PostgreSQL cannot tell that the bound values of SELECT and GROUP BY are the same.
    inner = per_taxpayer.subquery("facts")
    keys = list(inner.c)
    rows = (await session.execute(select(*keys, func.count().label("n")).group_by(*keys))).mappings().all()
    groups: list[tuple[TaxpayerFacts, str | None, int]] = []
    for row in rows:
        registered = datetime.date(int(row["reg_y"]), int(row["reg_m"]), 1)
        suspended_from = _as_date(row["suspended_from"])
        if row["closed_y"] is not None:
            status, effective = (
                TaxpayerStatus.CLOSED.value,
                datetime.date(int(row["closed_y"]), int(row["closed_m"]), 1),
            )
        elif suspended_from is not None:
            status, effective = TaxpayerStatus.SUSPENDED.value, suspended_from
        else:
            status, effective = TaxpayerStatus.ACTIVE.value, registered
        types = tuple(str(t) for t in json.loads(row["types"])) if row["types"] else ()
        facts = TaxpayerFacts(
            row["kind"], types, row["frequency"], registered, status, effective, _as_date(row["suspended_until"])
        )
        groups.append((facts, row["tax_office"] if by_office else None, int(row["n"])))
    return groups


async def owed_in(
    session: AsyncSession, window: Window, by_office: bool, is_working_day: Callable[[datetime.date], bool]
) -> Owed:
    """The returns owed with a deadline in the window: ``owed`` once per distinct facts, times the count."""
    counts: Counter[Key] = Counter()
    periods: dict[tuple[str, str], Obligation] = {}
    if window.empty:
        return Owed(counts, periods)
    years = range(max(window.start.year - 1, MIN_YEAR), window.end.year + 1)
    memo: dict[TaxpayerFacts, list[Obligation]] = {}
    for facts, office, count in await _fact_groups(session, window, by_office):
        found = memo.get(facts)
        if found is None:
            found = [o for y in years for o in owed(facts, y, is_working_day) if window.start <= o.due_on <= window.end]
            memo[facts] = found
        for obligation in found:
            periods[obligation.form, obligation.period.label] = obligation
            if not obligation.only_when_withheld:  # expected only from those who withheld: counted when filed
                counts[obligation.form, obligation.period.label, office] += count
    return Owed(counts, periods)


async def filed_in(
    session: AsyncSession, window: Window, owed_: Owed, by_office: bool
) -> dict[Key, tuple[int, int, int]]:
    """Accepted originals of the owed (form, period) pairs: (on time, late, sent by the taxpayer's own login)."""
    if not owed_.periods:
        return {}
    first_end = min(obligation.period.end for obligation in owed_.periods.values())
    since = datetime.datetime.combine(first_end + datetime.timedelta(days=1), datetime.time(), VN_TZ)
    keys: list[InstrumentedAttribute[str]] = [TaxReturn.form_code, TaxReturn.period]
    if by_office:
        keys.append(Taxpayer.tax_office)
    query = (
        select(
            *keys,
            func.sum(case((TaxReturn.days_late == 0, 1), else_=0)),
            func.sum(case((TaxReturn.days_late > 0, 1), else_=0)),
            func.sum(
                case((or_(User.role == Role.TAXPAYER.value, TaxReturn.submitted_by == TaxReturn.tax_code), 1), else_=0)
            ),
        )
        .select_from(TaxReturn)
        .outerjoin(User, User.username == TaxReturn.submitted_by)
        .where(
            TaxReturn.status == ReturnStatus.ACCEPTED,
            TaxReturn.amendment_no == 0,
            TaxReturn.place == "",  # the return owed; a dependent unit's or another place's is an extra
            TaxReturn.form_code.in_(sorted({form for form, _ in owed_.periods})),
            TaxReturn.period.in_(sorted({label for _, label in owed_.periods})),
            TaxReturn.received_at >= since,  # nothing is received before its period ends
            TaxReturn.received_at < window.until,
        )
        .group_by(*keys)
    )
    if by_office or window.tax_office:
        query = query.join(Taxpayer, Taxpayer.id == TaxReturn.taxpayer_id)
    if window.tax_office:
        query = query.where(Taxpayer.tax_office == window.tax_office)
    filed: dict[Key, tuple[int, int, int]] = {}
    for row in await session.execute(query):
        form, label = str(row[0]), str(row[1])
        if (form, label) in owed_.periods:
            office = str(row[2]) if by_office else None
            filed[form, label, office] = (int(row[-3]), int(row[-2]), int(row[-1]))
    return filed


def filing_rows(
    owed_: Owed, filed: dict[Key, tuple[int, int, int]], dims: Iterable[str], grain: Grain, window: Window
) -> list[tuple[object, ...]]:
    """Rows (period of the deadline, dimensions, due, on time, late, not filed, rate, by the taxpayer, share)."""
    names = list(dims)
    sums: dict[tuple[str | None, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for key in set(owed_.counts) | set(filed):
        form, label, office = key
        due_on = owed_.periods[form, label].due_on
        on_time, late, own = filed.get(key, (0, 0, 0))
        due = on_time + late if owed_.periods[form, label].only_when_withheld else owed_.counts[key]
        values = {"form": form, "tax_type": TAX_TYPE_OF_FORM.get(form, ""), "tax_period": label, "tax_office": office}
        row = sums[(period_label(due_on.year, due_on.month, grain), *(values[name] for name in names))]
        for index, value in enumerate((due, on_time, late, max(due - on_time - late, 0), own)):
            row[index] += value
    if not names and not window.empty:
        for label in period_labels(window.start, window.end, grain):
            sums.setdefault((label,), [0, 0, 0, 0, 0])  # nothing due: still a row of zeros
    return [
        (*key, due, on_time, late, missing, rate(on_time, due), own, rate(own, on_time + late))
        for key, (due, on_time, late, missing, own) in sorted(sums.items(), key=lambda item: [str(v) for v in item[0]])
    ]
