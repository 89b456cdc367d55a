"""Turning arrears rows into response types."""

import datetime
from typing import Any

from taxoffice.arrears import ladder
from taxoffice.arrears._proposals import CaseOutlook
from taxoffice.arrears.ageing import bucket_of
from taxoffice.arrears.categories import Category
from taxoffice.arrears.debtors import DebtorListing, encode_after
from taxoffice.arrears.guarantor import FORM, GuarantorDemand, guarantee_of
from taxoffice.arrears.instalments import Guarantee, Instalment
from taxoffice.arrears.models import (
    ArrearsAction,
    ArrearsCase,
    ArrearsCaseEvent,
    DebtorPublication,
    InstalmentPlan,
    ladder_day,
)
from taxoffice.arrears.notices import NoticeSummary
from taxoffice.arrears.oversight import Figures, Oversight
from taxoffice.arrears.publication_service import Candidate
from taxoffice.arrears.schemas import (
    ActionCreate,
    ActionRead,
    CaseDetail,
    CaseRead,
    DebtorCandidateRead,
    DebtorEntryRead,
    DebtorList,
    DebtorRead,
    EventRead,
    GuaranteeRead,
    GuarantorDemandRead,
    NoticeRead,
    OversightRead,
    OversightRow,
    PlanRead,
    ProposalRead,
)
from taxoffice.arrears.services import CaseView, NewAction
from taxoffice.arrears.vocabulary import CaseStatus


def case_read(
    row: ArrearsCase, name: str, today: datetime.date, cutoff: datetime.date, seen: CaseOutlook | None = None
) -> CaseRead:
    """A case with its days, bucket and stage for today; next action and stalled from ``seen`` when given."""
    days = max((today - row.oldest_due_on).days, 0) if row.status == CaseStatus.OPEN else 0
    # A frozen debt is on no stage of the ladder (Law 38/2019 Art. 124.5: no enforcement while frozen); a debt
    # outside the freeze is (Decree 126/2020 Art. 23.3): the stage is the oldest such debt's.
    pursued = ladder_day(row, today)
    on_ladder = bool(days) and row.category != Category.FROZEN.value
    stage = ladder.stage_of((today - pursued).days, today) if on_ladder and pursued is not None else None
    bucket = bucket_of(days)
    if seen is not None:
        proposal = seen.next_action
        next_kind = proposal.kind.value if proposal else None
        next_on = proposal.due_on if proposal else None
        stalled = seen.is_stalled
    else:
        next_kind, next_on = row.next_action, row.next_action_due_on
        stalled = (
            row.status == CaseStatus.OPEN
            and row.category == Category.COLLECTIBLE.value
            and next_on is not None
            and next_on < cutoff
        )
    return CaseRead(
        id=row.id,
        tax_code=row.tax_code,
        taxpayer_name=name,
        tax_office=row.tax_office,
        officer_id=row.officer_id,
        status=row.status,
        category=row.category,
        is_frozen=row.is_frozen,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
        as_of=row.as_of,
        overdue_tax=row.overdue_tax,
        overdue_interest=row.overdue_interest,
        overdue_fines=row.overdue_fines,
        overdue_total=row.overdue_total,
        oldest_due_on=row.oldest_due_on,
        days_overdue=days,
        bucket=bucket.value if bucket else None,
        stage=stage.kind.value if stage else None,
        next_action=next_kind,
        next_action_due_on=next_on,
        is_stalled=stalled,
        ladder_due_on=pursued if row.status == CaseStatus.OPEN else None,
    )


def new_action(data: ActionCreate) -> NewAction:
    """The action an officer asks to record (from the API's body or the portal's form)."""
    return NewAction(
        kind=data.kind,
        note=data.note,
        channel=data.channel.value if data.channel else None,
        follow_up_on=data.follow_up_on,
        details=data.details,
        instalments=None
        if data.instalments is None
        else tuple(Instalment(i.due_on, i.amount) for i in data.instalments),
        guarantee=None
        if data.guarantee is None
        else Guarantee(data.guarantee.guarantor.strip(), data.guarantee.amount, data.guarantee.valid_until),
        frozen=data.frozen,
    )


def event(row: ArrearsCaseEvent) -> EventRead:
    """A move of a case."""
    return EventRead(
        event_on=row.event_on,
        kind=row.kind,
        from_value=row.from_value,
        to_value=row.to_value,
        overdue_total=row.overdue_total,
        actor=row.actor,
    )


def action(row: ArrearsAction) -> ActionRead:
    """An action recorded on a case."""
    return ActionRead(
        id=row.id,
        kind=row.kind,
        taken_on=row.taken_on,
        officer=row.officer,
        channel=row.channel,
        note=row.note,
        follow_up_on=row.follow_up_on,
        details=row.details,
    )


