"""Request and response types of the arrears worklist, notices, the public debtor list and oversight."""

import datetime
from enum import StrEnum
from typing import Annotated, Any

from msgspec import Meta, Struct

from taxoffice.arrears.ladder import ActionKind
from taxoffice.validity import ID_MAX

Amount = Annotated[int, Meta(ge=0, le=10**15)]
Note = Annotated[str, Meta(max_length=1000)]


class Channel(StrEnum):
    """How a reminder reached the taxpayer."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"


class SortOrder(StrEnum):
    """Worklist order: ``amount`` (largest overdue first) or ``age`` (oldest due date first)."""

    AMOUNT = "amount"
    AGE = "age"


class ExportFormat(StrEnum):
    """How the public debtor list is served."""

    JSON = "json"
    XLSX = "xlsx"


class InstalmentIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """One dated amount of a proposed plan."""

    due_on: datetime.date
    amount: int


class GuaranteeIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """A credit institution's guarantee of an instalment plan (Law 38/2019 Art. 124.5, Circular 80/2021 Art. 66)."""

    guarantor: Annotated[str, Meta(min_length=1, max_length=200)]
    amount: Amount
    valid_until: datetime.date


class ActionCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """An action an officer took on a case.

    ``channel`` is required for a reminder; ``instalments`` and ``guarantee`` for an instalment plan; ``frozen``
    says whether a ``freeze`` action freezes (default) or unfreezes the debt; ``details`` carries an enforcement
    measure's particulars (bank, account, decision number, amount …).
    """

    kind: ActionKind
    note: Note = ""
    channel: Channel | None = None
    follow_up_on: datetime.date | None = None
    details: dict[str, Any] | None = None
    instalments: list[InstalmentIn] | None = None
    guarantee: GuaranteeIn | None = None
    frozen: bool | None = None


class AssignCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """Give a case to an officer of its tax office."""

    officer_id: Annotated[int, Meta(ge=1, le=ID_MAX)]


class AutoAssignCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    """Spread a tax office's unassigned open cases over its officers."""

    tax_office: Annotated[str, Meta(min_length=1, max_length=20)]


class OfficerLoad(Struct, kw_only=True):
    """What an officer holds after auto-assignment."""

    officer_id: int
    username: str
    cases: int
    amount: int
    assigned: int


class AutoAssignRead(Struct, kw_only=True):
    """What auto-assignment did."""

    tax_office: str
    assigned: int
    officers: list[OfficerLoad]


class ProposalRead(Struct, kw_only=True):
    """An action the ladder asks for, and when."""

    kind: str
    due_on: datetime.date
    from_day: int


class CaseRead(Struct, kw_only=True):
    """A case in the worklist; days, bucket and stage are for today, the amounts as of ``as_of``."""

    id: int
    tax_code: str
    taxpayer_name: str
    tax_office: str
    officer_id: int | None
    status: str
    category: str
    is_frozen: bool
    opened_on: datetime.date
    closed_on: datetime.date | None
    as_of: datetime.date
    overdue_tax: int
    overdue_interest: int
    overdue_fines: int
    overdue_total: int
    oldest_due_on: datetime.date
    days_overdue: int
    bucket: str | None
    stage: str | None
    next_action: str | None
    next_action_due_on: datetime.date | None
    is_stalled: bool
    # The due date the ladder's stage counts from today: ``oldest_due_on``, or, on a frozen case, the oldest debt
    # overdue outside the freeze (Decree 126/2020 Art. 23.3); None when the freeze covers them all, or closed.
    ladder_due_on: datetime.date | None = None


class CasePage(Struct, kw_only=True):
    """A page of the worklist; pass ``next_cursor`` as ``cursor`` (same filters) for the next page."""

    items: list[CaseRead]
    next_cursor: str | None


class EventRead(Struct, kw_only=True):
    """A move of the case."""

    event_on: datetime.date
    kind: str
    from_value: str | None
    to_value: str | None
    overdue_total: int
    actor: str


class ActionRead(Struct, kw_only=True):
    """An action recorded on the case."""

    id: int
    kind: str
    taken_on: datetime.date
    officer: str
    channel: str | None
    note: str
    follow_up_on: datetime.date | None
    details: dict[str, Any]


