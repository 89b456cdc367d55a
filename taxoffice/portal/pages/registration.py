"""Applying for a tax code from the portal, without an account: the form and its receipt."""

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from registry.applications import ApplicationService
from registry.schemas import RegistrationCreate, VatFrequency
from registry.vocabulary import TaxpayerKind
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError
from taxoffice.portal.forms import Form, convert, field_errors
from taxoffice.portal.pages.auth import PUBLIC
from taxoffice.portal.rendering import page
from taxoffice.workdays.services import CalendarService

KINDS = (
    (TaxpayerKind.ENTERPRISE, "Doanh nghiệp, tổ chức", "Enterprise or organisation"),
    (TaxpayerKind.HOUSEHOLD, "Hộ kinh doanh", "Household business"),
    (TaxpayerKind.INDIVIDUAL, "Cá nhân", "Individual"),
    (TaxpayerKind.BRANCH, "Chi nhánh, đơn vị phụ thuộc", "Branch or dependent unit"),
)


@dataclass
class ApplicationForm:
    """The application form, as a browser posts it (empty fields are absent)."""

    kind: str = ""
    name: str = ""
    id_number: str = ""
    street: str = ""
    ward: str = ""
    district: str = ""
    province: str = "Hà Nội"
    email: str = ""
    phone: str = ""
    parent_tax_code: str = ""
    tax_office: str = ""
    vat_frequency: str = VatFrequency.MONTHLY.value

    def as_request(self) -> dict[str, Any]:
        """The API's request body for these fields (``POST /api/v1/registrations``)."""
        optional = {
            "email": self.email,
            "phone": self.phone,
            "parent_tax_code": self.parent_tax_code,
            "tax_office": self.tax_office,
        }
        return {
            "kind": self.kind,
            "name": self.name.strip(),
            "id_number": self.id_number.strip(),
            "address": {
                "street": self.street.strip(),
                "ward": self.ward.strip(),
                "district": self.district.strip(),
                "province": self.province.strip(),
            },
            "vat_frequency": self.vat_frequency,
            **{key: value.strip() for key, value in optional.items() if value.strip()},
        }


async def _form(
    request: Request[Any, Any, Any],
    applications: ApplicationService,
    values: ApplicationForm,
    errors: dict[str, str],
    status: int,
) -> Template:
    offices = await applications.offices()
    return page(
        request,
        "registration_new.html",
        status_code=status,
        form=values,
        errors=errors,
        kinds=KINDS,
        offices=offices,
    )


@get("/registrations/new", opt=PUBLIC)
async def application_form(
    request: Request[Any, Any, Any], applications: NamedDependency[ApplicationService]
) -> Template:
    """The form to apply for a tax code (sent to one of the tax offices the system knows)."""
    start = ApplicationForm(kind=TaxpayerKind.ENTERPRISE.value, tax_office=applications.taxpayers.default_tax_office)
    return await _form(request, applications, start, {}, 200)


@post("/registrations/new", opt=PUBLIC)
async def submit_application(
    request: Request[Any, Any, Any],
    data: Form[ApplicationForm],
    actor: NamedDependency[Principal],
    applications: NamedDependency[ApplicationService],
    calendar_service: NamedDependency[CalendarService],
    now: NamedDependency[datetime.datetime],
) -> Template:
    """Store the application (the same checks as the API's) and show its receipt: the number to follow it by."""
    try:
        application = convert(data.as_request(), RegistrationCreate)
        calendar = await calendar_service.calendar()
        number, due_on, office = await applications.submit(actor, application, now, calendar)
    except DomainError as exc:
        errors = field_errors(exc.errors) or {"form": exc.detail}
        return await _form(request, applications, data, errors, exc.status)
    return page(
        request, "registration_receipt.html", number=number, due_on=due_on, name=application.name, tax_office=office
    )


ROUTES = [application_form, submit_application]
