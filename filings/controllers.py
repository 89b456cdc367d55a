"""HTTP routes of e-filing: forms, obligations, returns."""

import datetime
from typing import Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from filings import forms, mappers
from filings.direct import FilingCounter
from filings.documents import ReturnDocuments
from filings.export import XML_MEDIA_TYPE
from filings.fine_controllers import FineController
from filings.intake import file_media
from filings.obligation_service import ObligationService
from filings.periods import days_late
from filings.schemas import FormRead, ObligationRead, ReturnDetail, ReturnReceipt, ReturnSubmission
from filings.services import RETURN_MAX_BYTES, FilingService
from taxoffice.auth.guards import STAFF_OR_TAXPAYER
from taxoffice.auth.roles import Principal
from taxoffice.calendar import VN_TZ
from taxoffice.documents.sheet import PDF
from taxoffice.errors import FieldError, InvalidRequestError, ResourceNotFoundError
from taxoffice.openapi import BINARY, JSON, described, problems, replayed, struct_schema
from taxoffice.params import OptionalYear
from taxoffice.workdays.services import CalendarService

# A return is read from the body itself: JSON, HTKK XML, or a browser's form with the file.
RETURN_BODY = {
    JSON: struct_schema(ReturnSubmission),
    XML_MEDIA_TYPE: {"type": "string", "description": "An HTKK XML return (HSoThueDTu)."},
    "multipart/form-data": {
        "type": "object",
        "properties": {"file": {**BINARY, "description": "The return file: HTKK XML or JSON."}},
        "required": ["file"],
    },
}
# A body of another media type; an original already filed for the period, or a supplement with nothing to amend.
RETURN_PROBLEMS = problems(409, 415)


def _caller(request: Request[Any, Any, Any]) -> Principal:
    """The token's principal (the route's guard has admitted only staff and taxpayers)."""
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise ResourceNotFoundError("No such resource.")  # unreachable behind the guard; never serve the anonymous
    return user


