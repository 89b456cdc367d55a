"""Frozen debts and write-offs (khoanh nợ, xóa nợ): who qualifies, from when, and who decides. Pure.

- **Freezing** (Law 38/2019/QH14 Art. 83, Decree 126/2020 Art. 23): five grounds, each frozen from a day the law
  names (``FREEZES``); the head of the tax office managing the taxpayer decides (Art. 84.2). While frozen, no
  late-payment interest is charged (Art. 59.6) and no enforcement is taken (Art. 124.5).
- **Writing off** (Art. 85): four grounds (``write_off_problems`` says what is missing); who decides depends on the
  ground, the kind of taxpayer and the amount (Art. 87, ``write_off_authority``). The write-off takes the tax, the
  late-payment interest and the fines (Art. 85's title and each clause: "tiền thuế, tiền chậm nộp, tiền phạt").
- **The path** from a frozen ("difficult") case to its write-off ground (``WRITE_OFF_PATH``): a death goes to
  85.2, a bankruptcy to 85.1; a dissolution, an absent taxpayer or a revoked licence can only reach 85.3, ten
  years after the deadline and once measure 125.1.g (revoking the registration) was applied.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum


class FreezeGround(StrEnum):
    """Art. 83's grounds for freezing a debt."""

    DEATH = "death"  # 83.1: died, declared dead or missing by a court, lost legal capacity
    DISSOLUTION = "dissolution"  # 83.2: dissolving, announced on the national business registration system
    BANKRUPTCY = "bankruptcy"  # 83.3: a petition to open bankruptcy proceedings
    NOT_AT_ADDRESS = "not_at_address"  # 83.4: no longer at the registered address, announced nationwide
    LICENCE_REVOKED = "licence_revoked"  # 83.5: revocation of the registration or licence asked for or decided


@dataclass(frozen=True, slots=True)
class FreezeRule:
    """A freeze ground: its clause, the day the freeze counts from, the paper it needs (Decree 126 Art. 23.1)."""

    clause: str
    frozen_from: str
    document: str


FREEZES: dict[FreezeGround, FreezeRule] = {
    FreezeGround.DEATH: FreezeRule(
        "Art. 83.1", "the date of the death certificate or of the court's decision", "giấy chứng tử / quyết định Tòa án"
    ),
    FreezeGround.DISSOLUTION: FreezeRule(
        "Art. 83.2", "the day the registration office announced the dissolution", "quyết định giải thể"
    ),
    FreezeGround.BANKRUPTCY: FreezeRule(
        "Art. 83.3", "the day the court gave notice it accepted the petition", "thông báo thụ lý đơn của Tòa án"
    ),
    FreezeGround.NOT_AT_ADDRESS: FreezeRule(
        "Art. 83.4", "the day of the tax office's nationwide notice", "văn bản xác nhận với UBND cấp xã"
    ),
    FreezeGround.LICENCE_REVOKED: FreezeRule(
        "Art. 83.5",
        "the day the tax office asked for the revocation, or the revocation took effect",
        "văn bản đề nghị / quyết định thu hồi",
    ),
}


class WriteOffGround(StrEnum):
    """Art. 85's grounds for writing off tax, interest and fines."""

    BANKRUPT = "bankrupt"  # 85.1: declared bankrupt, paid what bankruptcy law orders, no assets left
    DECEASED = "deceased"  # 85.2: an individual dead or without legal capacity, no assets (inheritance included)
    UNCOLLECTIBLE = "uncollectible"  # 85.3: measure 125.1.g applied, over 10 years past the deadline
    DISASTER = "disaster"  # 85.4: disaster or epidemic, interest exempted (59.8) and extended (62.1.a), still damaged


WRITE_OFF_PATH: dict[FreezeGround, WriteOffGround] = {
    FreezeGround.DEATH: WriteOffGround.DECEASED,
    FreezeGround.BANKRUPTCY: WriteOffGround.BANKRUPT,
    FreezeGround.DISSOLUTION: WriteOffGround.UNCOLLECTIBLE,
    FreezeGround.NOT_AT_ADDRESS: WriteOffGround.UNCOLLECTIBLE,
    FreezeGround.LICENCE_REVOKED: WriteOffGround.UNCOLLECTIBLE,
}

UNCOLLECTIBLE_YEARS = 10  # Art. 85.3


