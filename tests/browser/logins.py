"""The demo's logins on the browser tests' office: `taxoffice demo load` and `demo activity`, as a user runs them."""

from dataclasses import dataclass

from taxoffice.auth.roles import Role
from tests.browser.live import LiveOffice

ADMIN = ("tour-admin", "tour-admin-passphrase-2026")
# The README's demo logins (taxoffice/commands.py).
DEMO = {
    Role.OFFICER: ("officer", "officer-demo-2026"),
    Role.MANAGER: ("manager", "manager-demo-2026"),
    Role.BANK: ("bank", "bank-demo-2026"),
    Role.TAXPAYER: ("taxpayer", "taxpayer-demo-2026"),
}


@dataclass(frozen=True)
class DemoLogins:
    """Who may log in to the demo office, by role."""

    tax_code: str

    def of(self, role: Role) -> tuple[str, str]:
        """Username and password of the demo login of ``role``."""
        if role is Role.ADMIN:
            return ADMIN
        return DEMO[role]


def load_demo(office: LiveOffice) -> DemoLogins:
    """Load the demo (a small one, as `make demo` does) and an admin; the demo taxpayer's tax code."""
    office.cli("demo", "load", "--taxpayers", "300")
    office.cli("demo", "activity", "--filers", "20")
    office.cli("users", "create", "--username", ADMIN[0], "--password", ADMIN[1], "--role", "admin")
    with office.api(*DEMO[Role.TAXPAYER]) as api:
        me = api.get("/api/v1/auth/me")
    me.raise_for_status()
    return DemoLogins(tax_code=me.json()["tax_code"])
