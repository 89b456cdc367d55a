"""The manager's dashboard: the reports API's figures for the same data, its charts, its workbooks, who sees it."""

import io
import json
import re
import zipfile
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

import httpx
import openpyxl
from defusedxml import ElementTree
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taxoffice.auth.roles import Role
from taxoffice.portal.formatting import money
from taxoffice.reports.charts import percent
from taxoffice.reports.services import CACHE
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login
from tests.taxoffice.portal.manager_data import M, two_years

PERIOD = "year=2026&month=11"
API = "/api/v1/reports"
SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)


async def _world(session: AsyncSession, factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    clock.set(2026, 12, 2)
    CACHE.clear()
    await two_years(session, factory)


async def _api(client: httpx.AsyncClient, headers: dict[str, str], name: str, query: str) -> dict[str, Any]:
    answer = await client.get(f"{API}/{name}?{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = json.loads(answer.content, parse_float=Decimal)
    return document


def _section(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(section for section in report["sections"] if section["key"] == key)


def _charts(html: str) -> dict[str, Element]:
    """Each inline chart of the page, parsed as XML (which it must be), by its id prefix."""
    charts = {}
    for svg in SVG.findall(html):
        root = ElementTree.fromstring(svg)
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None
        assert title.get("id")
        charts[str(title.get("id")).removesuffix("-title")] = root
    return charts


def _ids(root: Element, pattern: str) -> list[str]:
    return [str(e.get("id")) for e in root.iter() if re.fullmatch(pattern, str(e.get("id") or ""))]


async def test_the_dashboard_shows_the_figures_the_reports_api_gives(
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await _world(session, session_factory, clock)
    headers = await login(Role.MANAGER, username="boss", tax_office=None)
    query = "from=2026-01-01&to=2026-11-30"
    growth = _section(await _api(client, headers, "taxpayer-growth", query), "growth")
    collections = await _api(client, headers, "collections", query)
    arrears = await _api(client, headers, "arrears", f"{query}&group_by=bucket&as_of=2026-11-30")
    compliance = await _api(client, headers, "compliance", query)
    # Worked by hand: 3 registrations in 2026, 5 under management against 2 a year earlier; the tax of two
    # April 2026 returns collected (45 M + 60 M) against one April 2025 return (30 M).
    assert growth["totals"]["registered"] == 3
    assert growth["rows"][-1]["base"] == 5
    assert growth["rows"][-1]["base_year_earlier"] == 2
    paid = _section(collections, "collections")["totals"]
    assert (paid["collected"], paid["collected_year_earlier"]) == (105 * M, 30 * M)

    await browser.log_in("boss", PASSWORD)
    response = await browser.get(f"/manager?{PERIOD}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Tổng quan" in page
    assert "Đang quản lý 5 cùng kỳ năm trước: 2" in page
    assert f"Tăng so với cùng kỳ {percent(growth['rows'][-1]['base_growth_rate'])}" in page
    assert "Đăng ký mới từ đầu năm 3" in page
    assert f"Đã thu từ đầu năm {money(paid['collected'])}" in page
    assert f"Cùng kỳ năm trước {money(paid['collected_year_earlier'])}" in page
    assert f"Tăng/giảm {percent(paid['growth_rate'])}" in page  # 250 %
    stock = _section(arrears, "stock")
    assert stock["totals"]["amount"] > 0
    assert f"Tổng nợ thuế {money(stock['totals']['amount'])}" in page
    filing, payment = _section(compliance, "filing")["totals"], _section(compliance, "payment")["totals"]
    assert f"Nộp tờ khai đúng hạn {percent(filing['on_time_rate'])}" in page
    assert f"Nộp thuế đúng hạn (số tiền) {percent(payment['amount_rate'])}" in page
    assert "Chưa đặt dự toán thu năm 2026" in page  # no target: said so, none made up

    charts = _charts(response.text)
    assert set(charts) == {"chart-growth", "chart-collections", "chart-arrears", "chart-compliance"}
    months = 11  # January to November, whether money came in that month or not
    assert [row["period"] for row in _section(collections, "collections")["rows"]] == ["2026-05"]
    assert len(_ids(charts["chart-collections"], r"chart-collections-bar-[01]-\d+")) == 2 * months
    assert len(_ids(charts["chart-growth"], r"chart-growth-bar-[01]-\d+")) == 2 * months
    assert len(_ids(charts["chart-arrears"], r"chart-arrears-bar-0-\d+")) == len(stock["rows"])
    line = next(e for e in charts["chart-compliance"].iter() if e.get("id") == "chart-compliance-line-0")
    rates = [row["on_time_rate"] for row in _section(compliance, "filing")["rows"]]
    points = [e for e in line.iter() if e.tag.endswith("use")]
    assert len(points) == sum(rate is not None for rate in rates)


async def test_collected_against_the_target_once_a_manager_sets_one(
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await _world(session, session_factory, clock)
    headers = await login(Role.MANAGER, username="boss2", tax_office=None)
    body = {"year": 2026, "amount": 420 * M}
    assert (await client.put(f"{API}/targets", json=body, headers=headers)).status_code == 200
    targets = _section(await _api(client, headers, "collections", "from=2026-01-01&to=2026-11-30"), "targets")
    (row,) = targets["rows"]
    assert row["progress"] == Decimal("0.25")  # 105 M of 420 M

    await browser.log_in("boss2", PASSWORD)
    response = await browser.get(f"/manager?{PERIOD}")
    page = text_of(response)
    assert "Chưa đặt dự toán" not in page
    assert f"Đạt dự toán (Toàn Cục · mọi sắc thuế) {percent(row['progress'])}" in page
    assert f"đã thu {money(105 * M)} / dự toán {money(420 * M)}" in page
    target_chart = _charts(response.text)["chart-target"]
    assert len(_ids(target_chart, r"chart-target-bar-[01]-0")) == 2  # the target and the money collected


async def test_each_chart_links_its_workbook_which_the_session_downloads(
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await _world(session, session_factory, clock)
    headers = await login(Role.MANAGER, username="boss3", tax_office=None)
    rows = _section(await _api(client, headers, "collections", "from=2026-01-01&to=2026-11-30"), "collections")["rows"]
    await browser.log_in("boss3", PASSWORD)
    page = await browser.get(f"/manager?{PERIOD}")
    href = f"/manager/reports/collections.xlsx?{PERIOD}"
    assert f'href="{href.replace("&", "&amp;")}"' in page.text
    download = await browser.get(href)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="collections_2026-01-01_2026-11-30.xlsx"' in download.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    sheet = book.worksheets[1]
    values = list(sheet.iter_rows(min_row=3, max_row=2 + len(rows), max_col=3, values_only=True))
    assert [(row["period"], row["collected"], row["of_arrears"]) for row in rows] == values
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert charts == ["xl/charts/chart1.xml"]  # the native chart of collections against last year
    missing = await browser.get(f"/manager/reports/nothing.xlsx?{PERIOD}")
    assert missing.status_code == 404


async def test_officers_see_their_office_taxpayers_are_refused_visitors_log_in_first(
    app: Litestar, browser: PageClient, login: Login
) -> None:
    assert (await browser.get(f"/manager?{PERIOD}")).headers[
        "location"
    ] == "/login?next=%2Fmanager%3Fyear%3D2026%26month%3D11"
    workbook = await browser.get("/manager/reports/arrears.xlsx")
    assert workbook.status_code == 303
    assert workbook.headers["location"].startswith("/login?next=")
    await login(Role.TAXPAYER, username="tp-dash", tax_code="0100109106")
    await browser.log_in("tp-dash", PASSWORD)
    assert (await browser.get("/manager")).status_code == 403
    assert (await browser.get("/manager/reports/collections.xlsx")).status_code == 403
    await browser.post("/logout", {})
    await login(Role.OFFICER, username="officer-dash", tax_office="HNI")
    async with PageClient(app) as english:
        await english.get("/lang/en?next=/login")  # the language switch's cookie
        await english.log_in("officer-dash", PASSWORD)
        response = await english.get(f"/manager?{PERIOD}")
        assert response.status_code == 200
        page = text_of(response)
        assert "Dashboard · Tax office HNI" in page
        assert "No arrears stock yet" in page  # no flag-arrears run in this database
        assert "No collection target is set for 2026." in page


async def test_a_month_not_begun_is_shown_beside_the_selector(browser: PageClient, login: Login, clock: Clock) -> None:
    clock.set(2026, 12, 2)
    await login(Role.MANAGER, username="boss4", tax_office=None)
    await browser.log_in("boss4", PASSWORD)
    response = await browser.get("/manager?year=2027&month=3")
    assert response.status_code == 422
    assert 'aria-describedby="month-error"' in response.text
    assert "Tháng 03/2027 chưa bắt đầu." in text_of(response)
    assert (await browser.get("/manager?year=2026&month=13")).status_code == 400


async def test_an_officer_sees_its_own_office_as_the_api_scopes_it(
    browser: PageClient,
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    await _world(session, session_factory, clock)
    await login(Role.OFFICER, username="officer-other", tax_office="10200")
    await browser.log_in("officer-other", PASSWORD)
    other = text_of(await browser.get(f"/manager?{PERIOD}"))
    assert "Tổng quan · Cơ quan thuế 10200" in other
    assert f"Đã thu từ đầu năm {money(0)}" in other  # HNI's money is not 10200's
    await browser.post("/logout", {})
    headers = await login(Role.OFFICER, username="officer-hni", tax_office="HNI")
    mine = _section(await _api(client, headers, "collections", "from=2026-01-01&to=2026-11-30"), "collections")
    assert mine["totals"]["collected"] == 105 * M
    await browser.log_in("officer-hni", PASSWORD)
    assert f"Đã thu từ đầu năm {money(105 * M)}" in text_of(await browser.get(f"/manager?{PERIOD}"))
    await browser.post("/logout", {})
    await login(Role.OFFICER, username="officer-nowhere", tax_office=None)
    await browser.log_in("officer-nowhere", PASSWORD)
    refused = await browser.get(f"/manager?{PERIOD}")
    assert refused.status_code == 403  # as the API: an officer without an office sees no report
    assert "ask an administrator" in text_of(refused)
