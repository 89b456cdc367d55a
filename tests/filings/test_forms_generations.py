"""The earlier generations of 03/TNDN (Circular 80's form, tax years 2021-2024) and 05/KK-TNCN (Circular 92/2015's,
periods up to 12/2021): every formula with hand-computed figures, every rule passing and failing, and a file on the
wrong generation received and rejected with FORM-VERSION naming the version to use."""

import datetime
from collections.abc import Mapping

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from filings.forms import CIT_03_TNDN, CIT_03_TNDN_TT80, PIT_05_KK_TNCN_TT92, Assessment, Severity, assess
from filings.htkk import render_htkk
from filings.parameters import return_parameters
from filings.periods import Period, PeriodKind, parse_period
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.registry.helpers import register_enterprise
from tests.support.clock import Clock
from tests.support.users import Login

M = 1_000_000

# 03/TNDN for 2023 on Circular 80's form. By hand (million đồng):
#   [B1] = 30 + 70 = 100, [B8] = 20 + 30 = 50, [B13] = 2,000 + 100 - 50 = 2,050 = [B14] 1,850 + [B15] 200
#   [C1] = [B14] = 1,850, [C3] = 100 + 0, [C4] = 1,850 - 50 - 100 = 1,700, [C6] = 1,700 - 100 = 1,600
#   [C9] = 1,500 x 20 % + 100 x 32 % = 300 + 32 = 332, [C10] = 12 + 0 + 20 = 32, [C17] = 332 - 32 - 10 = 290
#   [D1] = [B15] = 200, [D3] = 200 - 20 = 180 = [D5], [D8] = 36 - 0 = 36
#   [E2] = 36 + 0, [E] = 290 + 36 + 0 = 326; [G] = 5 + 250 + 0 + 30 + 0 = 285
#   [H1] = 290 + 0 - 250 = 40, [H2] = 36 - 30 = 6, [H3] = 0; [I] = 326 - 285 = 41, [I1] = 290 - 5 - 250 = 35,
#   [I2] = 36 - 0 - 30 - 0 = 6
CIT_2023 = {
    "ctA1": 2_000 * M, "ctB2": 30 * M, "ctB4": 70 * M, "ctB9": 20 * M, "ctB12": 30 * M, "ctB14": 1_850 * M,
    "ctB15": 200 * M, "ctC2": 50 * M, "ctC3a": 100 * M, "ctC5": 100 * M, "ctC7": 1_500 * M, "ctC8": 100 * M,
    "ctC8a": 32, "ctC11": 12 * M, "ctC13": 20 * M, "ctC16": 10 * M, "ctD2": 20 * M, "ctD6": 36 * M,
    "ctE1": 290 * M, "ctE3": 36 * M, "ctG1": 5 * M, "ctG2": 250 * M, "ctG4": 30 * M,
}  # fmt: skip
CIT_2023_COMPUTED = {
    "ctB1": 100 * M, "ctB8": 50 * M, "ctB13": 2_050 * M, "ctC1": 1_850 * M, "ctC3": 100 * M, "ctC4": 1_700 * M,
    "ctC6": 1_600 * M, "ctC9": 332 * M, "ctC10": 32 * M, "ctC17": 290 * M, "ctD1": 200 * M, "ctD3": 180 * M,
    "ctD5": 180 * M, "ctD8": 36 * M, "ctE": 326 * M, "ctE2": 36 * M, "ctG": 285 * M, "ctH1": 40 * M, "ctH2": 6 * M,
    "ctH3": 0, "ctI": 41 * M, "ctI1": 35 * M, "ctI2": 6 * M,
}  # fmt: skip
YEAR_2023 = return_parameters(CIT_03_TNDN_TT80, Period(2023, PeriodKind.YEAR, 1), ())

