"""A return as received, its charges, and the original accepted on arrival (PostgreSQL's one statement).

Filing receives a return (one statement, committed) and then decides it (one more). An original the checks accept,
on PostgreSQL, is received and decided by a single statement instead (``filings.mailing.accepted_on_arrival``,
posted through the ledger's ``AccountService.post_with_answer``): the return, numbered, accepted, with both its
messages, its charges and its draft fine, all or nothing. Nothing received is lost either way: when a unique index
refuses that statement (the period's original accepted meanwhile, an Idempotency-Key used already) it writes
nothing and the return takes the two steps, as every return does on SQLite.
"""

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

from filings.fine_service import draft_for
from filings.forms import FormVersion
from filings.intake import Envelope
from filings.mailing import accepted_on_arrival
from filings.models import TaxReturn
from filings.periods import days_late
from filings.receipts import RETURN_SOURCE_PREFIX, Checked, findings_json
from filings.vocabulary import ReturnKind, ReturnStatus
from registry.vocabulary import ORGANISATION_KINDS
from taxoffice.accounts.posting import AtomicStep
from taxoffice.accounts.services import NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ


def form_values(form: FormVersion, envelope: Envelope) -> dict[str, object]:
    """The form's own figures; any other box is refused (UNKNOWN-INDICATOR, counted) and stays in ``document``."""
    return {code: value for code, value in envelope.values.items() if form.has_indicator(code)}


def new_return(
    actor: Principal, checked: Checked, received_at: datetime.datetime, idempotency_key: str | None
) -> TaxReturn:
    """The return as received (not stored yet)."""
    env = checked.envelope
    first_received = checked.late_from[1] if checked.late_from else received_at
    return TaxReturn.unattached(
        taxpayer_id=checked.taxpayer.id,
        tax_code=checked.taxpayer.tax_code,
        form_code=checked.form.code,
        form_valid_from=checked.form.valid_from,
        period=env.period.label,
        kind=env.kind.value,
        amendment_no=checked.amendment_no,
        status=ReturnStatus.RECEIVED,
        is_current=False,
        received_at=received_at,
        source_format=env.source_format,
        document=env.document,
        document_sha256=env.sha256,
        source=env.source,
        place=env.place,
        values=form_values(checked.form, env),
        computed={},
        findings=[],
        due_on=checked.due_on,
        days_late=days_late(first_received.astimezone(VN_TZ).date(), checked.due_on),
        submitted_by=actor.username,
        idempotency_key=idempotency_key,
        late_from_return_id=checked.late_from[0] if checked.late_from else None,
    )


def tax_charge(ret: TaxReturn, checked: Checked) -> NewCharge:
    """The charge of an accepted return: what it adds to the period's tax (``posted_amount``)."""
    form = checked.form
    return NewCharge(
        taxpayer_id=ret.taxpayer_id,
        tax_code=ret.tax_code,
        tax_type=form.tax_type,
        sub_item=form.sub_item,
        period=ret.period,
        kind=ChargeKind.TAX,
        amount=ret.posted_amount or 0,
        due_on=checked.due_on,
        interest_from=checked.due_on,
        source=f"{RETURN_SOURCE_PREFIX}{ret.id}",
        note=f"{form.code} {ret.period}" + (f" bổ sung lần {ret.amendment_no}" if ret.amendment_no else ""),
    )


def accept(ret: TaxReturn, checked: Checked, previous_payable: int) -> None:
    """``ret`` decided as accepted (in memory): its figures, status and the amount it posts."""
    assessment = checked.assessment
    ret.computed = assessment.computed
    ret.tax_payable = assessment.tax_payable
    ret.status = ReturnStatus.ACCEPTED
    ret.is_current = True
    ret.posted_amount = assessment.tax_payable - previous_payable
    ret.findings = findings_json(checked.findings)


def fine_draft(ret: TaxReturn, checked: Checked) -> dict[str, object] | None:
    """A late original's draft fine (an officer decides it), or ``None``."""
    if ret.amendment_no == 0 and ret.days_late > 0:
        return draft_for(ret, is_organisation=checked.taxpayer.kind in ORGANISATION_KINDS)
    return None


# Posts an acceptance's one statement with its charges, answering the row it wrote (``None``: it wrote nothing):
# ``AccountService.post_with_answer`` on a session, ``taxoffice.accounts.services.answer_on`` on a driver.
PostWithAnswer = Callable[[AtomicStep, list[NewCharge]], Awaitable[dict[str, Any] | None]]


def arrives_accepted(checked: Checked) -> bool:
    """Whether one statement may receive and accept ``checked``: an acceptable original, not a CIT return."""
    return (
        checked.envelope.kind is ReturnKind.ORIGINAL
        and checked.previous is None
        and checked.form.tax_type != "CIT"
        and checked.acceptable
    )


async def accept_on_arrival(
    post: PostWithAnswer,
    actor: Principal,
    checked: Checked,
    now: datetime.datetime,
    idempotency_key: str | None,
) -> TaxReturn | None:
    """PostgreSQL: an acceptable original received, accepted and charged by one statement; ``None`` when it cannot be.

    ``None`` (nothing written): not an original, a finding that rejects it, an original CIT return (its provisional
    payments are read first), or a unique index refused it: the caller receives it, then decides. ``post`` runs the
    statement (on PostgreSQL only: callers ask ``taxoffice.fastpaths.one_statement_writes`` first).
    """
    if not arrives_accepted(checked):
        return None
    ret = new_return(actor, checked, now, idempotency_key)
    ret.created_at = ret.updated_at = ret.decided_at = now
    accept(ret, checked, 0)
    row = await post(accepted_on_arrival(ret, fine_draft(ret, checked)), [tax_charge(ret, checked)])
    if row is None:
        return None
    ret.id, ret.transaction_code = row["id"], row["transaction_code"]
    return ret
