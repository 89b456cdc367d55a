"""Officers' pages: finding a taxpayer (accent-free), and one taxpayer's record, history, returns, account, case."""

import datetime
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from filings import mappers as filing_mappers
from filings.services import FilingService
from registry import mappers
from registry.search import SearchQuery
from registry.services import TaxpayerService
from registry.statuses import LABELS
from taxoffice.accounts import mappers as account_mappers
from taxoffice.accounts.services import AccountService
from taxoffice.arrears.services import WorklistService
from taxoffice.auth.guards import STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.portal.rendering import page

STATUS_LABELS = {status.value: label for status, label in LABELS.items()}
QUERY_MAX = 100


@get("/officer/taxpayers", guards=[STAFF_ONLY])
async def search(
    request: Request[Any, Any, Any],
    taxpayers: NamedDependency[TaxpayerService],
    actor: NamedDependency[Principal],
) -> Template:
    """Find taxpayers by tax code, or by words of the name with or without accents ("nguyen van")."""
    q = (request.query_params.get("q") or "").strip()[:QUERY_MAX]
    cursor = request.query_params.get("cursor") or None
    rows, next_cursor = await taxpayers.search(actor, SearchQuery(q=q, cursor=cursor)) if q else ([], None)
    return page(
        request,
        "officer_taxpayers.html",
        q=q,
        items=[mappers.taxpayer_read(r) for r in rows],
        next_cursor=next_cursor,
        status_labels=STATUS_LABELS,
    )


@get("/officer/taxpayers/{tax_code:str}", guards=[STAFF_ONLY])
async def taxpayer(
    request: Request[Any, Any, Any],
    tax_code: FromPath[str],
    taxpayers: NamedDependency[TaxpayerService],
    filing_service: NamedDependency[FilingService],
    accounts: NamedDependency[AccountService],
    worklist: NamedDependency[WorklistService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template:
    """The record, its status history, the returns filed, the account to the day, and the open arrears case."""
    record = mappers.taxpayer_read(await taxpayers.get(actor, tax_code))
    code = record.tax_code
    history = [mappers.change_read(c) for c in await taxpayers.history(actor, code)]
    returns = await filing_service.search(actor, tax_code=code, form=None, period=None, status=None, limit=50)
    return page(
        request,
        "officer_taxpayer.html",
        taxpayer=record,
        history=list(reversed(history)),
        returns=[filing_mappers.receipt(r) for r in returns],
        account=account_mappers.account(await accounts.statement(code, today)),
        case=await worklist.open_case_of(actor, code),
        status_labels=STATUS_LABELS,
    )


ROUTES = [search, taxpayer]
