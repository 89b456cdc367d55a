"""Each role's menu: the pages it works in (a page still checks the role itself)."""

from dataclasses import dataclass

from taxoffice.auth.roles import Principal, Role


@dataclass(frozen=True)
class MenuItem:
    """A link in the menu, named in both languages."""

    href: str
    vi: str
    en: str


TAXPAYER = (
    MenuItem("/taxpayer", "Nghĩa vụ khai thuế", "Obligations"),
    MenuItem("/taxpayer/returns/new", "Nộp tờ khai", "File a return"),
    MenuItem("/taxpayer/returns", "Tờ khai đã nộp", "Returns filed"),
    MenuItem("/taxpayer/account", "Tài khoản thuế", "Tax account"),
    MenuItem("/taxpayer/pay", "Nộp thuế", "Pay"),
)
OFFICER = (
    MenuItem("/officer/applications", "Hồ sơ đăng ký", "Applications"),
    MenuItem("/officer/taxpayers", "Người nộp thuế", "Taxpayers"),
    MenuItem("/officer/arrears", "Nợ thuế", "Arrears"),
    MenuItem("/officer/debtors", "Công khai nợ thuế", "Debtor list"),
    MenuItem("/officer/payments", "Khoản nộp chưa khớp", "Unmatched payments"),
    MenuItem("/officer/non-filers", "Chưa nộp tờ khai", "Non-filers"),
    MenuItem("/officer/fines", "Phạt chậm nộp", "Late-filing fines"),
)
MANAGER = (
    MenuItem("/manager", "Tổng quan", "Dashboard"),
    MenuItem("/officer/debtors", "Công khai nợ thuế", "Debtor list"),
)
ADMIN = (MenuItem("/admin/outbox", "Thư đi", "Outbox"),)
BANK = (MenuItem("/schema/swagger", "Tài liệu API", "API documentation"),)

_MENUS: dict[Role, tuple[MenuItem, ...]] = {
    Role.TAXPAYER: TAXPAYER,
    Role.OFFICER: OFFICER,
    Role.MANAGER: MANAGER,
    Role.ADMIN: tuple(dict.fromkeys(OFFICER + MANAGER + ADMIN)),  # the debtor list once, though in both menus
    Role.BANK: BANK,
}
HOMES: dict[Role, str] = {
    Role.TAXPAYER: "/taxpayer",
    Role.OFFICER: "/officer/arrears",
    Role.MANAGER: "/manager",
    Role.ADMIN: "/manager",
    Role.BANK: "/bank",
}


def menu_for(user: Principal | None) -> tuple[MenuItem, ...]:
    """The menu of ``user`` (nothing for a visitor who has not logged in)."""
    return _MENUS.get(user.role, ()) if user and user.role else ()


def home_of(user: Principal) -> str:
    """The page a user lands on after logging in."""
    return HOMES.get(user.role, "/") if user.role else "/"
