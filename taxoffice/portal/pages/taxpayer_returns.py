"""The returns a taxpayer filed, and one return's receipt and acceptance or rejection notice."""

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from filings import forms, mappers
from filings.documents import ReturnDocuments
from filings.fine_schemas import fine_read
from filings.fine_service import FineService
from filings.services import FilingService
from filings.vocabulary import ReturnStatus
from taxoffice.auth.roles import Principal
from taxoffice.documents.sheet import PDF
from taxoffice.portal.pages.taxpayer import GUARDS, own_code
from taxoffice.portal.pages.taxpayer_return_form import PAGE_FORM
from taxoffice.portal.rendering import page

# How many returns the list shows (newest first), as the API's search answers at most.
LISTED = 100


@get("/taxpayer/returns", guards=GUARDS)
async def returns(
    request: Request[Any, Any, Any], actor: NamedDependency[Principal], filing_service: NamedDependency[FilingService]
) -> Template:
    """Every return the taxpayer filed, newest first, with its status."""
    rows = await filing_service.search(
        actor, tax_code=own_code(actor), form=None, period=None, status=None, limit=LISTED
    )
    return page(request, "taxpayer_returns.html", returns=[mappers.receipt(r) for r in rows])


@get("/taxpayer/returns/{return_id:int}", guards=GUARDS)
async def return_receipt(
    request: Request[Any, Any, Any],
    return_id: FromPath[int],
    actor: NamedDependency[Principal],
    filing_service: NamedDependency[FilingService],
    fine_service: NamedDependency[FineService],
) -> Template:
    """The receipt (transaction code, time, the document's SHA-256), the notice with its reasons, any fine decided."""
    ret = await filing_service.get(actor, return_id)  # another taxpayer's return is not found (404)
    fine = await fine_service.for_return(actor, ret.id)
    form = forms.find_form(ret.form_code, ret.form_valid_from)
    return page(
        request,
        "taxpayer_return.html",
        ret=mappers.detail(ret),
        uploaded=ret.source_format == "xml",
        form=form,
        amendable=ret.status == ReturnStatus.ACCEPTED and ret.is_current,
        on_page_form=ret.form_code == PAGE_FORM,
        fine=fine_read(fine) if fine is not None else None,
    )


def _pdf(filename: str, content: bytes) -> Response[bytes]:
    return Response(content, media_type=PDF, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@get("/taxpayer/returns/{return_id:int}/receipt.pdf", guards=GUARDS)
async def receipt_pdf(
    return_id: FromPath[int], actor: NamedDependency[Principal], return_documents: NamedDependency[ReturnDocuments]
) -> Response[bytes]:
    """The receipt notice (01-1/TB-TĐT) as PDF, as ``GET /api/v1/returns/{id}/receipt.pdf`` gives it."""
    return _pdf(*await return_documents.receipt(actor, return_id))


@get("/taxpayer/returns/{return_id:int}/notice.pdf", guards=GUARDS)
async def notice_pdf(
    return_id: FromPath[int], actor: NamedDependency[Principal], return_documents: NamedDependency[ReturnDocuments]
) -> Response[bytes]:
    """The acceptance or rejection notice (01-2/TB-TĐT) as PDF; 409 until the return is decided."""
    return _pdf(*await return_documents.notice(actor, return_id))


ROUTES = [returns, return_receipt, receipt_pdf, notice_pdf]
