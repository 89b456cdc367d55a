"""Late-filing fines by decision (Decree 125/2020 Art. 13 and Art. 17).

Accepting a late original return proposes a draft at once (``draft_for``, in the acceptance's transaction); nothing is
charged. An officer confirms it, as proposed or with the circumstances found (mitigating, aggravating, whether the
tax was paid before the office's record); only then is the fine (not a warning) charged to the account, due
``FINE_PAYMENT_WORKING_DAYS`` working days after the decision. The taxpayer sees the decision with its legal basis.
"""

import datetime
from typing import Any, cast

from sqlalchemy import CTE, Insert, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from filings.fines import propose
from filings.models import FineDecision, TaxReturn
from filings.obligations import FORM_BY_TAX_TYPE
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.sub_items import FINE_SUB_ITEM
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth import audit
from taxoffice.auth.roles import Principal, Role
from taxoffice.calendar import VN_TZ, WorkingCalendar
from taxoffice.errors import ConflictError, ResourceNotFoundError

DRAFT, CONFIRMED = "draft", "confirmed"
STATUSES = (DRAFT, CONFIRMED)
# Working days a taxpayer has to pay a confirmed fine after the decision [open: configuration].
FINE_PAYMENT_WORKING_DAYS = 10
PAGE_MAX = 200
_TAX_TYPE = {form: tax_type for tax_type, form in FORM_BY_TAX_TYPE.items()}
FINES = cast("Table", FineDecision.__table__)
# The columns a draft is written with (``draft_for``), and the plain statement writing one (SQLite's path).
DRAFT_COLUMNS = (
    *("return_id", "taxpayer_id", "tax_code", "form_code", "period", "is_organisation", "days_late", "tax_payable"),
    *("violated_on", "status", "proposed_amount", "amount", "warning", "clause", "legal_basis", "mitigating"),
    *("aggravating", "paid_before_record", "circumstances", "created_at", "updated_at"),
)
INSERT_DRAFT = insert(FINES)


def draft_for(ret: TaxReturn, *, is_organisation: bool) -> dict[str, Any]:
    """The draft fine for an accepted late original, as its ``fine_decision`` columns (written with the acceptance).

    The draft is the text's fine with no circumstance found yet (``draft_after`` or ``INSERT_DRAFT`` write it).

    The violation is the late filing, committed the day the return was received (the first receipt, when an earlier
    one was rejected wrongly); the table in force that day applies. Over 90 days late with tax payable the draft
    assumes Art. 13(5) (tax paid before the office's record); the officer says otherwise on confirming.
    """
    violated_on = ret.received_at.astimezone(VN_TZ).date()
    tax_payable = max(ret.tax_payable or 0, 0)
    proposal = propose(ret.days_late, is_organisation=is_organisation, tax_payable=tax_payable, on=violated_on)
    return {
        "return_id": ret.id,
        "taxpayer_id": ret.taxpayer_id,
        "tax_code": ret.tax_code,
        "form_code": ret.form_code,
        "period": ret.period,
        "is_organisation": is_organisation,
        "days_late": ret.days_late,
        "tax_payable": tax_payable,
        "violated_on": violated_on,
        "status": DRAFT,
        "proposed_amount": proposal.amount,
        "amount": proposal.amount,
        "warning": proposal.warning,
        "clause": proposal.clause,
        "legal_basis": proposal.legal_basis,
        "mitigating": 0,
        "aggravating": 0,
        "paid_before_record": True,
        "circumstances": "",
        "created_at": ret.decided_at,
        "updated_at": ret.decided_at,
    }


def draft_after(step: CTE) -> Insert:
    """PostgreSQL: the draft (parameters ``f_<column>`` of ``draft_params``) of the return ``step`` wrote (its ``id``).

    Inserted once per row ``step`` wrote: none when it wrote nothing.
    """
    values = [
        step.c.id if column == "return_id" else bindparam(f"f_{column}", type_=FINES.c[column].type)
        for column in DRAFT_COLUMNS
    ]
    return insert(FINES).from_select(list(DRAFT_COLUMNS), select(*values).select_from(step))


def draft_params(draft: dict[str, Any]) -> dict[str, Any]:
    """``draft_after``'s parameters (the return's id is the step's)."""
    return {f"f_{column}": draft[column] for column in DRAFT_COLUMNS if column != "return_id"}


