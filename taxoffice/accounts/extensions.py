"""Payment extensions (gia hạn nộp thuế) as dated data, and what an extension does to a debt. Pure.

Two sources of extension (docs/accounts.md, "Payment extensions"):

- **the yearly decrees** (``DECREES``): the Government extends the deadline of some taxes of some periods for
  taxpayers of listed sectors and small enterprises who ask for it by a date; each ``DecreeTerm`` says the tax, the
  periods, who (enterprises and organisations, or business households and individuals) and the extended date (or
  the number of months from the deadline, where the decree says so);
- **a decision of the head of the tax office** (Law 38/2019/QH14 Art. 62): force majeure damage (at most 2 years
  from the deadline) or a stop forced by relocation (at most 1 year), for part or all of the tax.

Either way, the debt is not overdue and bears no late-payment interest until the extended date (Art. 62.4; each
decree's article on late-payment interest): interest runs from the day after the extended date, as if it were the
deadline (Art. 59.1.a counts lateness against "thời hạn gia hạn nộp thuế"). ``pause_of`` turns an extension into the
interest pause of ``taxoffice.accounts.interest``.
"""

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum

from taxoffice.accounts.interest import ONE_DAY, Pause
from taxoffice.accounts.ledger import ChargeRow


class Beneficiary(StrEnum):
    """Who a decree's term is for."""

    ENTERPRISE = "enterprise"  # enterprises and organisations (and branches declaring on their own)
    HOUSEHOLD = "household"  # business households and individuals doing business


# Registry kinds (``registry.schemas.TaxpayerKind``) to the decrees' two groups.
BENEFICIARY_OF_KIND = {
    "enterprise": Beneficiary.ENTERPRISE,
    "branch": Beneficiary.ENTERPRISE,
    "household": Beneficiary.HOUSEHOLD,
    "individual": Beneficiary.HOUSEHOLD,
}

LAND_RENT = "LAND"  # tiền thuê đất: not yet charged by this office's ledger, kept so the decrees are whole


@dataclass(frozen=True, slots=True)
class DecreeTerm:
    """One extension of a decree: ``tax_type`` of ``periods`` for ``beneficiary``, to ``until`` or by ``months``."""

    tax_type: str
    periods: tuple[str, ...]
    beneficiary: Beneficiary
    until: datetime.date | None = None
    months: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExtensionDecree:
    """A yearly extension decree.

    Attributes:
        number: e.g. ``12/2023/NĐ-CP``.
        signed_on: the day it was signed (and came into force).
        request_by: the last day to send the request (Văn bản đề nghị gia hạn) when it is not sent with a return;
            None where the decree's date could not be verified.
        terms: what it extends.
        source: where its figures were checked.
    """

    number: str
    signed_on: datetime.date
    request_by: datetime.date | None
    terms: tuple[DecreeTerm, ...]
    source: str


def _months(year: int, *months: int) -> tuple[str, ...]:
    return tuple(f"{year}-{month:02d}" for month in months)


def _every_period(year: int) -> tuple[str, ...]:
    """Every period of a year (months, quarters, the year): the household terms cover all tax "arising in" it."""
    return (*_months(year, *range(1, 13)), *(f"{year}-Q{quarter}" for quarter in range(1, 5)), str(year))


D = datetime.date
E, H = Beneficiary.ENTERPRISE, Beneficiary.HOUSEHOLD


def _vat(until: datetime.date, *periods: str) -> DecreeTerm:
    return DecreeTerm("VAT", periods, E, until=until)


def _households(year: int, until: datetime.date) -> tuple[DecreeTerm, ...]:
    return (
        DecreeTerm("VAT", _every_period(year), H, until=until),
        DecreeTerm("PIT", _every_period(year), H, until=until),
    )