# 05/KK-TNCN for November 2021 on Circular 92's form. By hand: [23] = 8 + 1 = 9 people, [26] = 150 + 20 = 170 M
# paid, [29] = 120 + 20 = 140 M subject to withholding, [32] = 6 + 4 = 10 M withheld (the non-resident's 4 M is
# 20 % of [31] 20 M); [35] 5 M of the income and [36] 0.5 M of the tax on insurance bought abroad.
WAGES_2021 = {
    "ct21": 12, "ct22": 10, "ct24": 8, "ct25": 1, "ct27": 150 * M, "ct28": 20 * M, "ct30": 120 * M,
    "ct31": 20 * M, "ct33": 6 * M, "ct34": 4 * M, "ct35": 5 * M, "ct36": 500_000,
}  # fmt: skip
WAGES_2021_COMPUTED = {"ct23": 9, "ct26": 170 * M, "ct29": 140 * M, "ct32": 10 * M}


def rules(result: Assessment) -> list[str]:
    return [f.rule for f in result.findings]


def test_cit_tt80_consistent_return() -> None:
    assert YEAR_2023["cit_rate"] == 20
    result = assess(CIT_03_TNDN_TT80, CIT_2023 | CIT_2023_COMPUTED, parameters=YEAR_2023)
    assert result.findings == []
    assert result.computed == CIT_2023_COMPUTED
    assert result.tax_payable == 41 * M
    # [I] = [I1] + [I2]: what is still due splits into the two activities.
    assert result.computed["ctI"] == result.computed["ctI1"] + result.computed["ctI2"]


@pytest.mark.parametrize("code", sorted(CIT_2023_COMPUTED))
def test_cit_tt80_each_formula_is_checked(code: str) -> None:
    broken = CIT_2023 | CIT_2023_COMPUTED | {code: CIT_2023_COMPUTED[code] + 1}
    result = assess(CIT_03_TNDN_TT80, broken, parameters=YEAR_2023)
    assert rules(result) == [f"TNDN-{code}"]
    assert result.findings[0].severity is Severity.REJECT
    assert result.computed[code] == CIT_2023_COMPUTED[code]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"ctB15": 250 * M}, "TNDN-B13"),  # [B14] + [B15] = 2,100 M, not [B13] 2,050 M
        # [C7] + [C8] = 1,540 M, not [C6] 1,600 M (the tax is the same: 268 + 64 = 332 M)
        ({"ctC7": 1_340 * M, "ctC8": 200 * M}, "TNDN-C6"),
        ({"ctE1": 280 * M}, "TNDN-E1"),  # [E1] is not the tax of [C17]
        ({"ctE3": 40 * M}, "TNDN-E1"),  # real-estate tax above [D8]
    ],
)
def test_cit_tt80_rules(changes: Mapping[str, int], rule: str) -> None:
    result = assess(CIT_03_TNDN_TT80, CIT_2023 | dict(changes), parameters=YEAR_2023)
    assert [(f.rule, f.severity) for f in result.findings] == [(rule, Severity.WARNING)]


def test_cit_tt80_rounding_and_the_rate_of_the_year() -> None:
    # 1,234,567,891 x 20 % = 246,913,578.2 -> 246,913,578; plus 3 x 32 % = 0.96: the sum is rounded once.
    odd = CIT_2023 | {"ctC7": 1_234_567_891, "ctC8": 3}
    assert assess(CIT_03_TNDN_TT80, odd, parameters=YEAR_2023).computed["ctC9"] == 246_913_579
    # The 2025 layout's boxes are not on this form; its rate box is not asked for.
    stray = assess(CIT_03_TNDN_TT80, CIT_2023 | {"ctC7_thueSuat": 20}, parameters=YEAR_2023)
    assert rules(stray) == ["UNKNOWN-INDICATOR"]
    assert "TNDN-C7" not in {r.code for r in CIT_03_TNDN_TT80.rules}


def test_pit_tt92_consistent_return() -> None:
    result = assess(PIT_05_KK_TNCN_TT92, WAGES_2021 | WAGES_2021_COMPUTED)
    assert result.findings == []
    assert result.computed == WAGES_2021_COMPUTED
    assert result.tax_payable == 10 * M


@pytest.mark.parametrize("code", sorted(WAGES_2021_COMPUTED))
def test_pit_tt92_each_formula_is_checked(code: str) -> None:
    broken = WAGES_2021 | {code: WAGES_2021_COMPUTED[code] + 1}
    assert rules(assess(PIT_05_KK_TNCN_TT92, broken)) == [f"TNCN-{code}"]


