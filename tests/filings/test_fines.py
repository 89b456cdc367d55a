"""Late-filing fines (Decree 125/2020 Art. 13, DOMAIN.md §6): every band boundary, circumstances, the cap and floor
over 90 days, organisations and individuals."""

import dataclasses
import datetime

import pytest

from filings.fines import DECREE_125_2020, DECREE_310_2025, FINE_TABLES, FineBand, fine_table, late_filing_fine, propose

M = 1_000_000
ON = datetime.date(2026, 3, 10)


def org(days: int, tax: int = 20 * M, aggravating: int = 0, mitigating: int = 0) -> int:
    return late_filing_fine(
        days, is_organisation=True, tax_payable=tax, on=ON, aggravating=aggravating, mitigating=mitigating
    )


def person(days: int, tax: int = 20 * M, aggravating: int = 0, mitigating: int = 0) -> int:
    return late_filing_fine(
        days, is_organisation=False, tax_payable=tax, on=ON, aggravating=aggravating, mitigating=mitigating
    )


def test_domain_example() -> None:
    # An organisation 10 days late, no circumstances: the midpoint of 2-5 million.
    assert org(10) == 3_500_000


@pytest.mark.parametrize(
    ("days", "organisation", "individual"),
    [
        (0, 0, 0),
        (1, 3_500_000, 1_750_000),
        (5, 3_500_000, 1_750_000),
        (30, 3_500_000, 1_750_000),
        (31, 6_500_000, 3_250_000),
        (60, 6_500_000, 3_250_000),
        (61, 11_500_000, 5_750_000),
        (90, 11_500_000, 5_750_000),
        # Over 90 days with 20 million of tax payable: the 15-25 million band's midpoint (under the cap).
        (91, 20_000_000, 10_000_000),
        (400, 20_000_000, 10_000_000),
    ],
)
def test_band_boundaries(days: int, organisation: int, individual: int) -> None:
    assert org(days) == organisation
    assert person(days) == individual


@pytest.mark.parametrize(("days", "fine"), [(61, 11_500_000), (90, 11_500_000), (91, 11_500_000), (1_000, 11_500_000)])
def test_no_tax_payable(days: int, fine: int) -> None:
    # 61-90 days, or over 90 with nothing payable: 8-15 million.
    assert org(days, tax=0) == fine
    assert org(days, tax=-5) == fine
    assert person(days, tax=0) == fine // 2


@pytest.mark.parametrize(
    ("tax", "fine"),
    [
        (30 * M, 20 * M),  # the cap does not bite
        (20 * M, 20 * M),  # equal to the tax payable
        (12_345_679, 12_345_679),  # capped at the tax payable
        (11_500_000, 11_500_000),  # capped exactly at the floor
        (11_499_999, 11_500_000),  # but never below the 8-15 band's midpoint
        (1, 11_500_000),
    ],
)
def test_cap_and_floor_over_90_days(tax: int, fine: int) -> None:
    assert org(91, tax=tax) == fine


def test_cap_for_individuals_is_halved_and_rounded_half_up() -> None:
    # 12 345 679 / 2 = 6 172 839.5 → 6 172 840.
    assert person(91, tax=12_345_679) == 6_172_840
    assert person(91, tax=1) == 5_750_000


@pytest.mark.parametrize(
    ("days", "aggravating", "mitigating", "fine"),
    [
        # Each net circumstance moves the fine 10 % of the midpoint (350 000 in the 2-5 million band).
        (10, 1, 0, 3_850_000),
        (10, 0, 1, 3_150_000),
        (10, 2, 2, 3_500_000),
        (10, 3, 1, 4_200_000),
        # ... never outside the band: +5 steps would be 5 250 000, -5 would be 1 750 000.
        (10, 5, 0, 5_000_000),
        (10, 0, 5, 2_000_000),
        (10, 0, 4, 2_100_000),
        # 31-60: midpoint 6 500 000, step 650 000.
        (45, 1, 0, 7_150_000),
        (45, 0, 3, 5_000_000),
        # Over 90 with 30 M payable (the cap does not bite): 20 M ± 2 M per step, within 15-25 M.
        (120, 2, 0, 24_000_000),
        (120, 0, 4, 15_000_000),
    ],
)
def test_circumstances(days: int, aggravating: int, mitigating: int, fine: int) -> None:
    assert org(days, tax=30 * M, aggravating=aggravating, mitigating=mitigating) == fine


def test_cap_applies_after_circumstances() -> None:
    # 20 M + 2 steps = 24 M, capped at the 18 M payable.
    assert org(120, tax=18 * M, aggravating=2) == 18 * M
    # 20 M - 4 steps = 15 M: below the 18 M cap, kept.
    assert org(120, tax=18 * M, mitigating=4) == 15 * M


@pytest.mark.parametrize(("days", "fine"), [(1, 0), (5, 0), (6, 3_150_000), (30, 3_150_000)])
def test_warning_for_up_to_5_days_with_a_mitigating_circumstance(days: int, fine: int) -> None:
    assert org(days, mitigating=1) == fine
    assert person(days, mitigating=1) == fine // 2