def _hidden(actor: Principal, fine: FineDecision) -> bool:
    """A draft is the office's business until decided: a taxpayer does not see it."""
    return actor.role is Role.TAXPAYER and fine.status == DRAFT


class FineService:
    """Draft fines, their confirmation by an officer, and reading them."""

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.session = session
        self.accounts = accounts

    async def get(self, actor: Principal, fine_id: int) -> FineDecision:
        """One fine decision; a taxpayer sees only its own, and only once confirmed."""
        fine = await self.session.get(FineDecision, fine_id)
        if fine is None or not actor.may_see_taxpayer(fine.tax_code) or _hidden(actor, fine):
            raise ResourceNotFoundError(f"No fine decision {fine_id}.")
        return fine

    async def for_return(self, actor: Principal, return_id: int) -> FineDecision | None:
        """The fine decision on a return (a taxpayer: once confirmed)."""
        fine = await self.session.scalar(select(FineDecision).where(FineDecision.return_id == return_id))
        if fine is None or not actor.may_see_taxpayer(fine.tax_code) or _hidden(actor, fine):
            return None
        return fine

    async def search(
        self, actor: Principal, *, status: str | None, tax_code: str | None, limit: int = 50
    ) -> list[FineDecision]:
        """Fine decisions, newest first (a taxpayer: its own confirmed ones)."""
        query = select(FineDecision).order_by(FineDecision.id.desc()).limit(max(1, min(limit, PAGE_MAX)))
        if actor.role is Role.TAXPAYER:
            query = query.where(FineDecision.tax_code == actor.tax_code, FineDecision.status == CONFIRMED)
        elif tax_code:
            query = query.where(FineDecision.tax_code == tax_code)
        if status:
            query = query.where(FineDecision.status == status)
        return list(await self.session.scalars(query))

    async def confirm(
        self,
        actor: Principal,
        fine_id: int,
        *,
        mitigating: int,
        aggravating: int,
        paid_before_record: bool,
        circumstances: str,
        now: datetime.datetime,
        calendar: WorkingCalendar,
    ) -> FineDecision:
        """Decide a draft: the fine the text sets for the circumstances found, charged unless it is a warning.

        Raises:
            ResourceNotFoundError: no such fine.
            ConflictError: it was decided already.
        """
        fine = await self.get(actor, fine_id)
        proposal = propose(
            fine.days_late,
            is_organisation=fine.is_organisation,
            tax_payable=fine.tax_payable,
            on=fine.violated_on,
            aggravating=aggravating,
            mitigating=mitigating,
            paid_before_record=paid_before_record,
        )
        decided_on = now.astimezone(VN_TZ).date()
        due_on = None if proposal.warning else calendar.add_working_days(decided_on, FINE_PAYMENT_WORKING_DAYS)
        changed = await self.session.execute(
            update(FineDecision)
            .where(FineDecision.id == fine_id, FineDecision.status == DRAFT)
            .values(
                status=CONFIRMED,
                amount=proposal.amount,
                warning=proposal.warning,
                clause=proposal.clause,
                legal_basis=proposal.legal_basis,
                mitigating=mitigating,
                aggravating=aggravating,
                paid_before_record=paid_before_record,
                circumstances=circumstances.strip(),
                decided_at=now,
                decided_by=actor.username,
                due_on=due_on,
                updated_at=now,
            )
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(f"Fine decision {fine_id} was decided already.")
        if due_on is not None:
            await self.accounts.post(
                [
                    NewCharge(
                        taxpayer_id=fine.taxpayer_id,
                        tax_code=fine.tax_code,
                        tax_type=_TAX_TYPE.get(fine.form_code, "VAT"),
                        sub_item=FINE_SUB_ITEM,
                        period=fine.period,
                        kind=ChargeKind.FINE,
                        amount=proposal.amount,
                        due_on=due_on,
                        interest_from=due_on,
                        source=f"fine:{fine_id}",
                        note=f"Phạt chậm nộp tờ khai {fine.form_code} {fine.period}, {fine.days_late} ngày "
                        f"({proposal.legal_basis})",
                    )
                ]
            )
        await audit.record(
            self.session,
            actor,
            "fine.confirm",
            "fine_decision",
            fine_id,
            {
                "proposed": fine.proposed_amount,
                "amount": proposal.amount,
                "clause": proposal.clause,
                "mitigating": mitigating,
                "aggravating": aggravating,
                "paid_before_record": paid_before_record,
            },
        )
        await self.session.refresh(fine)
        return fine