@pytest.mark.parametrize(
    ("changes", "rule", "severity"),
    [
        ({"ct22": 13}, "TNCN-022", Severity.WARNING),
        ({"ct30": 151 * M}, "TNCN-029", Severity.REJECT),
        ({"ct33": 121 * M}, "TNCN-032", Severity.REJECT),
        ({"ct34": 4_010_001}, "TNCN-034", Severity.WARNING),
        ({"ct35": 171 * M}, "TNCN-036", Severity.WARNING),
        ({"ct36": 10_000_001}, "TNCN-036", Severity.WARNING),
    ],
)
def test_pit_tt92_rules(changes: Mapping[str, int], rule: str, severity: Severity) -> None:
    result = assess(PIT_05_KK_TNCN_TT92, WAGES_2021 | dict(changes))
    assert [(f.rule, f.severity) for f in result.findings] == [(rule, severity)]


def test_pit_tt92_needs_its_employees() -> None:
    result = assess(PIT_05_KK_TNCN_TT92, {k: v for k, v in WAGES_2021.items() if k != "ct21"})
    assert rules(result)[:1] == ["REQUIRED"]
    assert result.findings[0].message_en == "The required indicator [21] (Number of employees) is missing."


@pytest.fixture
async def company(session: AsyncSession, clock: Clock) -> Taxpayer:
    clock.set(2026, 11, 30)
    return await register_enterprise(
        session, "0109555002", "Công ty TNHH Quyết Toán", registered_on=datetime.date(2020, 6, 1)
    )


async def _file(
    client: httpx.AsyncClient, me: dict[str, str], filer: Taxpayer, code: str, period: str, values: Mapping[str, int]
) -> dict[str, object]:
    document = render_htkk(code, "C", 0, parse_period(period), filer.tax_code, filer.name, dict(values))
    response = await client.post("/api/v1/returns", content=document, headers={**me, "content-type": "application/xml"})
    assert response.status_code == 201, response.text
    receipt: dict[str, object] = response.json()
    return receipt


def _form_version_error(receipt: Mapping[str, object]) -> str:
    assert receipt["status"] == "rejected"
    errors = receipt["errors"]
    assert isinstance(errors, list)
    assert [e["rule"] for e in errors] == ["FORM-VERSION"], errors
    message: str = errors[0]["message_en"]
    return message


async def test_cit_generations_over_http(client: httpx.AsyncClient, login: Login, company: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=company.tax_code)
    # Circular 80's layout for its own years: accepted, 41 M still due.
    accepted = await _file(client, me, company, "892", "2023", CIT_2023 | CIT_2023_COMPUTED)
    assert accepted["status"] == "accepted", accepted["errors"]
    assert (accepted["form"], accepted["tax_payable"]) == ("03/TNDN", 41 * M)
    # The same layout (ctC7, one 20 % rate) for the 2025 tax year: received, rejected, naming Law 67/2025's layout.
    message = _form_version_error(await _file(client, me, company, "892", "2025", CIT_2023 | CIT_2023_COMPUTED))
    assert f"of {CIT_03_TNDN_TT80.basis} (code 892) does not apply to the period 2025" in message
    assert f"use the form of {CIT_03_TNDN.basis} (code 892)" in message
    # And the 2025 layout (ctC7_thuNhap, ctC7_thueSuat) for 2024 is told to use Circular 80's.
    new_layout = {k: v for k, v in CIT_2023.items() if k != "ctC7"} | {"ctC7_thuNhap": 1_500 * M, "ctC7_thueSuat": 20}
    message = _form_version_error(await _file(client, me, company, "892", "2024", new_layout))
    assert f"use the form of {CIT_03_TNDN_TT80.basis} (code 892)" in message


async def test_pit_generations_over_http(client: httpx.AsyncClient, login: Login, company: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=company.tax_code)
    accepted = await _file(client, me, company, "394", "2021-11", WAGES_2021)
    assert accepted["status"] == "accepted", accepted["errors"]
    assert (accepted["form"], accepted["tax_payable"]) == ("05/KK-TNCN", 10 * M)
    message = _form_version_error(await _file(client, me, company, "394", "2022-11", WAGES_2021))
    assert "Thông tư 92/2015/TT-BTC, mẫu 05/KK-TNCN (code 394) does not apply to the period 2022-11" in message
    assert "(code 864)" in message
