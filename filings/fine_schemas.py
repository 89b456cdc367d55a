"""Fine decisions as the API reads and decides them."""

import datetime
from typing import Annotated

from msgspec import Meta, Struct

from filings.models import FineDecision

Circumstances = Annotated[int, Meta(ge=0, le=20)]


class FineConfirmation(Struct, forbid_unknown_fields=True, kw_only=True):
    """An officer's decision on a draft fine: the circumstances found (none: the draft as proposed)."""

    mitigating: Circumstances = 0
    aggravating: Circumstances = 0
    paid_before_record: Annotated[
        bool,
        Meta(
            description="over 90 days late with tax payable: tax and interest paid before the office's record "
            "(Decree 125/2020 Art. 13(5)); false: Art. 17(1)(a)"
        ),
    ] = True
    circumstances: Annotated[str, Meta(max_length=1000, description="what was found, in words")] = ""


class FineRead(Struct, kw_only=True):
    """A late-filing fine: proposed (draft) or decided (confirmed), with the provision that sets it."""

    id: int
    return_id: int
    tax_code: str
    form: str
    period: str
    days_late: int
    tax_payable: int
    status: str
    proposed_amount: int
    amount: int
    warning: bool
    clause: str
    legal_basis: str
    mitigating: int
    aggravating: int
    paid_before_record: bool
    circumstances: str
    decided_at: datetime.datetime | None
    decided_by: str | None
    due_on: datetime.date | None


def fine_read(fine: FineDecision) -> FineRead:
    """The API's view of a fine decision."""
    return FineRead(
        id=fine.id,
        return_id=fine.return_id,
        tax_code=fine.tax_code,
        form=fine.form_code,
        period=fine.period,
        days_late=fine.days_late,
        tax_payable=fine.tax_payable,
        status=fine.status,
        proposed_amount=fine.proposed_amount,
        amount=fine.amount,
        warning=fine.warning,
        clause=fine.clause,
        legal_basis=fine.legal_basis,
        mitigating=fine.mitigating,
        aggravating=fine.aggravating,
        paid_before_record=fine.paid_before_record,
        circumstances=fine.circumstances,
        decided_at=fine.decided_at,
        decided_by=fine.decided_by,
        due_on=fine.due_on,
    )