DECREES: tuple[ExtensionDecree, ...] = (
    ExtensionDecree(
        "52/2021/NĐ-CP",
        D(2021, 4, 19),
        D(2021, 7, 30),
        (
            _vat(D(2021, 9, 20), "2021-03"),
            _vat(D(2021, 10, 20), "2021-04"),
            _vat(D(2021, 11, 20), "2021-05"),
            _vat(D(2021, 12, 20), *_months(2021, 6, 7, 8)),
            _vat(D(2021, 9, 30), "2021-Q1"),
            _vat(D(2021, 12, 31), "2021-Q2"),
            DecreeTerm("CIT", ("2021-Q1", "2021-Q2"), E, months=3),
            *_households(2021, D(2021, 12, 31)),
            DecreeTerm(LAND_RENT, ("2021",), E, until=D(2021, 11, 30), note="first instalment of 2021"),
        ),
        "news.gov.vn (VGP) 22 Jun 2021; RSM Vietnam's comparison of Decrees 52/2021 and 34/2022",
    ),
    ExtensionDecree(
        "34/2022/NĐ-CP",
        D(2022, 5, 28),
        D(2022, 9, 30),
        (
            _vat(D(2022, 10, 20), "2022-03"),
            _vat(D(2022, 11, 20), "2022-04"),
            _vat(D(2022, 12, 20), *_months(2022, 5, 6, 7, 8)),
            _vat(D(2022, 10, 30), "2022-Q1"),
            _vat(D(2022, 12, 31), "2022-Q2"),
            DecreeTerm("CIT", ("2022-Q1", "2022-Q2"), E, months=3),
            *_households(2022, D(2022, 12, 30)),
            DecreeTerm(LAND_RENT, ("2022",), E, until=D(2022, 11, 30), note="50 % of the 2022 land rent"),
        ),
        "luatvietnam.vn and baochinhphu.vn, 28-30 May 2022; RSM Vietnam's comparison table",
    ),
    ExtensionDecree(
        "12/2023/NĐ-CP",
        D(2023, 4, 14),
        D(2023, 9, 30),
        (
            _vat(D(2023, 10, 20), "2023-03"),
            _vat(D(2023, 11, 20), "2023-04"),
            _vat(D(2023, 12, 20), *_months(2023, 5, 6, 7, 8)),
            _vat(D(2023, 10, 31), "2023-Q1"),
            _vat(D(2023, 12, 31), "2023-Q2"),
            DecreeTerm("CIT", ("2023-Q1", "2023-Q2"), E, months=3),
            *_households(2023, D(2023, 12, 30)),
            DecreeTerm(LAND_RENT, ("2023",), E, until=D(2023, 11, 30), note="50 % of the 2023 land rent"),
        ),
        "the decree's text (Art. 3-4), luatvietnam.vn 14 Apr 2023, Crowe Vietnam",
    ),
    ExtensionDecree(
        "64/2024/NĐ-CP",
        D(2024, 6, 17),
        None,
        (
            _vat(D(2024, 11, 20), "2024-05"),
            _vat(D(2024, 12, 20), *_months(2024, 6, 7, 8, 9)),
            _vat(D(2024, 12, 31), "2024-Q2", "2024-Q3"),
            DecreeTerm("CIT", ("2024-Q2",), E, months=3),
            *_households(2024, D(2024, 12, 30)),
            DecreeTerm(LAND_RENT, ("2024",), E, until=D(2024, 12, 31), note="50 % of 2024, the second instalment"),
        ),
        "vbp.vn, Crowe Vietnam, data-entry-vietnam.com (17 Jun 2024)",
    ),
    ExtensionDecree(
        "82/2025/NĐ-CP",
        D(2025, 4, 2),
        D(2025, 5, 30),
        (
            DecreeTerm("VAT", ("2025-02", "2025-03", "2025-Q1"), E, months=6),
            DecreeTerm("VAT", ("2025-04", "2025-05", "2025-06", "2025-Q2"), E, months=5),
            DecreeTerm(
                "CIT",
                ("2025-Q1", "2025-Q2"),
                E,
                months=5,
                note="Art. 4(2)(a): 05 months from the deadline (quoted by Lao Động's legal office; one summary "
                "that says 3 is wrong)",
            ),
            *_households(2025, D(2025, 12, 31)),
            DecreeTerm(LAND_RENT, ("2025",), E, until=D(2025, 11, 30), note="50 % of the 2025 land rent"),
        ),
        "ecovis.com.vn, vinabookkeeping.com, vbp.vn (2 Apr 2025)",
    ),
)


def decree(number: str) -> ExtensionDecree:
    """The decree numbered ``number`` (``12/2023/NĐ-CP``; ``12/2023`` is enough).

    Raises:
        KeyError: no such decree is known.
    """
    for candidate in DECREES:
        if candidate.number == number or candidate.number.startswith(f"{number}/"):
            return candidate
    raise KeyError(number)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months, on the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def extended_due(
    of: ExtensionDecree, tax_type: str, period: str, beneficiary: Beneficiary, due_on: datetime.date
) -> datetime.date | None:
    """The deadline ``of`` gives a debt of ``tax_type`` for ``period`` due ``due_on``; None when it does not apply.

    A term in months counts them from the deadline (31 Jul + 3 months = 31 Oct; 31 May + 3 months = 31 Aug). An
    extended date that is not later than the deadline extends nothing.
    """
    for term in of.terms:
        if term.tax_type != tax_type or term.beneficiary is not beneficiary or period not in term.periods:
            continue
        extended = term.until if term.until is not None else _add_months(due_on, term.months or 0)
        return extended if extended > due_on else None
    return None


def request_is_late(of: ExtensionDecree, requested_on: datetime.date) -> bool:
    """Whether a request sent on ``requested_on`` comes after the decree's last day (then nothing is extended)."""
    return of.request_by is not None and requested_on > of.request_by


# Art. 62.3: the longest extension a decision may give, by ground, in months from the deadline.
CASE_GROUNDS: dict[str, int] = {"force_majeure": 24, "relocation": 12}


def latest_case_extension(ground: str, due_on: datetime.date) -> datetime.date:
    """The latest date an Art. 62 decision may extend a debt due ``due_on`` to, on ``ground``.

    Raises:
        KeyError: ``ground`` is not one of ``CASE_GROUNDS``.
    """
    return _add_months(due_on, CASE_GROUNDS[ground])


def pause_of(due_on: datetime.date, extended_to: datetime.date) -> Pause:
    """The days an extension from ``due_on`` to ``extended_to`` takes out of interest.

    The day after the deadline to the extended date, both included.
    """
    return Pause(due_on + ONE_DAY, extended_to + ONE_DAY)


def extended_row(row: ChargeRow, extended_to: datetime.date | None) -> ChargeRow:
    """``row`` as the ledger must read it under a standing extension to ``extended_to`` (None: no extension).

    The deadline becomes the extended date and interest runs from the day after it (``interest_from`` moves there
    unless it is already later); an extended date not after the deadline changes nothing.
    """
    if extended_to is None or extended_to <= row.due_on:
        return row
    return row._replace(due_on=extended_to, interest_from=max(row.interest_from, extended_to), extended=True)
