"""HTTP routes of the taxpayer account."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from registry.services import visible_code
from taxoffice.accounts.extension_controllers import ROUTES as EXTENSION_ROUTES
from taxoffice.accounts.order_controllers import ROUTES as ORDER_ROUTES
from taxoffice.accounts.payment_controllers import ROUTES as PAYMENT_ROUTES
from taxoffice.accounts.schemas import ChargeRead, ChargesRead
from taxoffice.accounts.services import AccountService
from taxoffice.auth.guards import STAFF_OR_TAXPAYER
from taxoffice.auth.roles import Principal


class ChargeController(Controller):
    """What has been charged to a taxpayer (assessed tax, fines)."""

    path = "/taxpayers/{tax_code:str}/charges"
    tags = ["accounts"]  # noqa: RUF012 - Litestar reads a plain list

    @get(operation_id="listCharges", guards=[STAFF_OR_TAXPAYER])
    async def charges(
        self,
        tax_code: FromPath[str],
        accounts: NamedDependency[AccountService],
        actor: NamedDependency[Principal],
        period: FromQuery[str | None] = None,
    ) -> ChargesRead:
        """Every charge posted to the taxpayer, oldest due first."""
        code = visible_code(actor, tax_code)
        rows = await accounts.charges(code, period=period)
        return ChargesRead(
            tax_code=code,
            total=sum(c.amount for c in rows),
            charges=[
                ChargeRead(
                    id=c.id,
                    tax_type=c.tax_type,
                    sub_item=c.sub_item,
                    period=c.period,
                    kind=c.kind,
                    amount=c.amount,
                    due_on=c.due_on,
                    interest_from=c.interest_from,
                    source=c.source,
                    note=c.note,
                    posted_at=c.created_at,
                )
                for c in rows
            ],
        )


ROUTES = [ChargeController, *PAYMENT_ROUTES, *ORDER_ROUTES, *EXTENSION_ROUTES]