def _guarantee(details: dict[str, Any] | None) -> GuaranteeRead | None:
    if details is None:
        return None
    valid_until = datetime.date.fromisoformat(str(details["valid_until"]))
    return GuaranteeRead(guarantor=str(details["guarantor"]), amount=int(details["amount"]), valid_until=valid_until)


def plan(
    row: InstalmentPlan,
    status: str | None,
    demand: GuarantorDemand | None = None,
    guarantee: dict[str, Any] | None = None,
) -> PlanRead:
    """A plan; ``status`` is today's when known, else the stored one; its guarantee; the demand once missed."""
    return PlanRead(
        id=row.id,
        agreed_on=row.agreed_on,
        debt=row.debt,
        schedule=row.schedule,
        status=status or row.status,
        is_active=row.is_active,
        guarantee=_guarantee(guarantee),
        guarantor_demand=None
        if demand is None
        else GuarantorDemandRead(
            form=FORM,
            guarantor=demand.guarantor,
            amount=demand.amount,
            missed_on=demand.missed_on,
            due_by=demand.due_by,
            sent_on=demand.sent_on,
        ),
    )


def notice(row: NoticeSummary) -> NoticeRead:
    """A notice without its document."""
    return NoticeRead(
        id=row.id,
        case_id=row.case_id,
        number=row.number,
        tax_code=row.tax_code,
        issued_on=row.issued_on,
        total=row.total,
        issued_by=row.issued_by,
    )


def case_detail(view: CaseView, today: datetime.date) -> CaseDetail:
    """A case as an officer opens it."""
    seen = view.outlook
    return CaseDetail(
        case=case_read(view.case, view.taxpayer_name, today, today, seen),
        proposals=[ProposalRead(kind=p.kind.value, due_on=p.due_on, from_day=p.from_day) for p in seen.proposals],
        events=[event(e) for e in view.events],
        actions=[action(a) for a in view.actions],
        plan=plan(
            seen.plan,
            seen.plan_state.status.value if seen.plan_state else None,
            seen.demand,
            guarantee_of(view.actions),
        )
        if seen.plan
        else None,
        notices=[notice(n) for n in view.notices],
    )


def debtors(listing: DebtorListing) -> DebtorList:
    """One page of the public list, with the cursor of the next."""
    return DebtorList(
        as_of=listing.as_of,
        over_days=listing.over_days,
        debtors=[
            DebtorRead(
                tax_code=d.tax_code,
                name=d.name,
                address=d.address,
                amount_overdue=d.amount_overdue,
                overdue_since=d.overdue_since,
                days_overdue=d.days_overdue,
                reason=d.reason,
                published_on=d.published_on,
            )
            for d in listing.debtors
        ],
        total=listing.total,
        next_cursor=None if listing.next_after is None else encode_after(listing.next_after),
    )


def _row(figures: Figures) -> OversightRow:
    return OversightRow(
        tax_office=figures.tax_office,
        officer_id=figures.officer_id,
        username=figures.username,
        open_cases=figures.open_cases,
        amount_held=figures.amount_held,
        stalled_cases=figures.stalled_cases,
        collected=figures.collected,
        actions_taken=figures.actions_taken,
    )


def oversight(report: Oversight) -> OversightRead:
    """The oversight figures."""
    return OversightRead(
        from_on=report.from_on,
        to_on=report.to_on,
        as_of=report.as_of,
        officers=[_row(f) for f in report.officers],
        offices=[_row(f) for f in report.offices],
    )


def candidate(found: Candidate) -> DebtorCandidateRead:
    """A case that may be selected for the public list."""
    return DebtorCandidateRead(
        case_id=found.case_id,
        tax_code=found.tax_code,
        name=found.name,
        address=found.address,
        amount_overdue=found.amount,
        overdue_since=found.overdue_since,
        days_overdue=found.days_overdue,
    )


def debtor_entry(entry: DebtorPublication) -> DebtorEntryRead:
    """An entry of the office's debtor list."""
    return DebtorEntryRead(
        id=entry.id,
        case_id=entry.case_id,
        status=entry.status,
        tax_office=entry.tax_office,
        tax_code=entry.tax_code,
        name=entry.name,
        address=entry.address,
        amount=entry.amount,
        overdue_since=entry.overdue_since,
        as_of=entry.as_of,
        reason=entry.reason,
        selected_by=entry.selected_by,
        selected_on=entry.selected_on,
        confirmed_by=entry.confirmed_by,
        confirmed_on=entry.confirmed_on,
    )
