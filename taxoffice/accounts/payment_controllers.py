"""HTTP routes of payments (banks and officers) and of the taxpayer account."""

import datetime
import tempfile
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from registry.services import parse_code, visible_code
from taxoffice.accounts import mappers
from taxoffice.accounts.errors import TaxCodeRequiredError
from taxoffice.accounts.imports import check_size, import_statement
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.payments import PaymentService
from taxoffice.accounts.schemas import (
    AccountRead,
    ImportResult,
    PaymentAssign,
    PaymentCreate,
    PaymentPage,
    PaymentRead,
    PaymentReversal,
    RejectedRow,
)
from taxoffice.accounts.services import AccountService
from taxoffice.auth.guards import OFFICERS, STAFF_ONLY, STAFF_OR_TAXPAYER, requires
from taxoffice.auth.roles import Principal, Role
from taxoffice.config import Settings
from taxoffice.documents.sheet import PDF
from taxoffice.errors import ValidationFailedError
from taxoffice.openapi import BINARY, XLSX, described, problems, replayed
from taxoffice.params import Cursor, PageLimit
from taxoffice.validity import optional_date

# The bank's statement file as the body (Swagger offers a file to choose).
STATEMENT_FILE = {**BINARY, "description": "The bank statement file: CSV, or the bank's XLSX export."}

BANKS_AND_OFFICERS = requires(Role.ADMIN, Role.OFFICER, Role.BANK)
_SPOOL_BYTES = 8 * 1024 * 1024


def payer_code(raw: str | None, reference: str | None) -> str:
    """The payment's normalised tax code; with a payment-order reference a missing or invalid one is ``""``.

    Raises:
        ValidationFailedError: no reference, and the tax code is missing or invalid.
    """
    if reference is not None:
        try:
            return parse_code(raw) if raw else ""
        except ValidationFailedError:
            return ""  # the order's taxpayer is used; the payment's note keeps nothing of a code that is not one
    if not raw:
        raise TaxCodeRequiredError
    return parse_code(raw)


