"""A JSON return exported as HTKK XML on its form generation, and read back by the office to the same figures."""

from typing import Any

import httpx

from filings.forms import VAT_01_GTGT, assess
from filings.htkk import parse_htkk
from registry.models import Taxpayer
from taxoffice.auth.roles import Role
from tests.filings.test_returns_api import M, filer, vat_return, vat_values
from tests.support.users import Login

__all__ = ["filer"]  # the filer fixture of the returns API's tests


async def test_json_return_as_htkk_and_back(client: httpx.AsyncClient, login: Login, filer: Taxpayer) -> None:
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    values = vat_values(sales_10=200 * M)
    receipt = (
        await client.post("/api/v1/returns", json=vat_return(filer.tax_code, "2026-02", values), headers=me)
    ).json()
    exported = await client.get(f"/api/v1/returns/{receipt['id']}", params={"format": "xml"}, headers=me)
    assert exported.status_code == 200
    parsed = parse_htkk(exported.content)
    assert (parsed.htkk_code, parsed.tax_code, parsed.period.label) == ("842", filer.tax_code, "2026-02")
    assert {k: v for k, v in parsed.values.items() if k in values} == values
    # Read back by the office, the document gives the same figures.
    again = assess(VAT_01_GTGT, parsed.values)
    assert again.findings == []
    assert again.computed == receipt_detail(await client.get(f"/api/v1/returns/{receipt['id']}", headers=me))
    # A rejected JSON return is not exported.
    bad = vat_return(filer.tax_code, "2026-01", vat_values(ct33=1))
    rejected = (await client.post("/api/v1/returns", json=bad, headers=me)).json()
    assert rejected["status"] == "rejected"
    refused = await client.get(f"/api/v1/returns/{rejected['id']}", params={"format": "xml"}, headers=me)
    assert refused.status_code == 409
    # A browser form without a file is a 400 problem naming the field.
    empty = await client.post("/api/v1/returns", data={"note": "x"}, files={}, headers=me)
    assert empty.status_code in {400, 415}


def receipt_detail(response: httpx.Response) -> dict[str, Any]:
    computed: dict[str, Any] = response.json()["computed"]
    return computed
