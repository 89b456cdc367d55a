"""A branch's own registration number (``NNNNNNNNNN-NNN``), checked against its parent in the registry.

Since the Law on Enterprises 2014 a branch or dependent unit is registered under its own number, which is also its
tax code: the parent's 10 digits, a dash and a 3-digit suffix (docs/registry.md). An application that brings such a
number gets it as its tax code when the parent exists, is an active enterprise and the suffix is the parent's next;
anything else is refused with the rule it breaks. A branch that brings another kind of number (one issued before
2015) gets the parent's next code, as before.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import codes, taxcode
from registry.models import Taxpayer
from registry.schemas import RegistrationCreate, TaxpayerCreate
from registry.statuses import TaxpayerStatus
from registry.vocabulary import TaxpayerKind
from taxoffice.errors import FieldError, ValidationFailedError

_BRANCH_NUMBER_LENGTH = 13


def is_branch_number(id_number: str) -> bool:
    """Whether ``id_number`` has the form of a branch's number (with the dash, or 13 digits)."""
    digits = id_number.replace("-", "")
    return "-" in id_number or (len(digits) == _BRANCH_NUMBER_LENGTH and digits.isdigit())


def _refused(field: str, code: str, reason: str, raw: str) -> ValidationFailedError:
    return ValidationFailedError(
        f"The registration number {raw!r} cannot be a branch's: {reason}.", errors=[FieldError(field, code, reason)]
    )


async def own_number(
    session: AsyncSession, data: TaxpayerCreate | RegistrationCreate, *, lock: bool
) -> tuple[str, Taxpayer] | None:
    """The branch's own number and its parent's row when ``data`` brings one; None when it brings another kind.

    ``lock`` takes the parent's row lock (when issuing the code: suffixes are then counted under the lock).

    Raises:
        ValidationFailedError: a suffix on a number of another kind of taxpayer, or a branch number the law does not
            allow (branch of a branch, suffix 000, not the parent's next, parent unknown, inactive or not an
            enterprise, parent_tax_code naming another parent).
    """
    if not is_branch_number(data.id_number):
        return None
    if data.kind is not TaxpayerKind.BRANCH:
        raise ValidationFailedError(
            f"Only a branch or dependent unit has a number with a suffix ({data.id_number}).",
            errors=[FieldError("id_number", "id_number.suffix_not_allowed", f"Not for kind {data.kind.value}.")],
        )
    try:
        number = taxcode.normalize(data.id_number)
        raw_parent = data.parent_tax_code or number[: taxcode.ORGANISATION_LENGTH]
        parent_code = taxcode.normalize(raw_parent)
    except taxcode.InvalidTaxCodeError as exc:
        raise _refused("id_number", exc.code, str(exc), data.id_number) from exc
    query = select(Taxpayer).where(Taxpayer.tax_code == parent_code[: taxcode.ORGANISATION_LENGTH])
    parent = await session.scalar(query.with_for_update() if lock else query)
    if parent is None:
        raise ValidationFailedError(
            f"No taxpayer is registered under {parent_code}, the parent the number names.",
            errors=[FieldError("parent_tax_code", "branch_number.parent_unknown", "The parent is not registered.")],
        )
    try:
        checked = taxcode.branch_number(
            number,
            parent=parent_code,
            parent_kind=parent.kind,
            parent_active=parent.status == TaxpayerStatus.ACTIVE,
            next_suffix=await codes.next_branch_suffix(session, parent.tax_code),
        )
    except taxcode.InvalidTaxCodeError as exc:
        raise _refused("id_number", exc.code, str(exc), data.id_number) from exc
    return checked, parent
