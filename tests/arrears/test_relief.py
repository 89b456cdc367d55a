"""Frozen debts and write-offs (Law 38/2019 Arts. 83-87): grounds, the path to write-off, who decides."""

import datetime

import pytest

from taxoffice.arrears.relief import (
    BILLION,
    FREEZES,
    GENERAL_DEPARTMENT,
    WRITE_OFF_PATH,
    Authority,
    FreezeGround,
    WriteOffFacts,
    WriteOffGround,
    decider_name,
    write_off_authority,
    write_off_problems,
)

D = datetime.date


def test_five_freeze_grounds_each_with_its_clause_and_every_one_leads_to_a_write_off_ground() -> None:
    assert [rule.clause for rule in FREEZES.values()] == [f"Art. 83.{n}" for n in range(1, 6)]
    assert set(WRITE_OFF_PATH) == set(FreezeGround)
    assert WRITE_OFF_PATH[FreezeGround.DEATH] is WriteOffGround.DECEASED
    assert WRITE_OFF_PATH[FreezeGround.BANKRUPTCY] is WriteOffGround.BANKRUPT
    assert WRITE_OFF_PATH[FreezeGround.LICENCE_REVOKED] is WriteOffGround.UNCOLLECTIBLE


def test_ten_years_and_the_revoked_registration() -> None:
    # VAT due 20 Jan 2015, registration revoked (125.1.g): writable off from 21 Jan 2025 (Art. 85.3).
    facts = WriteOffFacts(WriteOffGround.UNCOLLECTIBLE, D(2015, 1, 20), registration_revoked=True)
    assert write_off_problems(facts, D(2025, 1, 20)) == [
        "Art. 85.3: more than 10 years past the deadline, i.e. after 2025-01-20."
    ]
    assert write_off_problems(facts, D(2025, 1, 21)) == []
    unrevoked = WriteOffFacts(WriteOffGround.UNCOLLECTIBLE, D(2015, 1, 20))
    assert len(write_off_problems(unrevoked, D(2026, 1, 1))) == 1


def test_bankruptcy_and_death_need_nothing_left() -> None:
    assert write_off_problems(WriteOffFacts(WriteOffGround.BANKRUPT, D(2024, 1, 20)), D(2026, 1, 1))
    assert not write_off_problems(WriteOffFacts(WriteOffGround.DECEASED, D(2024, 1, 20), no_assets=True), D(2026, 1, 1))
    assert write_off_problems(WriteOffFacts(WriteOffGround.DISASTER, D(2024, 1, 20)), D(2026, 1, 1))


@pytest.mark.parametrize(
    ("ground", "enterprise", "amount", "authority"),
    [
        (WriteOffGround.BANKRUPT, True, 20 * BILLION, Authority.PROVINCE),  # 87.1.a whatever the amount
        (WriteOffGround.UNCOLLECTIBLE, False, 20 * BILLION, Authority.PROVINCE),  # 87.1.b households
        (WriteOffGround.UNCOLLECTIBLE, True, 5 * BILLION - 1, Authority.PROVINCE),  # 87.1.c under 5 billion
        (WriteOffGround.UNCOLLECTIBLE, True, 5 * BILLION, Authority.TAX_DEPARTMENT),  # 87.2
        (WriteOffGround.UNCOLLECTIBLE, True, 10 * BILLION, Authority.MINISTER),  # 87.3
        (WriteOffGround.UNCOLLECTIBLE, True, 15 * BILLION - 1, Authority.MINISTER),
        (WriteOffGround.UNCOLLECTIBLE, True, 15 * BILLION, Authority.PRIME_MINISTER),  # 87.4
    ],
)
def test_who_decides(ground: WriteOffGround, enterprise: bool, amount: int, authority: Authority) -> None:
    assert write_off_authority(ground, enterprise=enterprise, amount=amount) is authority


def test_the_tax_department_decider_is_named_as_on_the_day() -> None:
    # Art. 87.2's body: the General Department of Taxation until 28 Feb 2025, the Tax Department from 1 Mar 2025.
    assert decider_name(Authority.TAX_DEPARTMENT, D(2025, 2, 28)) == GENERAL_DEPARTMENT
    assert decider_name(Authority.TAX_DEPARTMENT, D(2025, 3, 1)) == Authority.TAX_DEPARTMENT.value
    assert "Cục Thuế" in Authority.TAX_DEPARTMENT.value
    assert decider_name(Authority.PROVINCE, D(2024, 1, 1)) == Authority.PROVINCE.value
