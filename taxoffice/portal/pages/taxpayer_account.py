"""The taxpayer's account (what is owed, interest to the day, payments, credits), as a page and a workbook."""

import datetime
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from taxoffice.accounts import views
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.statement import running_balances
from taxoffice.accounts.workbook import account_workbook
from taxoffice.auth.roles import Principal
from taxoffice.portal.pages.taxpayer import GUARDS, own_code
from taxoffice.portal.rendering import page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get("/taxpayer/account", guards=GUARDS)
async def account(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Principal],
    accounts: NamedDependency[AccountService],
    today: NamedDependency[datetime.date],
) -> Template:
    """The account today, as ``GET /taxpayers/{tax_code}/account`` gives it, with the balance after each entry."""
    statement = await accounts.statement(own_code(actor), today)
    return page(
        request,
        "taxpayer_account.html",
        account=views.account(statement),
        lines=list(zip(statement.lines, running_balances(statement.lines), strict=True)),
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


ROUTES = [account, account_xlsx]
