"""The world the access matrix runs in: two taxpayers, two banks, two offices' officers, a manager, an admin."""

import datetime
from dataclasses import dataclass, field

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from registry.schemas import Address, TaxpayerCreate
from registry.services import TaxpayerService
from registry.vocabulary import TaxpayerKind
from taxoffice.accounts.payment_orders import PaymentOrderService, Treasury
from taxoffice.accounts.payment_record import PaymentRecord
from taxoffice.accounts.payments import PaymentService
from taxoffice.accounts.services import AccountService, NewCharge
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.roles import Principal, Role
from taxoffice.auth.services import UserService, principal_of
from taxoffice.auth.tokens import issue_token
from taxoffice.config import Settings
from tests.support.users import PASSWORD

# The principals, in the order of the expected statuses in the matrix.
PRINCIPALS = ("anon", "tp_a", "tp_b", "bank1", "bank2", "off1", "off2", "manager", "admin")
OFFICE_1, OFFICE_2 = "HNI", "HCM"
MISSING = 999_999  # an id nothing has


@dataclass
class World:
    """What the requests name: tax codes, ids, and each principal's headers."""

    tax_code_a: str = ""
    tax_code_b: str = ""
    payment_id: int = 0
    order_reference: str = ""
    registration: str = ""
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


async def _taxpayer(session: AsyncSession, id_number: str, office: str) -> str:
    actor = Principal(user_id=None, username="tests", role=Role.OFFICER, tax_office=office)
    data = TaxpayerCreate(
        kind=TaxpayerKind.ENTERPRISE,
        name="Công ty Ma Trận",
        id_number=id_number,
        address=Address(street="1 Láng"),
        tax_office=office,
    )
    taxpayer = await TaxpayerService(session).register(actor, data, datetime.date(2026, 1, 5))
    return taxpayer.tax_code


async def build_world(app: Litestar, session: AsyncSession, settings: Settings) -> World:
    """Create it all, committed to the caller's transaction."""
    world = World()
    world.tax_code_a = await _taxpayer(session, "0109555001", OFFICE_1)
    world.tax_code_b = await _taxpayer(session, "0109555002", OFFICE_1)
    users = UserService(session, settings)
    system = Principal.system("tests")
    specs = {
        "tp_a": (Role.TAXPAYER, world.tax_code_a, OFFICE_1),
        "tp_b": (Role.TAXPAYER, world.tax_code_b, OFFICE_1),
        "bank1": (Role.BANK, None, None),
        "bank2": (Role.BANK, None, None),
        "off1": (Role.OFFICER, None, OFFICE_1),
        "off2": (Role.OFFICER, None, OFFICE_2),
        "manager": (Role.MANAGER, None, OFFICE_1),
        "admin": (Role.ADMIN, None, None),
    }
    world.headers["anon"] = {}
    for name, (role, tax_code, office) in specs.items():
        user = await users.create(
            system, username=f"matrix.{name}", password=PASSWORD, role=role, tax_code=tax_code, tax_office=office
        )
        token = issue_token(app.state.jwt_auth, principal_of(user), user.token_version)
        world.headers[name] = {"Authorization": f"Bearer {token}"}
    await users.create(system, username="matrix.target", password=PASSWORD, role=Role.OFFICER, tax_office=OFFICE_1)
    bank1 = Principal(user_id=None, username="matrix.bank1", role=Role.BANK)
    payment, _new = await PaymentService(session).record(
        bank1,
        PaymentRecord(
            bank_ref="MATRIX-0001", tax_code=world.tax_code_a, amount=1_000_000, paid_on=datetime.date(2026, 3, 2)
        ),
        datetime.date(2026, 3, 2),
    )
    world.payment_id = payment.id
    await AccountService(session).post(
        [NewCharge(payment.taxpayer_id or 0, world.tax_code_a, "VAT", "1701", "2026-02", ChargeKind.TAX, 2_000_000,
                   datetime.date(2026, 3, 20), datetime.date(2026, 3, 20), "matrix")]
    )  # fmt: skip
    officer = Principal(user_id=None, username="tests", role=Role.OFFICER, tax_office=OFFICE_1)
    order, _lines = await PaymentOrderService(session, Treasury.from_settings(settings)).create(
        officer, world.tax_code_a, None, datetime.datetime.now(datetime.UTC)
    )
    world.order_reference = order.reference
    await session.commit()
    return world