@dataclass(frozen=True, slots=True)
class WriteOffFacts:
    """What the office knows of a case when a write-off is proposed.

    Attributes:
        ground: the Art. 85 ground claimed.
        oldest_due_on: the deadline of the oldest debt to write off.
        registration_revoked: measure 125.1.g (revoking the registration) was applied (85.3).
        no_assets: the bankruptcy payments are made / the estate has nothing left (85.1, 85.2).
        interest_exempted_and_extended: exempted under 59.8 and extended under 62.1.a (85.4).
    """

    ground: WriteOffGround
    oldest_due_on: datetime.date
    registration_revoked: bool = False
    no_assets: bool = False
    interest_exempted_and_extended: bool = False


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year + years, day=28)


def write_off_problems(facts: WriteOffFacts, today: datetime.date) -> list[str]:
    """Why the debt cannot be written off on ``today`` under ``facts.ground`` (empty: it can be proposed)."""
    problems: list[str] = []
    if facts.ground in {WriteOffGround.BANKRUPT, WriteOffGround.DECEASED} and not facts.no_assets:
        problems.append("Art. 85.1/85.2: only once nothing is left to pay with (bankruptcy paid out, no estate).")
    if facts.ground is WriteOffGround.UNCOLLECTIBLE:
        if not facts.registration_revoked:
            problems.append("Art. 85.3: measure 125.1.g (revoking the registration) must have been applied.")
        ten_years = _years_after(facts.oldest_due_on, UNCOLLECTIBLE_YEARS)
        if today <= ten_years:
            problems.append(f"Art. 85.3: more than 10 years past the deadline, i.e. after {ten_years.isoformat()}.")
    if facts.ground is WriteOffGround.DISASTER and not facts.interest_exempted_and_extended:
        problems.append("Art. 85.4: interest exempted (Art. 59.8) and payment extended (Art. 62.1.a) first.")
    return problems


class Authority(StrEnum):
    """Who decides a write-off (Art. 87), named as today's bodies are.

    Art. 87.2 names the head of the General Department of Taxation (Tổng cục Thuế). From 1 Mar 2025 the Ministry
    of Finance's tax administration is the Tax Department (Cục Thuế) under the Ministry; the instruments said to do
    it (Decree 29/2025/NĐ-CP on the Ministry's functions, Decision 381/QĐ-BTC on the Tax Department) could not be
    read here [open]. ``decider_name`` gives the name on a day.
    """

    PROVINCE = "chairman of the provincial People's Committee"  # 87.1
    TAX_DEPARTMENT = "head of the Tax Department (Cục Thuế), Ministry of Finance"  # 87.2
    MINISTER = "Minister of Finance"  # 87.3
    PRIME_MINISTER = "Prime Minister"  # 87.4


# The day the General Department of Taxation became the Tax Department of the Ministry of Finance [open: not read].
TAX_DEPARTMENT_FROM = datetime.date(2025, 3, 1)
GENERAL_DEPARTMENT = "head of the General Department of Taxation (Tổng cục Thuế)"


def decider_name(authority: Authority, on: datetime.date) -> str:
    """The decider as named on ``on``: the General Department of Taxation before 1 Mar 2025, then the Tax Department."""
    if authority is Authority.TAX_DEPARTMENT and on < TAX_DEPARTMENT_FROM:
        return GENERAL_DEPARTMENT
    return authority.value


BILLION = 1_000_000_000


def write_off_authority(ground: WriteOffGround, *, enterprise: bool, amount: int) -> Authority:
    """Who decides writing off ``amount`` đồng (tax, interest and fines) on ``ground`` (Art. 87).

    Decree 126 Art. 24.3 sends 85.4 to Art. 87, which names no level for it: treated here like 85.3 (an
    assumption, flagged in docs/arrears.md). 85.1, 85.2 and every household or individual: the province. Enterprises and co-operatives under 85.3/85.4: below
    5 billion the province, 5 to under 10 billion the tax department, 10 to under 15 billion the Minister, 15
    billion and more the Prime Minister. These thresholds and deciders are **not verified** against Art. 87, nor
    against Decree 122/2025/NĐ-CP, which reassigned powers in tax administration in 2025 (docs/arrears.md).
    """
    if ground in {WriteOffGround.BANKRUPT, WriteOffGround.DECEASED} or not enterprise or amount < 5 * BILLION:
        return Authority.PROVINCE
    if amount < 10 * BILLION:
        return Authority.TAX_DEPARTMENT
    if amount < 15 * BILLION:
        return Authority.MINISTER
    return Authority.PRIME_MINISTER