def test_a_warning_needs_a_mitigating_circumstance_as_art_13_1_says() -> None:
    # Art. 13(1): 1-5 days late "with a mitigating circumstance" is a warning, whatever else is found.
    assert org(3) == 3_500_000
    assert org(3, aggravating=1, mitigating=1) == 0
    assert org(5, mitigating=1) == 0
    # Day 6: the band's midpoint less 10 % of it for the circumstance, 3,150,000.
    assert org(6, mitigating=1) == 3_150_000


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        org(-1)
    with pytest.raises(ValueError, match="cannot be negative"):
        org(3, mitigating=-1)
    with pytest.raises(LookupError, match="no late-filing fine table is in force on 2020-12-04"):
        late_filing_fine(10, is_organisation=True, tax_payable=0, on=datetime.date(2020, 12, 4))


def test_tables_are_dated_data() -> None:
    assert fine_table(datetime.date(2020, 12, 5)) is DECREE_125_2020
    assert fine_table(datetime.date(2026, 1, 15)) is DECREE_125_2020
    # Decree 310/2025/NĐ-CP amends Decree 125 from 16 January 2026.
    assert fine_table(datetime.date(2026, 1, 16)) is DECREE_310_2025
    assert fine_table(datetime.date(2030, 1, 1)) is DECREE_310_2025
    assert FINE_TABLES == (DECREE_125_2020, DECREE_310_2025)
    # A later table takes over from its first day.
    old = dataclasses.replace(DECREE_310_2025, valid_to=datetime.date(2027, 12, 31))
    doubled = dataclasses.replace(
        DECREE_310_2025,
        valid_from=datetime.date(2028, 1, 1),
        bands=tuple(
            dataclasses.replace(b, min_amount=2 * b.min_amount, max_amount=2 * b.max_amount)
            for b in DECREE_125_2020.bands
        ),
    )
    tables = (old, doubled)
    fine = late_filing_fine
    assert fine(10, is_organisation=True, tax_payable=0, on=datetime.date(2027, 12, 31), tables=tables) == 3_500_000
    assert fine(10, is_organisation=True, tax_payable=0, on=datetime.date(2028, 1, 1), tables=tables) == 7_000_000


def test_bands() -> None:
    band = FineBand(1, 30, 2 * M, 5 * M, None)
    assert band.covers(1, has_tax_payable=False)
    assert band.covers(30, has_tax_payable=True)
    assert not band.covers(31, has_tax_payable=True)
    assert not band.covers(0, has_tax_payable=True)
    assert DECREE_125_2020.band(91, has_tax_payable=True).min_amount == 15 * M
    assert DECREE_125_2020.band(91, has_tax_payable=False).min_amount == 8 * M
    gap = dataclasses.replace(DECREE_125_2020, bands=DECREE_125_2020.bands[:1])
    with pytest.raises(LookupError, match="no band for 31 days late"):
        gap.band(31, has_tax_payable=True)


def test_proposals_name_their_clause_and_basis() -> None:
    def clause(days: int, tax: int = 20 * M, **kw: int | bool) -> tuple[int, str]:
        proposal = propose(days, is_organisation=True, tax_payable=tax, on=ON, **kw)  # type: ignore[arg-type]
        return proposal.amount, proposal.clause

    assert clause(3, mitigating=1) == (0, "13.1")
    assert clause(10) == (3_500_000, "13.2")
    assert clause(45) == (6_500_000, "13.3")
    assert clause(75) == (11_500_000, "13.4")
    assert clause(120, tax=0) == (11_500_000, "13.4")
    assert clause(120) == (20_000_000, "13.5")
    assert propose(10, is_organisation=True, tax_payable=0, on=ON).legal_basis.endswith("Nghị định 310/2025/NĐ-CP")
    before = propose(10, is_organisation=True, tax_payable=0, on=datetime.date(2025, 6, 1))
    assert before.legal_basis == "Nghị định 125/2020/NĐ-CP, Điều 13"


@pytest.mark.parametrize(
    ("aggravating", "mitigating", "fine"),
    [(0, 1, 40 * M), (0, 0, 60 * M), (1, 0, 80 * M), (2, 0, 100 * M), (3, 0, 120 * M), (4, 1, 120 * M)],
)
def test_over_90_days_with_tax_unpaid_is_art_17(aggravating: int, mitigating: int, fine: int) -> None:
    # 120 days late, 40 million of tax payable not paid before the office's record: Art. 13(5) does not apply; the act
    # is tax evasion (Art. 17(1)(a)), fined 1, 1.5, 2, 2.5 or 3 times the tax by the circumstances.
    for organisation in (True, False):
        proposal = propose(
            120,
            is_organisation=organisation,
            tax_payable=40 * M,
            on=ON,
            aggravating=aggravating,
            mitigating=mitigating,
            paid_before_record=False,
        )
        assert (proposal.amount, proposal.clause) == (fine, "17.1a")
        assert "Điều 17" in proposal.legal_basis