class GuarantorDemandRead(Struct, kw_only=True):
    """Form 02/NDAN, due when an instalment is missed (Circular 80/2021 Art. 66.4): to whom, how much, by when.

    ``guarantor`` is the credit institution that guaranteed the plan; ``amount`` the shortfall it is asked to pay in
    the taxpayer's place; ``missed_on`` the day after the missed instalment's deadline; ``due_by`` the fifth working
    day after that deadline; ``sent_on`` the day the demand was recorded (``kind: guarantor_demand``), or null.
    """

    form: str
    guarantor: str | None
    amount: int
    missed_on: datetime.date
    due_by: datetime.date
    sent_on: datetime.date | None


class GuaranteeRead(Struct, kw_only=True):
    """The credit institution's guarantee the plan was agreed with (Circular 80/2021 Art. 66.3.a-b)."""

    guarantor: str
    amount: int
    valid_until: datetime.date


class PlanRead(Struct, kw_only=True):
    """The case's instalment plan, its guarantee, and ``guarantor_demand`` once an instalment is missed."""

    id: int
    agreed_on: datetime.date
    debt: int
    schedule: list[dict[str, Any]]
    status: str
    is_active: bool
    guarantee: GuaranteeRead | None = None
    guarantor_demand: GuarantorDemandRead | None = None


class NoticeRead(Struct, kw_only=True):
    """A debt notice (01/TTN) as issued; its workbook is at ``/taxpayers/{tax_code}/notices/{id}/file``."""

    id: int
    case_id: int
    number: str
    tax_code: str
    issued_on: datetime.date
    total: int
    issued_by: str


class CaseDetail(Struct, kw_only=True):
    """One case with its history, actions, plan, notices, and what the ladder proposes today."""

    case: CaseRead
    proposals: list[ProposalRead]
    events: list[EventRead]
    actions: list[ActionRead]
    plan: PlanRead | None
    notices: list[NoticeRead]


class NoticeList(Struct, kw_only=True):
    """A taxpayer's debt notices, newest first."""

    tax_code: str
    notices: list[NoticeRead]


class DebtorRead(Struct, kw_only=True):
    """A debtor on the public list: name, tax code, address, amount, the period overdue and the reason."""

    tax_code: str
    name: str
    address: str
    amount_overdue: int
    overdue_since: datetime.date | None
    days_overdue: int
    reason: str
    published_on: datetime.date | None


class DebtorCandidateRead(Struct, kw_only=True):
    """An open case that qualifies for the public list today and is not selected yet."""

    case_id: int
    tax_code: str
    name: str
    address: str
    amount_overdue: int
    overdue_since: datetime.date
    days_overdue: int


class DebtorSelection(Struct, forbid_unknown_fields=True, kw_only=True):
    """Cases an officer selects for the public list (the head of the office confirms each)."""

    case_ids: Annotated[list[Annotated[int, Meta(ge=1, le=ID_MAX)]], Meta(min_length=1, max_length=100)]


class DebtorEntryRead(Struct, kw_only=True):
    """An entry of the office's debtor list: selected (waiting for the head) or published."""

    id: int
    case_id: int
    status: str
    tax_office: str
    tax_code: str
    name: str
    address: str
    amount: int
    overdue_since: datetime.date
    as_of: datetime.date
    reason: str
    selected_by: str
    selected_on: datetime.date
    confirmed_by: str | None
    confirmed_on: datetime.date | None


class DebtorList(Struct, kw_only=True):
    """Taxpayers more than ``over_days`` days overdue on ``as_of``, largest debt first: one page of ``total``."""

    as_of: datetime.date
    over_days: int
    debtors: list[DebtorRead]
    total: int
    next_cursor: str | None = None


class OversightRow(Struct, kw_only=True):
    """One officer's or one tax office's figures.

    ``open_cases``, ``amount_held`` and ``stalled_cases`` are today's; ``collected`` and ``actions_taken`` are
    for the period.
    """

    tax_office: str
    officer_id: int | None = None
    username: str | None = None
    open_cases: int
    amount_held: int
    stalled_cases: int
    collected: int
    actions_taken: int


class OversightRead(Struct, kw_only=True):
    """Per officer and per tax office, for the period ``from_on`` … ``to_on`` (both included)."""

    from_on: datetime.date
    to_on: datetime.date
    as_of: datetime.date
    officers: list[OversightRow]
    offices: list[OversightRow]


class ActionResult(Struct, kw_only=True):
    """The action recorded, and the case as it stands after it (category, next action, stalled)."""

    action: ActionRead
    case: CaseDetail