async def _submission(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """The return's bytes and media type: the body, or the file of a ``multipart/form-data`` form (a browser's)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return await request.body(), content_type
    form = await request.form()
    for value in form.values():
        if isinstance(value, UploadFile):
            data = await value.read()
            return data, file_media(value.content_type, value.filename, data)
    message = "The form has no file: send the HTKK XML (or JSON) file in a file field, e.g. file=@return.xml."
    raise InvalidRequestError(message, errors=[FieldError("file", "missing", message)])


def _now(request: Request[Any, Any, Any]) -> datetime.datetime:
    """The current instant from the app's clock (what the ``now`` dependency provides)."""
    now: datetime.datetime = request.app.state.clock()
    return now


def _pdf(filename: str, content: bytes) -> Response[bytes]:
    return Response(content, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{filename}"'})


class FormController(Controller):
    """Form definitions, for clients to render and check returns."""

    path = "/forms"
    tags = ["e-filing"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listForms", exclude_from_auth=True)
    async def list_forms(self) -> list[FormRead]:
        """Every form version (past, current and announced)."""
        return [mappers.form_read(f) for f in forms.all_forms()]

    @get("/{slug:str}", operation_id="getForm", exclude_from_auth=True)
    async def get_form(
        self, slug: FromPath[str], today: NamedDependency[datetime.date], on: FromQuery[datetime.date | None] = None
    ) -> FormRead:
        """One form, in the version in force on ``on`` (default: today)."""
        day = on or today
        try:
            return mappers.form_read(forms.find_form(slug, day))
        except KeyError as exc:
            raise ResourceNotFoundError(f"No form {slug!r} in force on {day.isoformat()}.") from exc


class ObligationController(Controller):
    """What a taxpayer owes."""

    path = "/taxpayers/{tax_code:str}/obligations"
    tags = ["e-filing"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listObligations", guards=[STAFF_OR_TAXPAYER])
    async def obligations(
        self,
        tax_code: FromPath[str],
        obligation_service: NamedDependency[ObligationService],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        year: FromQuery[OptionalYear] = None,
    ) -> list[ObligationRead]:
        """Returns owed for a year, with deadlines and status (upcoming, due, filed, filed_late, overdue)."""
        calendar = await calendar_service.calendar()
        return await obligation_service.for_year(actor, tax_code, year or today.year, today, calendar)


class ReturnController(Controller):
    """E-returns: JSON or HTKK XML."""

    path = "/returns"
    tags = ["e-filing"]  # noqa: RUF012 - Litestar reads a plain list

    @post(
        operation_id="submitReturn",
        guards=[STAFF_OR_TAXPAYER],
        request_max_body_size=RETURN_MAX_BYTES,
        operation_class=described(body=RETURN_BODY),
        responses={**RETURN_PROBLEMS, **replayed(ReturnReceipt)},
    )
    async def submit(
        self, request: Request[Any, Any, Any], filing_counter: NamedDependency[FilingCounter]
    ) -> Response[ReturnReceipt]:
        """File a return; the answer is the receipt and the acceptance or rejection with reasons."""
        # One dependency only: Litestar resolves a level of several dependencies in an anyio task group, a
        # measurable share of this hot path's CPU; the caller and the clock are read here as their providers do.
        body, media = await _submission(request)
        ret, created = await filing_counter.submit(
            _caller(request), body, media, request.headers.get("idempotency-key"), _now(request)
        )
        return Response(mappers.receipt(ret), status_code=201 if created else 200)

    @post(
        "/validate",
        operation_id="validateReturn",
        guards=[STAFF_OR_TAXPAYER],
        status_code=200,
        request_max_body_size=RETURN_MAX_BYTES,
        operation_class=described(body=RETURN_BODY),
        responses=RETURN_PROBLEMS,
    )
    async def validate(
        self,
        request: Request[Any, Any, Any],
        filing_service: NamedDependency[FilingService],
        calendar_service: NamedDependency[CalendarService],
        actor: NamedDependency[Principal],
        now: NamedDependency[datetime.datetime],
    ) -> ReturnDetail:
        """A dry run: the same checks and figures as filing, nothing stored."""
        body, media = await _submission(request)
        checked = await filing_service.validate(actor, body, media, now, await calendar_service.calendar())
        return mappers.dry_run(checked, now, days_late(now.astimezone(VN_TZ).date(), checked.due_on))

    @get(
        "/{return_id:int}",
        operation_id="getReturn",
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={XML_MEDIA_TYPE: {"type": "string"}}),
        responses=problems(409),  # format=xml of a return that came as JSON
    )
    async def get_return(
        self,
        return_id: FromPath[int],
        filing_service: NamedDependency[FilingService],
        actor: NamedDependency[Principal],
        format: FromQuery[Literal["json", "xml"]] = "json",  # noqa: A002 - the query parameter's public name
    ) -> ReturnDetail | Response[bytes]:
        """A return, its notices and figures; ``format=xml``: the HTKK XML document.

        The XML document is the bytes received for an XML return, or an accepted JSON return written on its form
        version.
        """
        if format == "xml":
            ret, document = await filing_service.xml_document(actor, return_id)
            filename = f"{ret.transaction_code or ret.id}.xml"
            return Response(
                document,
                media_type=XML_MEDIA_TYPE,
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return mappers.detail(await filing_service.get(actor, return_id))

    @get(
        "/{return_id:int}/receipt.pdf",
        operation_id="getReturnReceiptPdf",
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={PDF: BINARY}),
    )
    async def receipt_pdf(
        self,
        return_id: FromPath[int],
        return_documents: NamedDependency[ReturnDocuments],
        actor: NamedDependency[Principal],
    ) -> Response[bytes]:
        """The receipt notice of the return (form 01-1/TB-TĐT) as PDF."""
        return _pdf(*await return_documents.receipt(actor, return_id))

    @get(
        "/{return_id:int}/notice.pdf",
        operation_id="getReturnNoticePdf",
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={PDF: BINARY}),
        responses=problems(409),  # not decided yet
    )
    async def notice_pdf(
        self,
        return_id: FromPath[int],
        return_documents: NamedDependency[ReturnDocuments],
        actor: NamedDependency[Principal],
    ) -> Response[bytes]:
        """The acceptance or rejection notice of the return (form 01-2/TB-TĐT) as PDF, with the reasons."""
        return _pdf(*await return_documents.notice(actor, return_id))

    @get(operation_id="listReturns", guards=[STAFF_OR_TAXPAYER])
    async def list_returns(
        self,
        filing_service: NamedDependency[FilingService],
        actor: NamedDependency[Principal],
        tax_code: FromQuery[str | None] = None,
        form: FromQuery[str | None] = None,
        period: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
    ) -> list[ReturnReceipt]:
        """Returns, newest first."""
        rows = await filing_service.search(actor, tax_code=tax_code, form=form, period=period, status=status)
        return [mappers.receipt(r) for r in rows]


ROUTES = [FormController, ObligationController, ReturnController, FineController]
