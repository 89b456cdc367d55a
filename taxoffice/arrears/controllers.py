"""HTTP routes of the arrears worklist, debt notices, the public debtor list and manager oversight."""

import datetime
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter

from registry.services import parse_code
from taxoffice.arrears import mappers
from taxoffice.arrears.ageing import Bucket
from taxoffice.arrears.categories import Category
from taxoffice.arrears.debtors import DebtorListService, decode_after
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.notices import XLSX, NoticeService
from taxoffice.arrears.oversight import OversightService
from taxoffice.arrears.publication_service import PublicationService
from taxoffice.arrears.schemas import (
    ActionCreate,
    ActionResult,
    AssignCreate,
    AutoAssignCreate,
    AutoAssignRead,
    CaseDetail,
    CasePage,
    DebtorCandidateRead,
    DebtorEntryRead,
    DebtorSelection,
    ExportFormat,
    NoticeList,
    NoticeRead,
    OfficerLoad,
    OversightRead,
    SortOrder,
)
from taxoffice.arrears.services import WorklistQuery, WorklistService
from taxoffice.arrears.vocabulary import CaseStatus
from taxoffice.auth.guards import HEADS, MANAGERS, OFFICERS, STAFF_ONLY, STAFF_OR_TAXPAYER
from taxoffice.auth.roles import Principal
from taxoffice.documents.sheet import PDF
from taxoffice.openapi import BINARY, described, problems
from taxoffice.params import IdFilter, PageLimit
from taxoffice.validity import optional_date

AmountQuery = Annotated[int | None, Parameter(ge=0, le=10**15)]


