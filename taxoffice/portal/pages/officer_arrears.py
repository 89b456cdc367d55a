"""Officers' pages: the arrears worklist with its filters, and one case (debts, ladder, timeline, forms)."""

import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from taxoffice.accounts.services import AccountService
from taxoffice.arrears import casefile, mappers
from taxoffice.arrears.ageing import Bucket
from taxoffice.arrears.categories import Category
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.schemas import Channel, SortOrder
from taxoffice.arrears.services import WorklistQuery, WorklistService
from taxoffice.auth.guards import STAFF_ONLY
from taxoffice.auth.roles import Principal
from taxoffice.errors import DomainError
from taxoffice.portal.pages.officer_forms import as_request, failure
from taxoffice.portal.rendering import page

Amount = Annotated[int, msgspec.Meta(ge=0, le=10**15)]
# What an officer records from the case page (a debt notice is issued with its own button: it makes the document).
RECORDABLE = [k.value for k in ActionKind if k is not ActionKind.DEBT_NOTICE]
PLAN_ROWS = 6


class WorklistFilters(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """The worklist's filters as the page's query string gives them (the API's, by the same names)."""

    bucket: Bucket | None = None
    stage: ActionKind | None = None
    category: Category | None = None
    mine: bool = False
    unassigned: bool = False
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    stalled: bool | None = None
    sort: SortOrder = SortOrder.AMOUNT
    cursor: str | None = None


def _filters(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The query string without empty values (an empty select means "any")."""
    return {k: v for k, v in request.query_params.items() if v != ""}


@get("/officer/arrears", guards=[STAFF_ONLY])
async def worklist_page(
    request: Request[Any, Any, Any],
    worklist: NamedDependency[WorklistService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template:
    """Open cases by amount or age, filtered by age bucket, ladder stage, category, officer, amount, stalled."""
    raw = _filters(request)
    context: dict[str, Any] = {"raw": raw, "items": [], "next_cursor": None, "errors": {}, "error": None}
    try:
        chosen = as_request(WorklistFilters, raw, strict=False)
        query = WorklistQuery(
            bucket=chosen.bucket,
            stage=chosen.stage,
            category=chosen.category,
            officer_id=actor.user_id if chosen.mine else None,
            unassigned=chosen.unassigned,
            min_amount=chosen.min_amount,
            max_amount=chosen.max_amount,
            stalled=chosen.stalled,
            sort=chosen.sort,
            cursor=chosen.cursor,
        )
        rows, next_cursor, cutoff = await worklist.search(actor, query, today)
    except DomainError as exc:
        return page(request, "officer_arrears.html", status_code=exc.status, **context | failure(exc))
    officers = await worklist.officers(actor.tax_office) if actor.tax_office else {}
    items = [mappers.case_read(c, name, today, cutoff) for c, name in rows]
    return page(
        request,
        "officer_arrears.html",
        **context | {"items": items, "next_cursor": next_cursor, "officers": officers},
    )


async def case_page(
    request: Request[Any, Any, Any],
    worklist: WorklistService,
    accounts: AccountService,
    actor: Principal,
    case_id: int,
    today: datetime.date,
    *,
    status_code: int = 200,
    **context: Any,  # noqa: ANN401 - a refused form's values and errors
) -> Template:
    """The case as it stands: the API's case detail, the debts aged to the day, one timeline, and the forms."""
    view = await worklist.get(actor, case_id, today)
    statement = await accounts.statement(view.case.tax_code, today)
    officers = await worklist.officers(view.case.tax_office)
    defaults: dict[str, Any] = {"form": {}, "errors": {}, "error": None, "which": None}
    return page(
        request,
        "officer_case.html",
        status_code=status_code,
        detail=mappers.case_detail(view, today),
        debts=casefile.aged_debts(statement.items, today, await accounts.frozen_on(view.case.taxpayer_id, today)),
        interest=statement.interest,
        # Payments since the oldest debt of the case fell due: what the taxpayer did about it.
        timeline=casefile.timeline(
            view.events, view.actions, view.notices, statement.lines, view.case.oldest_due_on, officers
        ),
        officers=officers,
        kinds=RECORDABLE,
        channels=[c.value for c in Channel],
        plan_rows=range(PLAN_ROWS),
        today=today,
        **defaults | context,
    )


@get("/officer/arrears/{case_id:int}", guards=[STAFF_ONLY])
async def case(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    worklist: NamedDependency[WorklistService],
    accounts: NamedDependency[AccountService],
    actor: NamedDependency[Principal],
    today: NamedDependency[datetime.date],
) -> Template:
    """One case (another office's is not found, as in the API)."""
    return await case_page(request, worklist, accounts, actor, case_id, today)


ROUTES = [worklist_page, case]
