"""Request and response types of the registry API."""

import datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from registry.vocabulary import TaxpayerKind

Name = Annotated[str, Meta(min_length=2, max_length=300)]
IdNumber = Annotated[
    str,
    Meta(
        pattern=r"^(?:[0-9A-Za-z]{6,20}|[0-9]{10}-[0-9]{3})$",
        description="Business registration or personal ID number; a branch's own number is NNNNNNNNNN-NNN",
    ),
]
TaxCodeInput = Annotated[str, Meta(min_length=1, max_length=40, description="10 digits, NNNNNNNNNN-NNN or 12 digits")]
Chapter = Annotated[str, Meta(pattern=r"^[0-9]{3}$")]
Phone = Annotated[str, Meta(pattern=r"^\+?[0-9 .-]{6,20}$")]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=500)]
Short = Annotated[str, Meta(max_length=200)]
OfficeCode = Annotated[str, Meta(min_length=2, max_length=16)]


class TaxType(StrEnum):
    """Taxes a taxpayer is registered for."""

    VAT = "VAT"
    CIT = "CIT"
    PIT = "PIT"


class VatFrequency(StrEnum):
    """How often VAT (and withheld PIT) is declared."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Address(Struct, forbid_unknown_fields=True, kw_only=True):
    """A Vietnamese postal address."""

    street: Short
    ward: Short = ""
    district: Short = ""
    province: Short = "Hà Nội"


class TaxpayerCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    """Register a taxpayer directly (officers)."""

    kind: TaxpayerKind
    name: Name
    id_number: IdNumber
    address: Address
    parent_tax_code: TaxCodeInput | None = None
    tax_office: Annotated[str, Meta(min_length=2, max_length=16)] | None = None
    chapter: Chapter | None = None
    email: Email | None = None
    phone: Phone | None = None
    registered_on: datetime.date | None = None
    vat_frequency: VatFrequency = VatFrequency.MONTHLY
    tax_types: list[TaxType] | None = None


class TaxpayerUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    """Change a taxpayer's record; absent fields stay as they are. Taxpayers may change only contacts."""

    name: Name | UnsetType = UNSET
    address: Address | UnsetType = UNSET
    email: Email | UnsetType | None = UNSET
    phone: Phone | UnsetType | None = UNSET
    tax_office: Annotated[str, Meta(min_length=2, max_length=16)] | UnsetType = UNSET
    chapter: Chapter | UnsetType = UNSET
    vat_frequency: VatFrequency | UnsetType = UNSET
    tax_types: list[TaxType] | UnsetType = UNSET


class StatusChange(Struct, forbid_unknown_fields=True, kw_only=True):
    """Move a taxpayer to another registry status."""

    status: Annotated[str, Meta(pattern=r"^0[0-7]$")]
    reason: Reason
    effective_on: datetime.date | None = None
    until: datetime.date | None = None


class TaxpayerRead(Struct, kw_only=True):
    """A taxpayer record as officers and the taxpayer itself see it."""

    tax_code: str
    kind: str
    name: str
    id_number: str
    address: Address
    parent_tax_code: str | None
    tax_office: str
    chapter: str
    email: str | None
    phone: str | None
    registered_on: datetime.date
    vat_frequency: str
    tax_types: list[str]
    status: str
    status_label: str
    status_effective_on: datetime.date
    status_reason: str | None
    suspended_until: datetime.date | None
    updated_at: datetime.datetime


class TaxpayerPage(Struct, kw_only=True):
    """One page of search results; pass ``next_cursor`` as ``cursor`` for the next page."""

    items: list[TaxpayerRead]
    next_cursor: str | None


class PublicTaxpayer(Struct, kw_only=True):
    """What anyone may look up."""

    tax_code: str
    name: str
    status: str
    status_label: str
    tax_office: str


class ChangeRead(Struct, kw_only=True):
    """One entry of a taxpayer's history."""

    at: datetime.datetime
    change: str
    actor: str
    effective_on: datetime.date | None
    reason: str | None
    fields: dict[str, object]


class RegistrationCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    """A registration application anyone may submit."""

    kind: TaxpayerKind
    name: Name
    id_number: IdNumber
    address: Address
    parent_tax_code: TaxCodeInput | None = None
    # The tax office the application is sent to (one the system knows); absent: the parent's office for a branch,
    # else the installation's default office. The application always records the office it went to.
    tax_office: OfficeCode | None = None
    email: Email | None = None
    phone: Phone | None = None
    vat_frequency: VatFrequency = VatFrequency.MONTHLY
    tax_types: list[TaxType] | None = None


class RegistrationReceipt(Struct, kw_only=True):
    """The number to follow an application by, the office deciding it, and when it will be decided."""

    number: str
    status: str
    due_on: datetime.date
    tax_office: str | None = None


class RegistrationRead(Struct, kw_only=True):
    """An application's status."""

    number: str
    status: str
    kind: str
    name: str
    tax_office: str
    submitted_on: datetime.date
    due_on: datetime.date
    is_overdue: bool
    decided_at: datetime.datetime | None
    reason: str | None
    tax_code: str | None


class Decision(Struct, forbid_unknown_fields=True, kw_only=True):
    """An officer's decision on an application."""

    approve: bool
    reason: Reason | None = None


class DecisionResult(Struct, kw_only=True):
    """The decision, and on approval the new tax code and the taxpayer's first login."""

    number: str
    status: str
    tax_code: str | None = None
    username: str | None = None
    initial_password: str | None = msgspec.field(default=None)
