"""Fines for filing a return late, Decree 125/2020 Art. 13 as amended (DOMAIN.md §6). Pure.

The bands are data, in tables dated by ``valid_from``/``valid_to``; the table in force on the day of the violation
(the day the late return was filed, Decree 125/2020 Art. 8(2)(a)) applies. The amounts are an organisation's;
individuals and households pay half (Art. 5(5), Art. 7(4)(a)). Over 90 days late with tax payable, Art. 13(5) applies
only when the tax and its interest were paid before the office's record; otherwise the act is tax evasion, fined a
multiple of the tax (Art. 17(1)(a)): ``propose`` says which, with its clause.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from fractions import Fraction

from filings.expressions import round_half_up


@dataclass(frozen=True)
class FineBand:
    """Fines for ``min_days``-``max_days`` days late (``max_days`` None: no upper limit).

    ``needs_tax_payable``: True when the band applies only to returns with tax payable, False only to returns
    without, None to both.
    """

    min_days: int
    max_days: int | None
    min_amount: int
    max_amount: int
    needs_tax_payable: bool | None

    @property
    def midpoint(self) -> Fraction:
        """The middle of the band, where a fine without circumstances lands."""
        return Fraction(self.min_amount + self.max_amount, 2)

    def covers(self, days_late: int, *, has_tax_payable: bool) -> bool:
        """Whether the band applies to a return ``days_late`` days late, with or without tax payable."""
        if days_late < self.min_days or (self.max_days is not None and days_late > self.max_days):
            return False
        return self.needs_tax_payable is None or self.needs_tax_payable == has_tax_payable


@dataclass(frozen=True)
class FineTable:
    """The late-filing fines in force from ``valid_from`` to ``valid_to`` (inclusive; None: open-ended).

    Attributes:
        warning_max_days: up to this many days late, a net mitigating circumstance turns the fine into a warning.
        step: how far each net aggravating (or mitigating) circumstance moves the fine, as a share of the midpoint.
        individual_share: the share of an organisation's fine an individual or household pays.
    """

    valid_from: datetime.date
    valid_to: datetime.date | None
    legal_basis: str
    bands: tuple[FineBand, ...]
    warning_max_days: int
    step: Fraction
    individual_share: Fraction

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the table applies on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def band(self, days_late: int, *, has_tax_payable: bool) -> FineBand:
        """The band for a return ``days_late`` (≥ 1) days late.

        Raises:
            LookupError: no band covers it (a gap in the table).
        """
        for band in self.bands:
            if band.covers(days_late, has_tax_payable=has_tax_payable):
                return band
        raise LookupError(f"{self.legal_basis} has no band for {days_late} days late")


M = 1_000_000
# Working days a taxpayer has to pay a late-filing fine after the decision [open: configuration].
FINE_PAYMENT_WORKING_DAYS = 10

_BANDS_125 = (
    FineBand(1, 30, 2 * M, 5 * M, None),
    FineBand(31, 60, 5 * M, 8 * M, None),
    FineBand(61, 90, 8 * M, 15 * M, None),
    FineBand(91, None, 8 * M, 15 * M, needs_tax_payable=False),
    FineBand(91, None, 15 * M, 25 * M, needs_tax_payable=True),
)
# Decree 125/2020 in force from 5 December 2020; Decree 310/2025/NĐ-CP (2 December 2025) amends it from 16 January
# 2026. One summary of Decree 310 (Vinabookkeeping) lists the late submission of tax returns among what it revises, so
# Art. 13's bands may have changed; the amended article could not be read, and the second table still repeats Decree
# 125's bands under Decree 310's legal basis [open: replace them with Art. 13 as amended, docs/filings.md].
DECREE_125_2020 = FineTable(
    valid_from=datetime.date(2020, 12, 5),
    valid_to=datetime.date(2026, 1, 15),
    legal_basis="Nghị định 125/2020/NĐ-CP, Điều 13",
    bands=_BANDS_125,
    warning_max_days=5,
    step=Fraction(1, 10),
    individual_share=Fraction(1, 2),
)
DECREE_310_2025 = dataclasses.replace(
    DECREE_125_2020,
    valid_from=datetime.date(2026, 1, 16),
    valid_to=None,
    legal_basis="Nghị định 125/2020/NĐ-CP, Điều 13, sửa đổi bởi Nghị định 310/2025/NĐ-CP",
)

FINE_TABLES: tuple[FineTable, ...] = (DECREE_125_2020, DECREE_310_2025)
# Decree 125/2020 Art. 17(1)-(5): tax evasion is fined 1 x the tax evaded with at least one mitigating circumstance,
# 1.5 x with none, 2 x, 2.5 x and 3 x with one, two, three or more aggravating ones.
EVASION_MULTIPLES = (Fraction(1), Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3))


def fine_table(on: datetime.date, tables: tuple[FineTable, ...] = FINE_TABLES) -> FineTable:
    """The table in force on ``on``.

    Raises:
        LookupError: no table covers that day.
    """
    for table in tables:
        if table.in_force_on(on):
            return table
    raise LookupError(f"no late-filing fine table is in force on {on.isoformat()}")


def _organisation_fine(table: FineTable, days_late: int, tax_payable: int, net_aggravating: int) -> Fraction:
    has_tax_payable = tax_payable > 0
    band = table.band(days_late, has_tax_payable=has_tax_payable)
    midpoint = band.midpoint
    amount = midpoint + midpoint * table.step * net_aggravating
    amount = min(max(amount, Fraction(band.min_amount)), Fraction(band.max_amount))
    if band.needs_tax_payable:
        # Capped at the tax payable on the return, but never below the midpoint of the band that would apply
        # without tax payable (Art. 13.5: the 8-15 million band of Art. 13.4).
        floor = table.band(days_late, has_tax_payable=False).midpoint
        amount = max(min(amount, Fraction(tax_payable)), floor)
    return amount


def late_filing_fine(
    days_late: int,
    *,
    is_organisation: bool,
    tax_payable: int,
    on: datetime.date,
    aggravating: int = 0,
    mitigating: int = 0,
    tables: tuple[FineTable, ...] = FINE_TABLES,
) -> int:
    """The fine, in đồng, for filing ``days_late`` days after the effective deadline.

    Args:
        days_late: calendar days after the effective deadline (0: on time).
        is_organisation: False for individuals and households, who pay half.
        tax_payable: the tax payable on the late return (đồng); decides the band over 90 days and caps it.
        on: the day the fine is decided; picks the table in force.
        aggravating: the number of aggravating circumstances.
        mitigating: the number of mitigating circumstances; one or more makes a return at most
            ``warning_max_days`` late a warning (fine 0), as Art. 13(1) says.
        tables: the dated fine tables.

    Returns:
        0 when on time or a warning; else the band's midpoint moved one step per net circumstance, kept inside
        the band, capped (over 90 days with tax payable) and halved for individuals, rounded half up to đồng.

    Raises:
        ValueError: negative days or circumstances.
        LookupError: no table is in force on ``on``.
    """
    if days_late < 0 or aggravating < 0 or mitigating < 0:
        raise ValueError("days late and the numbers of circumstances cannot be negative")
    if days_late == 0:
        return 0
    table = fine_table(on, tables)
    net_aggravating = aggravating - mitigating
    # Art. 13(1): a warning for 1-5 days late with a mitigating circumstance.
    if days_late <= table.warning_max_days and mitigating > 0:
        return 0
    amount = _organisation_fine(table, days_late, max(tax_payable, 0), net_aggravating)
    if not is_organisation:
        amount *= table.individual_share
    return round_half_up(amount)


@dataclass(frozen=True)
class FineProposal:
    """The fine the text sets for a late return, and why.

    ``clause``: ``13.1`` (a warning, amount 0), ``13.2``-``13.5`` (the band of Art. 13), ``17.1a`` (over 90 days with
    tax payable not paid before the office's record: tax evasion, a multiple of the tax).
    """

    amount: int
    clause: str
    legal_basis: str
    warning: bool


def _evasion_multiple(aggravating: int, mitigating: int) -> Fraction:
    if aggravating == 0:
        return EVASION_MULTIPLES[0] if mitigating > 0 else EVASION_MULTIPLES[1]
    return EVASION_MULTIPLES[min(aggravating, 3) + 1]


def propose(
    days_late: int,
    *,
    is_organisation: bool,
    tax_payable: int,
    on: datetime.date,
    aggravating: int = 0,
    mitigating: int = 0,
    paid_before_record: bool = True,
    tables: tuple[FineTable, ...] = FINE_TABLES,
) -> FineProposal:
    """The fine for a return ``days_late`` (≥ 1) days late, with its clause and legal basis.

    ``paid_before_record``: over 90 days late with tax payable, whether the tax and its interest were paid before the
    office's record or inspection decision (Art. 13(5)); when not, Art. 17(1)(a) applies, a multiple of the tax
    payable (the same for organisations and individuals).

    Raises:
        ValueError: ``days_late`` below 1, or negative circumstances.
        LookupError: no table is in force on ``on``.
    """
    if days_late < 1:
        raise ValueError("only a late return is fined")
    table = fine_table(on, tables)
    has_tax = tax_payable > 0
    if days_late > _LAST_BAND_DAYS and has_tax and not paid_before_record:
        amount = round_half_up(Fraction(tax_payable) * _evasion_multiple(aggravating, mitigating))
        basis = table.legal_basis.replace("Điều 13", "Điều 17 khoản 1 điểm a")
        return FineProposal(amount, "17.1a", basis, warning=False)
    amount = late_filing_fine(
        days_late,
        is_organisation=is_organisation,
        tax_payable=tax_payable,
        on=on,
        aggravating=aggravating,
        mitigating=mitigating,
        tables=tables,
    )
    if amount == 0:
        return FineProposal(0, "13.1", table.legal_basis, warning=True)
    band = table.band(days_late, has_tax_payable=has_tax)
    clause = "13." + str(2 + table.bands.index(band) if band.max_days is not None else (5 if has_tax else 4))
    return FineProposal(amount, clause, table.legal_basis, warning=False)


# Art. 13(2)-(4a) cover up to 90 days; beyond, the clause depends on the tax payable.
_LAST_BAND_DAYS = 90
