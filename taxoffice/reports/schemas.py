"""Request and response types of the reports API."""

import datetime
from typing import Annotated

from msgspec import Meta, Struct

Amount = Annotated[int, Meta(ge=0, le=10**16)]
Year = Annotated[int, Meta(ge=2000, le=2100)]
TaxOffice = Annotated[str, Meta(max_length=20, pattern=r"^[0-9A-Za-z._-]*$")]
# "" is every tax type together.
TaxType = Annotated[str, Meta(pattern=r"^(|VAT|CIT|PIT)$")]


class ReportInfo(Struct, kw_only=True):
    """A report there is, and the groupings it takes."""

    name: str
    title_vi: str
    title_en: str
    group_by: list[str]
    formats: list[str]


class TargetSet(Struct, kw_only=True, forbid_unknown_fields=True):
    """A collection target: the amount ``tax_office`` (``""``: the department) plans to collect in ``year``."""

    year: Year
    amount: Amount
    tax_office: TaxOffice = ""
    tax_type: TaxType = ""


class TargetRead(Struct, kw_only=True):
    """A collection target as kept."""

    year: int
    tax_office: str
    tax_type: str
    amount: int
    set_by: str
    updated_at: datetime.datetime


class ReportFileRead(Struct, kw_only=True):
    """A kept report file (download it from ``href``)."""

    id: int
    name: str
    period: str
    format: str
    size: int
    generated_at: datetime.datetime
    generated_by: str
    href: str
