"""Model → response conversions for the registry API."""

import datetime

from registry.applications import is_overdue
from registry.models import RegistrationApplication, Taxpayer, TaxpayerChange
from registry.schemas import Address, ChangeRead, PublicTaxpayer, RegistrationRead, TaxpayerRead
from registry.statuses import LABELS, TaxpayerStatus
from taxoffice.documents.model import Addressee


def status_label(status: str) -> str:
    """The English label of a status code."""
    return LABELS[TaxpayerStatus(status)][1]


def taxpayer_read(tp: Taxpayer) -> TaxpayerRead:
    """A taxpayer as officers and the taxpayer see it."""
    return TaxpayerRead(
        tax_code=tp.tax_code,
        kind=tp.kind,
        name=tp.name,
        id_number=tp.id_number,
        address=Address(street=tp.street, ward=tp.ward, district=tp.district, province=tp.province),
        parent_tax_code=tp.parent_tax_code,
        tax_office=tp.tax_office,
        chapter=tp.chapter,
        email=tp.email,
        phone=tp.phone,
        registered_on=tp.registered_on,
        vat_frequency=tp.vat_frequency,
        tax_types=list(tp.tax_types),
        status=tp.status,
        status_label=status_label(tp.status),
        status_effective_on=tp.status_effective_on,
        status_reason=tp.status_reason,
        suspended_until=tp.suspended_until,
        updated_at=tp.updated_at,
    )


def public_read(tp: Taxpayer, shown_status: str) -> PublicTaxpayer:
    """What anyone may see."""
    return PublicTaxpayer(
        tax_code=tp.tax_code,
        name=tp.name,
        status=shown_status,
        status_label=status_label(shown_status),
        tax_office=tp.tax_office,
    )


def change_read(change: TaxpayerChange) -> ChangeRead:
    """One history entry."""
    return ChangeRead(
        at=change.created_at,
        change=change.change,
        actor=change.actor,
        effective_on=change.effective_on,
        reason=change.reason,
        fields=change.fields,
    )


def application_read(app: RegistrationApplication, today: datetime.date) -> RegistrationRead:
    """An application's status."""
    return RegistrationRead(
        number=app.number,
        status=app.status,
        kind=app.kind,
        name=app.name,
        tax_office=app.tax_office,
        submitted_on=app.submitted_on,
        due_on=app.due_on,
        is_overdue=is_overdue(app, today),
        decided_at=app.decided_at,
        reason=app.reason,
        tax_code=app.tax_code,
    )


def addressee(tp: Taxpayer) -> Addressee:
    """The taxpayer as a printed document addresses it: tax code, name, postal address and its tax office."""
    return Addressee(tp.tax_code, tp.name, tp.postal_address, tp.tax_office)
