"""The reports over HTTP: the three formats agree, access by role and office, bad parameters, targets, files."""

import csv
import datetime
import io
import json
from decimal import Decimal

import httpx
import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Role
from taxoffice.reports.monthly import keep_monthly_reports
from taxoffice.reports.services import CACHE
from tests.reports.helpers import Day, collected
from tests.support.users import Login

D = datetime.date
URL = "/api/v1/reports"
DAYS: list[Day] = [
    (D(2025, 2, 10), "HNI", "VAT", "1701", "tax", False, 8_000_000),
    (D(2026, 2, 3), "HNI", "VAT", "1701", "tax", False, 10_000_000),
    (D(2026, 2, 25), "HNI", "CIT", "1052", "tax", True, 2_500_000),
    (D(2026, 3, 15), "HNI", "VAT", "1701", "interest", True, 50_000),
    (D(2026, 3, 20), "10200", "PIT", "1001", "tax", False, 1_000_000),
]
QUERY = "from=2026-02-01&to=2026-03-31&group_by=tax_type"


async def _collections(session: AsyncSession) -> None:
    await collected(session, DAYS)
    CACHE.clear()


async def test_json_csv_and_xlsx_carry_the_same_numbers(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    await _collections(session)
    manager = await login(Role.MANAGER)
    answer = await client.get(f"{URL}/collections?{QUERY}", headers=manager)
    assert answer.status_code == 200, answer.text
    body = json.loads(answer.content, parse_float=Decimal)
    section = body["sections"][0]
    assert section["key"] == "collections"
    keys = [column["key"] for column in section["columns"]]
    from_json = [[row[key] for key in keys] for row in section["rows"]]
    assert from_json == [
        ["2026-02", "CIT", 2_500_000, 2_500_000, 0, 2_500_000, None],
        ["2026-02", "VAT", 10_000_000, 0, 8_000_000, 2_000_000, Decimal("0.25")],
        ["2026-03", "PIT", 1_000_000, 0, 0, 1_000_000, None],
        ["2026-03", "VAT", 50_000, 50_000, 0, 50_000, None],
    ]

    text = await client.get(f"{URL}/collections?{QUERY}&format=csv&lang=en", headers=manager)
    assert text.headers["content-type"].startswith("text/csv")
    assert text.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Period", "Tax type", "Collected"]
    from_csv = [[_number(cell) for cell in row] for row in table[1:-1]]
    assert from_csv == from_json
    assert table[-1][0] == "Total"

    workbook = await client.get(f"{URL}/collections?{QUERY}&format=xlsx", headers=manager)
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in workbook.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert len(book.sheetnames) == 3  # cover, collections, targets
    sheet = book[book.sheetnames[1]]
    assert sheet.cell(2, 3).value == "Số đã thu"
    from_xlsx = [[_number(c) for c in row] for row in sheet.iter_rows(min_row=3, max_row=6, values_only=True)]
    assert [row[: len(keys)] for row in from_xlsx] == from_json
    assert sheet.cell(3, 3).number_format == "#,##0"
    assert sheet.cell(4, 7).number_format == "0.00%"
    assert sheet.cell(7, 3).value == 13_550_000  # the totals row


def _number(value: object) -> object:
    """A CSV or XLSX cell as the JSON has it: blank → None, digits → int or Decimal."""
    if value in {"", None}:
        return None
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and value.lstrip("-").replace(".", "", 1).isdigit():
        return Decimal(value) if "." in value else int(value)
    return value


async def test_officers_see_their_own_office_only(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    await _collections(session)
    officer = await login(Role.OFFICER)  # of tax office HNI
    mine = (await client.get(f"{URL}/collections?{QUERY}", headers=officer)).json()
    assert mine["parameters"]["tax_office"] == "HNI"
    assert {row["tax_type"] for row in mine["sections"][0]["rows"]} == {"CIT", "VAT"}
    other = await client.get(f"{URL}/collections?{QUERY}&tax_office=10200", headers=officer)
    assert other.status_code == 403
    assert other.headers["content-type"] == "application/problem+json"
    assert (await client.get(f"{URL}/collections", headers=await login(Role.BANK))).status_code == 403
    assert (await client.get(f"{URL}/collections")).status_code == 401
    assert (await client.get(f"{URL}/files", headers=officer)).status_code == 403


async def test_bad_parameters_are_problems(client: httpx.AsyncClient, login: Login) -> None:
    manager = await login(Role.MANAGER)
    cases = {
        "collections?from=2026-03-01&to=2026-02-01": (422, "from"),
        "collections?group_by=tax_type,colour": (422, "group_by"),
        "taxpayer-growth?period=week": (422, "period"),
        "collections?lang=fr": (422, "lang"),
        "collections?format=csv&section=nothing": (422, "section"),
    }
    for path, (status, field) in cases.items():
        answer = await client.get(f"{URL}/{path}", headers=manager)
        assert answer.status_code == status, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in {error["field"] for error in answer.json()["errors"]}, path
    assert (await client.get(f"{URL}/collections?format=pdf", headers=manager)).status_code == 400
    assert (await client.get(f"{URL}/collections?from=2026-13-01", headers=manager)).status_code == 400
    assert (await client.get(f"{URL}/unknown-report", headers=manager)).status_code == 404
    # No flag-arrears run yet: nothing to report, said so.
    arrears = await client.get(f"{URL}/arrears?as_of=2026-03-31", headers=manager)
    assert arrears.status_code == 422
    assert "flag-arrears" in arrears.json()["detail"]


async def test_targets_are_set_by_managers(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> None:
    await _collections(session)
    manager, officer = await login(Role.MANAGER), await login(Role.OFFICER)
    body = {"year": 2026, "tax_office": "HNI", "tax_type": "VAT", "amount": 100_000_000}
    assert (await client.put(f"{URL}/targets", json=body, headers=officer)).status_code == 403
    saved = await client.put(f"{URL}/targets", json=body, headers=manager)
    assert saved.status_code == 200, saved.text
    assert saved.json()["amount"] == 100_000_000
    listed = (await client.get(f"{URL}/targets?year=2026", headers=officer)).json()
    assert [(t["tax_office"], t["tax_type"], t["amount"]) for t in listed] == [("HNI", "VAT", 100_000_000)]
    report = (await client.get(f"{URL}/collections?from=2026-01-01&to=2026-03-31", headers=manager)).json()
    targets = report["sections"][1]["rows"]
    # 10,050,000 of VAT collected in HNI since 1 January: 10.05 % of 100,000,000.
    assert [(t["target"], t["collected"], t["progress"]) for t in targets] == [(100_000_000, 10_050_000, 0.1005)]
    for wrong in ({**body, "tax_type": "XYZ"}, {**body, "amount": -1}, {**body, "colour": "red"}, {"year": 2026}):
        answer = await client.put(f"{URL}/targets", json=wrong, headers=manager)
        assert answer.status_code == 400, wrong


async def test_monthly_files_are_kept_once_and_downloaded(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    await _collections(session)
    now = datetime.datetime(2026, 4, 1, 21, 0, tzinfo=datetime.UTC)
    first = await keep_monthly_reports(session, D(2026, 4, 2), generated_by="job:monthly-reports", now=now)
    await session.commit()
    # Growth, collections and compliance for March; arrears waits for a flag-arrears run.
    assert (first.generated, first.already_kept, first.without_data) == (3, 0, 1)
    again = await keep_monthly_reports(session, D(2026, 4, 20), generated_by="job:monthly-reports", now=now)
    assert (again.generated, again.already_kept, again.without_data) == (0, 3, 1)
    manager = await login(Role.MANAGER)
    files = (await client.get(f"{URL}/files?period=2026-03", headers=manager)).json()
    assert [(f["name"], f["format"]) for f in files] == [
        ("collections", "xlsx"),
        ("compliance", "xlsx"),
        ("taxpayer-growth", "xlsx"),
    ]
    download = await client.get(files[0]["href"], headers=manager)
    assert download.status_code == 200
    assert len(download.content) == files[0]["size"]
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book[book.sheetnames[1]].cell(2, 1).value == "Kỳ"
    assert (await client.get(f"{URL}/files/999999", headers=manager)).status_code == 404
