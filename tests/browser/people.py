"""The people of the journeys: logging in through the page, and the users and companies a journey needs, made as
an office makes them (the command line for staff, the API for the registry)."""

import random
import uuid

from playwright.async_api import Page

from tests.browser.live import LiveOffice

STRONG = "a-long-fresh-passphrase-7"
HANOI = {"street": "1 Tràng Tiền", "ward": "Tràng Tiền", "district": "Hoàn Kiếm"}


async def log_in(page: Page, username: str, password: str) -> None:
    """Log in through the front page's form."""
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.locator("form[action='/login'] button[type=submit]").click()


def new_officer(office: LiveOffice, tax_office: str = "HNI") -> tuple[str, str]:
    """A new officer of ``tax_office`` (``taxoffice users create``): username and password."""
    name = f"officer-{uuid.uuid4().hex[:6]}"
    office.cli(
        "users", "create", "--username", name, "--password", STRONG, "--role", "officer", "--tax-office", tax_office
    )
    return name, STRONG


def apply(office: LiveOffice, name: str, id_number: str) -> str:
    """Submit a registration application (as the public does); its number."""
    with office.api_anonymous() as api:
        receipt = api.post(
            "/api/v1/registrations",
            json={"kind": "enterprise", "name": name, "id_number": id_number, "address": HANOI},
        )
    receipt.raise_for_status()
    number: str = receipt.json()["number"]
    return number


def id_number() -> str:
    """A business registration number no other test uses."""
    return f"01{random.randrange(10**8):08d}"  # noqa: S311 - not a secret


def register_company(office: LiveOffice, officer: tuple[str, str], name: str, **record: str) -> str:
    """An enterprise of Hà Nội on the register (``POST /api/v1/taxpayers`` by ``officer``) with its e-filing login
    (``taxoffice users create``, password ``STRONG``): its tax code."""
    body = {"kind": "enterprise", "name": name, "id_number": id_number(), "address": HANOI, "tax_types": ["VAT"]}
    with office.api(*officer) as api:
        made = api.post("/api/v1/taxpayers", json=body | record)
    made.raise_for_status()
    tax_code: str = made.json()["tax_code"]
    office.cli(
        "users", "create", "--username", tax_code, "--password", STRONG, "--role", "taxpayer", "--tax-code", tax_code
    )
    return tax_code
