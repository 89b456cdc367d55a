"""Hostile input into every page form and every page's query string: never a server error (5xx).

Each form is posted by the role it is for, with every field the portal's forms have set to the same hostile value
(empty, huge, negative, non-ASCII, markup, a bidi override, a far date, a number past 64 bits …); each page with
filters is opened with every filter set so. The answer may refuse the input (4xx) or take it (2xx/3xx): it may not
fail. Forms naming a record use the records of the access world, so the form itself is reached.
"""

import pytest

from filings.forms import VAT_01_GTGT
from tests.support.pages import PageClient
from tests.taxoffice.access_world import World
from tests.taxoffice.portal.test_page_access import pages_app, pages_connection, pages_world, visitors

__all__ = ["pages_app", "pages_connection", "pages_world", "visitors"]  # the page matrix's module fixtures

HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "9" * 40,
    "1e309",
    "1.234.567,89",
    "x" * 5000,
    "Nguyễn Văn A \u202e\u200b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "2026-13-45",
    "9999-12-31",
    "../../etc/passwd",
    "%00",
]
FIELDS = [
    "username",
    "password",
    "next",
    "current_password",
    "new_password",
    "repeat_password",
    "token",
    "kind",
    "name",
    "id_number",
    "street",
    "ward",
    "district",
    "province",
    "email",
    "phone",
    "parent_tax_code",
    "vat_frequency",
    "period",
    "form",
    "idempotency_key",
    "charge_ids",
    "decision",
    "reason",
    "note",
    "channel",
    "follow_up_on",
    "officer_id",
    "unfreeze",
    "tax_code",
    "number",
    "q",
    "status",
    "year",
    "month",
    *(f"due_on_{i}" for i in range(1, 7)),
    *(f"amount_{i}" for i in range(1, 7)),
    *(indicator.code for indicator in VAT_01_GTGT.indicators),
]
# Forms, and the principal of the access world whose role they are for.
FORMS = [
    ("/login", "anon"),
    ("/password/change", "off1"),
    ("/password/forgot", "anon"),
    ("/password/reset", "anon"),
    ("/registrations/new", "anon"),
    ("/taxpayer/returns/new", "tp_a"),
    ("/taxpayer/returns/check", "tp_a"),
    ("/taxpayer/pay/orders", "tp_b"),
    ("/officer/applications/{number}/decision", "off1"),
    ("/officer/payments/{payment_id}/assign", "off1"),
]
FILTERED = [
    ("/taxpayer", "tp_a"),
    ("/taxpayer/returns/new", "tp_a"),
    ("/officer/arrears", "off1"),
    ("/officer/taxpayers", "off1"),
    ("/officer/payments", "off1"),
    ("/officer/non-filers", "off1"),
    ("/officer/applications", "off1"),
    ("/manager", "manager"),
    ("/admin/outbox", "admin"),
    ("/registrations/track", "anon"),
]


@pytest.fixture(scope="module")
async def application(visitors: dict[str, PageClient]) -> str:
    """An application waiting for an officer of HNI (its number)."""
    body = {"kind": "enterprise", "name": "Công ty Thử Thách", "id_number": "0109555777", "address": {"street": "1"}}
    submitted = await visitors["anon"].http.post("/api/v1/registrations", json=body)
    assert submitted.status_code == 201, submitted.text
    number: str = submitted.json()["number"]
    return number


def _path(template: str, world: World, number: str) -> str:
    return template.format(number=number, payment_id=world.payment_id)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
async def test_no_form_fails_on_hostile_input(
    visitors: dict[str, PageClient], pages_world: World, application: str, value: str
) -> None:
    failed = []
    for template, who in FORMS:
        client = visitors[who]
        await client.get("/login")  # a fresh CSRF token (a page that every visitor may open)
        answer = await client.post(_path(template, pages_world, application), dict.fromkeys(FIELDS, value))
        if answer.status_code >= 500:
            failed.append(f"{template}: {answer.status_code}")
    assert failed == []


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
async def test_no_page_fails_on_hostile_filters(visitors: dict[str, PageClient], value: str) -> None:
    failed = []
    for path, who in FILTERED:
        answer = await visitors[who].get(path, params=dict.fromkeys(FIELDS[:40], value[:300]))
        if answer.status_code >= 500:
            failed.append(f"{path}: {answer.status_code}")
    assert failed == []