class PaymentController(Controller):
    """Money received: intake from banks, statements, the unmatched queue, reversals."""

    path = "/payments"
    tags = ["payments"]  # noqa: RUF012 - Litestar reads a plain list

    @post(
        operation_id="recordPayment",
        guards=[BANKS_AND_OFFICERS],
        responses={**replayed(PaymentRead), **problems(409)},  # 409: the same reference with other data
    )
    async def record(
        self,
        data: JSONBody[PaymentCreate],
        payments: NamedDependency[PaymentService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
    ) -> Response[PaymentRead]:
        """Record a payment: 201 when new, 200 when the same reference and data came before, 409 otherwise."""
        item = PaymentRecord(
            bank_ref=data.bank_ref,
            tax_code=payer_code(data.tax_code, data.reference),
            amount=data.amount,
            paid_on=data.paid_on,
            period=data.period,
            sub_item=data.sub_item,
            chapter=data.chapter,
            payer_name=data.payer_name,
            tax_office=data.tax_office,
            reference=data.reference,
        )
        payment, created = await payments.record(actor, item, today)
        return Response(mappers.payment(payment), status_code=201 if created else 200)

    @post(
        "/import",
        operation_id="importStatement",
        guards=[OFFICERS],
        request_max_body_size=None,  # the settings' statement_max_bytes, checked below as the body arrives
        status_code=200,
        operation_class=described(body=dict.fromkeys(("text/csv", XLSX), STATEMENT_FILE)),
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        settings: NamedDependency[Settings],
        filename: FromQuery[str | None] = None,
    ) -> ImportResult:
        """Import a bank statement (CSV or XLSX, the file as the body); counts, and the first rejected rows."""
        declared = request.headers.get("content-length", "")
        check_size(int(declared) if declared.isdigit() else 0, settings)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            received = 0
            async for chunk in request.stream():
                received += len(chunk)
                check_size(received, settings)
                spool.write(chunk)
            spool.seek(0)
            outcome = await import_statement(db_session, actor, spool, today, settings, filename=filename)  # type: ignore[arg-type]
        return ImportResult(
            imported=outcome.imported,
            duplicates=outcome.duplicates,
            unmatched=outcome.unmatched,
            rejected=[RejectedRow(row=row, reason=reason) for row, reason in outcome.rejected],
            rejected_count=outcome.rejected_count,
            rejected_by_column=dict(outcome.rejected_by_column),
        )

    @get(operation_id="listPayments", guards=[STAFF_ONLY])
    async def search(
        self,
        payments: NamedDependency[PaymentService],
        status: FromQuery[str | None] = None,
        tax_code: FromQuery[str | None] = None,
        cursor: FromQuery[Cursor] = None,
        limit: FromQuery[PageLimit] = 50,
    ) -> PaymentPage:
        """Payments by status (``unmatched`` is the queue to resolve) and tax code, in keyset pages."""
        rows = await payments.search(status=status, tax_code=tax_code, after=cursor, limit=limit)
        return PaymentPage(
            items=[mappers.payment(p) for p in rows], next_cursor=rows[-1].id if len(rows) >= limit else None
        )

    @get("/{payment_id:int}", operation_id="getPayment", guards=[STAFF_ONLY])
    async def get_payment(self, payment_id: FromPath[int], payments: NamedDependency[PaymentService]) -> PaymentRead:
        """One payment."""
        return mappers.payment(await payments.get(payment_id))

    @post(
        "/{payment_id:int}/assign",
        operation_id="assignPayment",
        guards=[OFFICERS],
        status_code=200,
        responses=problems(409),  # only an unmatched payment is assigned
    )
    async def assign(
        self,
        payment_id: FromPath[int],
        data: JSONBody[PaymentAssign],
        payments: NamedDependency[PaymentService],
        actor: NamedDependency[Principal],
    ) -> PaymentRead:
        """Give an unmatched payment to the taxpayer it belongs to (audited)."""
        return mappers.payment(await payments.assign(actor, payment_id, data.tax_code, data.note))

    @post(
        "/{payment_id:int}/reversal",
        operation_id="reversePayment",
        guards=[BANKS_AND_OFFICERS],
        status_code=200,
        responses=problems(409),  # reversed already
    )
    async def reverse(
        self,
        payment_id: FromPath[int],
        data: JSONBody[PaymentReversal],
        payments: NamedDependency[PaymentService],
        actor: NamedDependency[Principal],
    ) -> PaymentRead:
        """Cancel a payment the bank reversed; its allocations are undone."""
        return mappers.payment(await payments.reverse(actor, payment_id, data.reason))


class AccountController(Controller):
    """A taxpayer's account: what is owed, interest to the day, credits, and the lines behind them."""

    path = "/taxpayers/{tax_code:str}"
    tags = ["accounts"]  # noqa: RUF012 - Litestar reads a plain list

    @get("/account", operation_id="getAccount", guards=[STAFF_OR_TAXPAYER])
    async def account(
        self,
        tax_code: FromPath[str],
        accounts: NamedDependency[AccountService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        as_of: FromQuery[datetime.date | None] = None,
    ) -> AccountRead:
        """The account on ``as_of`` (default today): interest as if paid that day."""
        code = visible_code(actor, tax_code)
        return mappers.account(await accounts.statement(code, optional_date(as_of, "as_of") or today))

    @get(
        "/account.pdf",
        operation_id="getAccountPdf",
        media_type=PDF,
        guards=[STAFF_OR_TAXPAYER],
        operation_class=described(answers={PDF: BINARY}),
    )
    async def account_pdf(
        self,
        tax_code: FromPath[str],
        accounts: NamedDependency[AccountService],
        actor: NamedDependency[Principal],
        today: NamedDependency[datetime.date],
        as_of: FromQuery[datetime.date | None] = None,
    ) -> Response[bytes]:
        """The same account as a printable statement (PDF), produced today."""
        code = visible_code(actor, tax_code)
        name, pdf = await accounts.statement_pdf(code, optional_date(as_of, "as_of") or today, today)
        return Response(pdf, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'})


ROUTES = [PaymentController, AccountController]
