"""The public debtor list (anyone), and the office's page where officers select debtors and its head confirms them."""

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from taxoffice.arrears import mappers, publication
from taxoffice.arrears.debtors import PUBLISHED, SELECTED, DebtorListService, decode_after, encode_after
from taxoffice.arrears.publication_service import PublicationService
from taxoffice.auth.guards import HEADS, OFFICERS, STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError, FieldError, ValidationFailedError
from taxoffice.portal.forms import Form
from taxoffice.portal.pages.auth import PUBLIC
from taxoffice.portal.pages.officer_forms import failure
from taxoffice.portal.rendering import page

PAGE_SIZE = 50
QUERY_MAX = 100


@dataclass
class SelectForm:
    """One case selected for the public list."""

    case_id: str = ""


@get("/debtors", opt=PUBLIC)
async def public_list(
    request: Request[Any, Any, Any],
    debtor_list: NamedDependency[DebtorListService],
    today: NamedDependency[datetime.date],
) -> Template:
    """The published debtors, largest debt first, searchable by tax code or name, 50 a page; the XLSX linked."""
    q = (request.query_params.get("q") or "").strip()[:QUERY_MAX]
    cursor = request.query_params.get("cursor") or None
    after = decode_after(cursor) if cursor else None
    listing = await debtor_list.listing(today, q=q or None, limit=PAGE_SIZE, after=after)
    lag = await debtor_list.replica_lag()
    return page(
        request,
        "debtors_public.html",
        listing=mappers.debtors(listing),
        q=q,
        next_cursor=encode_after(listing.next_after) if listing.next_after else None,
        first_page=after is None,
        replica_lag=None if lag is None else f"{lag:.1f}",
        reason_in_english=publication.reason_in_english,
    )


async def _office_page(
    request: Request[Any, Any, Any],
    publication: PublicationService,
    actor: Principal,
    today: datetime.date,
    *,
    status_code: int = 200,
    **context: Any,  # noqa: ANN401 - whatever the template shows
) -> Template:
    candidates = [mappers.candidate(c) for c in await publication.candidates(actor, today)]
    entries = [mappers.debtor_entry(e) for e in await publication.entries(actor)]
    return page(
        request,
        "officer_debtors.html",
        status_code=status_code,
        candidates=candidates,
        waiting=[e for e in entries if e.status == SELECTED],
        published=[e for e in entries if e.status == PUBLISHED],
        **{"error": None, "errors": {}} | context,
    )


@get("/officer/debtors", guards=[STAFF_ONLY])
async def office_list(
    request: Request[Any, Any, Any],
    debtor_publication: NamedDependency[PublicationService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template:
    """Candidates of the office (over 90 days, not excluded), the selected ones waiting for the head, the published."""
    return await _office_page(request, debtor_publication, actor, today)


@post("/officer/debtors/select", guards=[OFFICERS])
async def select(
    request: Request[Any, Any, Any],
    data: Form[SelectForm],
    debtor_publication: NamedDependency[PublicationService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template | Redirect:
    """An officer selects a case for the list; it waits for the head of the office."""
    try:
        if not data.case_id.isdigit():
            raise ValidationFailedError(
                "Choose a case to select.",
                errors=[FieldError("case_id", "required", "Chọn một hồ sơ nợ. / Choose a case.")],
            )
        await debtor_publication.select(actor, [int(data.case_id)], today)
    except DomainError as exc:
        return await _office_page(request, debtor_publication, actor, today, status_code=exc.status, **failure(exc))
    return Redirect("/officer/debtors", status_code=303)


@post("/officer/debtors/{entry_id:int}/confirm", guards=[HEADS])
async def confirm(
    request: Request[Any, Any, Any],
    entry_id: FromPath[int],
    debtor_publication: NamedDependency[PublicationService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template | Redirect:
    """The head of the office confirms a selected debtor: it is on the public list from now on."""
    try:
        await debtor_publication.confirm(actor, entry_id, today)
    except DomainError as exc:
        return await _office_page(request, debtor_publication, actor, today, status_code=exc.status, **failure(exc))
    return Redirect("/officer/debtors", status_code=303)


ROUTES = [public_list, office_list, select, confirm]
