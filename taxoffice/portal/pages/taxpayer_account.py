"""The taxpayer's account as a page, a workbook and a PDF statement; and the debt notices issued to it, as PDF.

The account: what is owed, interest to the day, payments, credits.
"""

import datetime
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from taxoffice.accounts import mappers
from taxoffice.accounts.account import running_balances
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.workbook import account_workbook
from taxoffice.arrears.notices import NoticeService
from taxoffice.arrears.taxpayer_plan import TaxpayerPlans
from taxoffice.auth.roles import Principal
from taxoffice.documents.sheet import PDF
from taxoffice.errors import ResourceNotFoundError
from taxoffice.portal.pages.taxpayer import GUARDS, own_code
from taxoffice.portal.rendering import page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A notice id has at most this many digits (a BIGINT); longer is no notice.
_ID_DIGITS = 18


@get("/taxpayer/account", guards=GUARDS)
async def account(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    accounts: NamedDependency[AccountService],
    notices: NamedDependency[NoticeService],
    taxpayer_plans: NamedDependency[TaxpayerPlans],
    today: NamedDependency[datetime.date],
) -> Template:
    """The account today, as ``GET /taxpayers/{tax_code}/account`` gives it, with the balance after each entry.

    Above the entries the instalment plan agreed for its debt, if any; below them the debt notices issued to the
    taxpayer, as ``GET /taxpayers/{tax_code}/notices`` lists them.
    """
    code = own_code(actor)
    statement = await accounts.statement(code, today)
    return page(
        request,
        "taxpayer_account.html",
        account=mappers.account(statement),
        lines=list(zip(statement.lines, running_balances(statement.lines), strict=True)),
        notices=await notices.notices_of(actor, code),
        plan=await taxpayer_plans.plan_of(code, today),
    )


@get("/taxpayer/account.xlsx", guards=GUARDS)
async def account_xlsx(
    actor: NamedDependency[Principal], accounts: NamedDependency[AccountService], today: NamedDependency[datetime.date]
) -> Response[bytes]:
    """The same account as an XLSX workbook."""
    code = own_code(actor)
    content = account_workbook(await accounts.statement(code, today))
    filename = f"tai-khoan-thue-{code}-{today.isoformat()}.xlsx"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@get("/taxpayer/account.pdf", guards=GUARDS)
async def account_pdf(
    actor: NamedDependency[Principal], accounts: NamedDependency[AccountService], today: NamedDependency[datetime.date]
) -> Response[bytes]:
    """The same account as a printable statement (PDF), as ``GET /taxpayers/{tax_code}/account.pdf`` gives it."""
    name, pdf = await accounts.statement_pdf(own_code(actor), today, today)
    return Response(pdf, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'})


@get("/taxpayer/notices/{file:str}", guards=GUARDS)
async def notice_pdf(
    file: FromPath[str], actor: NamedDependency[Principal], notices: NamedDependency[NoticeService]
) -> Response[bytes]:
    """A debt notice issued to the taxpayer, as PDF (``/taxpayer/notices/12.pdf``): what ``…/notices/{id}/pdf`` gives."""
    number, pdf = await notices.pdf(actor, own_code(actor), _notice_id(file))
    return Response(pdf, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{number}.pdf"'})


def _notice_id(file: str) -> int:
    # Litestar matches whole path segments only, so the id and the ".pdf" arrive together.
    digits = file.removesuffix(".pdf")
    if not file.endswith(".pdf") or not digits.isascii() or not digits.isdigit() or len(digits) > _ID_DIGITS:
        raise ResourceNotFoundError(f"No debt notice {file}.")
    return int(digits)


ROUTES = [account, account_xlsx, account_pdf, notice_pdf]