class CaseController(Controller):
    """The worklist: cases, what the ladder proposes, and the actions officers record."""

    path = "/arrears/cases"
    tags = ["arrears"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listArrearsCases", guards=[STAFF_ONLY])
    async def search(
        self,
        worklist: NamedDependency[WorklistService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        status: FromQuery[CaseStatus] = CaseStatus.OPEN,
        bucket: FromQuery[Bucket | None] = None,
        stage: FromQuery[ActionKind | None] = None,
        category: FromQuery[Category | None] = None,
        officer_id: FromQuery[IdFilter] = None,
        unassigned: FromQuery[bool] = False,
        tax_office: FromQuery[str | None] = None,
        min_amount: FromQuery[AmountQuery] = None,
        max_amount: FromQuery[AmountQuery] = None,
        stalled: FromQuery[bool | None] = None,
        sort: FromQuery[SortOrder] = SortOrder.AMOUNT,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[PageLimit] = 50,
    ) -> CasePage:
        """Cases by bucket, stage, category, officer, office, amount, stalled; by amount or age; keyset pages."""
        query = WorklistQuery(
            status=status,
            bucket=bucket,
            stage=stage,
            category=category,
            officer_id=officer_id,
            unassigned=unassigned,
            tax_office=tax_office,
            min_amount=min_amount,
            max_amount=max_amount,
            stalled=stalled,
            sort=sort,
            cursor=cursor,
            limit=limit,
        )
        rows, next_cursor, cutoff = await worklist.search(actor, query, today)
        return CasePage(items=[mappers.case_read(c, name, today, cutoff) for c, name in rows], next_cursor=next_cursor)

    @get("/{case_id:int}", operation_id="getArrearsCase", guards=[STAFF_ONLY])
    async def get_case(
        self,
        case_id: FromPath[int],
        worklist: NamedDependency[WorklistService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> CaseDetail:
        """One case: history, actions, plan, notices, and the ladder's proposals for today."""
        return mappers.case_detail(await worklist.get(actor, case_id, today), today)

    @post(
        "/{case_id:int}/actions",
        operation_id="recordArrearsAction",
        guards=[OFFICERS],
        status_code=201,
        responses=problems(409),  # the case is closed, or already (not) frozen
    )
    async def record_action(
        self,
        case_id: FromPath[int],
        data: JSONBody[ActionCreate],
        worklist: NamedDependency[WorklistService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> ActionResult:
        """Record an action taken today (reminder, warning letter, enforcement, plan, freeze, note …)."""
        row, view = await worklist.record_action(actor, case_id, mappers.new_action(data), today)
        return ActionResult(action=mappers.action(row), case=mappers.case_detail(view, today))

    @post(
        "/{case_id:int}/assign",
        operation_id="assignArrearsCase",
        guards=[OFFICERS],
        status_code=200,
        responses=problems(409),  # the case is closed
    )
    async def assign(
        self,
        case_id: FromPath[int],
        data: JSONBody[AssignCreate],
        worklist: NamedDependency[WorklistService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> CaseDetail:
        """Give the case to an officer of its tax office."""
        return mappers.case_detail(await worklist.assign(actor, case_id, data.officer_id, today), today)

    @post(
        "/{case_id:int}/notices",
        operation_id="issueDebtNotice",
        guards=[OFFICERS],
        status_code=201,
        responses=problems(409),  # the case is closed, or nothing is overdue
    )
    async def issue_notice(
        self,
        case_id: FromPath[int],
        notices: NamedDependency[NoticeService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        now: NamedDependency[datetime.datetime],
    ) -> NoticeRead:
        """Issue a debt notice (01/TTN) as of today; the taxpayer finds it under its notices, and gets it by e-mail."""
        return mappers.notice(await notices.issue(actor, case_id, today, now))


class AssignmentController(Controller):
    """Automatic assignment of a tax office's cases."""

    path = "/arrears/auto-assign"
    tags = ["arrears"]  # noqa: RUF012 - Litestar reads a plain list

    @post(operation_id="autoAssignArrearsCases", guards=[OFFICERS], status_code=200)
    async def auto_assign(
        self,
        data: JSONBody[AutoAssignCreate],
        worklist: NamedDependency[WorklistService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> AutoAssignRead:
        """Give the office's unassigned open cases to its officers, largest first, balancing amounts held."""
        totals = await worklist.auto_assign(actor, data.tax_office, today)
        return AutoAssignRead(
            tax_office=data.tax_office,
            assigned=sum(t.assigned for t in totals),
            officers=[OfficerLoad(**vars(t)) for t in totals],
        )


class OversightController(Controller):
    """Managers' view of the worklist."""

    path = "/arrears/oversight"
    tags = ["arrears"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="arrearsOversight", guards=[MANAGERS])
    async def oversight(
        self,
        oversight: NamedDependency[OversightService],
        today: NamedDependency[datetime.date],
        from_on: Annotated[datetime.date | None, QueryParameter(name="from")] = None,
        to_on: Annotated[datetime.date | None, QueryParameter(name="to")] = None,
        tax_office: FromQuery[str | None] = None,
    ) -> OversightRead:
        """Per officer and per office: open cases, amounts held, stalled; collected and actions in the period."""
        end = optional_date(to_on, "to") or today
        start = optional_date(from_on, "from") or end.replace(day=1)
        return mappers.oversight(await oversight.report(start, end, tax_office, today))


class NoticeController(Controller):
    """A taxpayer's debt notices."""

    path = "/taxpayers/{tax_code:str}/notices"
    tags = ["arrears"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listDebtNotices", guards=[STAFF_OR_TAXPAYER])
    async def notices(
        self, tax_code: FromPath[str], notices: NamedDependency[NoticeService], actor: NamedDependency[Principal]
    ) -> NoticeList:
        """The taxpayer's notices, newest first."""
        code = parse_code(tax_code)
        rows = await notices.notices_of(actor, code)
        return NoticeList(tax_code=code, notices=[mappers.notice(n) for n in rows])

    @get(
        "/{notice_id:int}/file",
        operation_id="downloadDebtNotice",
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={XLSX: BINARY}),
    )
    async def file(
        self,
        tax_code: FromPath[str],
        notice_id: FromPath[int],
        notices: NamedDependency[NoticeService],
        actor: NamedDependency[Principal],
    ) -> Response[bytes]:
        """The notice's workbook, as issued."""
        number, document = await notices.document(actor, parse_code(tax_code), notice_id)
        return Response(
            document, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{number}.xlsx"'}
        )

    @get(
        "/{notice_id:int}/pdf",
        operation_id="downloadDebtNoticePdf",
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={PDF: BINARY}),
        responses=problems(409),  # issued before notices were kept as PDF
    )
    async def pdf(
        self,
        tax_code: FromPath[str],
        notice_id: FromPath[int],
        notices: NamedDependency[NoticeService],
        actor: NamedDependency[Principal],
    ) -> Response[bytes]:
        """The notice as PDF (form 01/TTN), as issued."""
        number, pdf = await notices.pdf(actor, parse_code(tax_code), notice_id)
        return Response(pdf, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})


class PublicDebtorController(Controller):
    """The public list of debtors more than 90 days overdue."""

    path = "/public/debtors"
    tags = ["public"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="publicDebtors", exclude_from_auth=True, operation_class=described(answers={XLSX: BINARY}))
    async def debtors(
        self,
        debtor_list: NamedDependency[DebtorListService],
        today: NamedDependency[datetime.date],
        format: FromQuery[ExportFormat] = ExportFormat.JSON,  # noqa: A002 - the public contract's parameter name
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=500)]] = 100,
        cursor: FromQuery[str | None] = None,
        q: FromQuery[Annotated[str | None, Parameter(max_length=100)]] = None,
    ) -> Response[Any]:
        """Confirmed debtors, largest first: JSON pages (``next_cursor``, ``q``: tax-code prefix or name) or the XLSX."""
        if format is ExportFormat.XLSX:
            name = f"debtors-{today.isoformat()}.xlsx"
            return Response(
                await debtor_list.workbook(today),
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        after = decode_after(cursor) if cursor is not None else None
        return Response(mappers.debtors(await debtor_list.listing(today, q=q, limit=limit, after=after)))


class DebtorPublicationController(Controller):
    """Officers select debtors for the public list; the head of the office (its manager) confirms them."""

    path = "/arrears/debtor-list"
    tags = ["arrears"]  # noqa: RUF012 - Litestar reads a plain list

    @get("/candidates", operation_id="debtorCandidates", guards=[STAFF_ONLY])
    async def candidates(
        self,
        debtor_publication: NamedDependency[PublicationService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        tax_office: FromQuery[str | None] = None,
    ) -> list[DebtorCandidateRead]:
        """Open cases of the office that qualify for the list today and are not selected yet."""
        found = await debtor_publication.candidates(actor, today, tax_office=tax_office)
        return [mappers.candidate(c) for c in found]

    @get("/entries", operation_id="debtorEntries", guards=[STAFF_ONLY])
    async def entries(
        self,
        debtor_publication: NamedDependency[PublicationService],
        actor: NamedDependency[Principal],
        status: FromQuery[str | None] = None,
        tax_office: FromQuery[str | None] = None,
    ) -> list[DebtorEntryRead]:
        """The office's entries: ``selected`` (waiting for the head) and ``published``."""
        found = await debtor_publication.entries(actor, status=status, tax_office=tax_office)
        return [mappers.debtor_entry(e) for e in found]

    @post("/entries", operation_id="selectDebtors", guards=[OFFICERS], responses=problems(404, 409))
    async def select(
        self,
        data: JSONBody[DebtorSelection],
        debtor_publication: NamedDependency[PublicationService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> list[DebtorEntryRead]:
        """Select cases of the officer's office for the public list (each waits for the head's confirmation)."""
        return [mappers.debtor_entry(e) for e in await debtor_publication.select(actor, data.case_ids, today)]

    @post(
        "/entries/{entry_id:int}/confirm",
        operation_id="confirmDebtor",
        guards=[HEADS],
        status_code=200,
        responses=problems(404, 409),
    )
    async def confirm(
        self,
        entry_id: FromPath[int],
        debtor_publication: NamedDependency[PublicationService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> DebtorEntryRead:
        """The head of the office confirms a selected debtor: it is public from now on, while its case qualifies."""
        return mappers.debtor_entry(await debtor_publication.confirm(actor, entry_id, today))


ROUTES = [
    CaseController,
    AssignmentController,
    OversightController,
    NoticeController,
    PublicDebtorController,
    DebtorPublicationController,
]
