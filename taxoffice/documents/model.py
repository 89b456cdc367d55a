"""What the printable documents show: plain data, gathered by the services that own it (no I/O here)."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Addressee:
    """The taxpayer a document is addressed to, and the tax office that sends it."""

    tax_code: str
    name: str
    address: str
    tax_office: str


@dataclass(frozen=True)
class FiledReturn:
    """A return as received: what the receipt (01-1/TB-TĐT) names."""

    transaction_code: str
    form_code: str
    form_name: str
    period: str
    amendment_no: int
    received_at: datetime.datetime
    due_on: datetime.date
    days_late: int


@dataclass(frozen=True)
class Reason:
    """One finding of the office on a return: a stable rule code and its text in Vietnamese and English."""

    rule: str
    severity: str
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class Decision:
    """The office's decision on a return: what the notice (01-2/TB-TĐT) says."""

    accepted: bool
    decided_at: datetime.datetime
    tax_payable: int | None
    posted_amount: int | None
    fine: int | None
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class DebtLine:
    """One overdue debt line of a debt notice (its workbook and its PDF print the same lines)."""

    tax_type: str
    sub_item: str
    period: str
    kind: str
    due_on: datetime.date
    days_overdue: int
    outstanding: int
    interest: int

    @property
    def total(self) -> int:
        """What the line asks for."""
        return self.outstanding + self.interest


@dataclass(frozen=True)
class HowToPay:
    """Where and how to pay a debt notice."""

    budget_account: str
    chapter: str
    sub_items: list[str]
    interest_sub_items: list[str]
    payment_reference: str


@dataclass(frozen=True)
class DebtNoticeData:
    """A tax-debt notice (01/TTN) as issued."""

    number: str
    issued_on: datetime.date
    lines: list[DebtLine]
    how_to_pay: HowToPay

    @property
    def outstanding(self) -> int:
        """The debts still owed, without interest."""
        return sum(line.outstanding for line in self.lines)

    @property
    def interest(self) -> int:
        """The late-payment interest to the issue date."""
        return sum(line.interest for line in self.lines)

    @property
    def total(self) -> int:
        """Everything the notice asks for."""
        return self.outstanding + self.interest


@dataclass(frozen=True)
class AccountCharge:
    """One charge's position on the account statement, as the account page shows it."""

    tax_type: str
    period: str
    kind: str
    sub_item: str
    due_on: datetime.date
    amount: int
    paid: int
    outstanding: int
    interest: int
    days_overdue: int


@dataclass(frozen=True)
class AccountEntry:
    """One entry of the account (a charge, a payment, money applied) and the balance owed after it."""

    on: datetime.date
    entry: str
    amount: int
    reference: str
    detail: str
    pending: bool
    balance: int


@dataclass(frozen=True)
class AccountPrint:
    """The taxpayer's account statement as of a day: the totals, each charge, and every entry."""

    produced_on: datetime.date
    as_of: datetime.date
    outstanding: int
    interest: int
    fines: int
    credit: int
    total_due: int
    charges: list[AccountCharge]
    entries: list[AccountEntry]
