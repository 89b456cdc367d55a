"""The debtor-list pages: officers select, the head of the office confirms, anyone reads the public list."""

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.roles import Role
from tests.arrears.worklist_support import D, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

M = 1_000_000
ON = D(2025, 10, 30)


async def test_officer_selects_head_confirms_and_the_public_sees_it(
    browser: PageClient, login: Login, session: AsyncSession, clock: Clock, app: Litestar
) -> None:
    clock.set(2025, 10, 30)
    debtor = await taxpayer(session, "Công ty Nợ Lâu")
    case = await open_case(session, debtor, oldest_due_on=D(2025, 7, 31), total=7_654_321, as_of=ON)
    frozen = await taxpayer(session, "Công ty Được Khoanh")
    await open_case(session, frozen, oldest_due_on=D(2025, 1, 31), total=50 * M, as_of=ON, category="frozen")

    assert (await browser.get("/officer/debtors")).headers["location"].startswith("/login?next=")
    await login(Role.OFFICER, username="o-debt", tax_office="HNI")
    await browser.log_in("o-debt", PASSWORD)
    office = text_of(await browser.get("/officer/debtors"))
    assert f"{debtor.tax_code} Công ty Nợ Lâu" in office
    assert "7.654.321 ₫ 31/07/2025 91" in office
    assert "Công ty Được Khoanh" not in office  # a frozen debt is never a candidate
    bad = await browser.post("/officer/debtors/select", {"case_id": "abc"})
    assert bad.status_code == 422
    assert "Chọn một hồ sơ nợ" in text_of(bad)
    chosen = await browser.post("/officer/debtors/select", {"case_id": str(case.id)})
    assert chosen.status_code == 303
    assert "Chờ thủ trưởng phê duyệt" in text_of(await browser.get("/officer/debtors"))
    assert "Công ty Nợ Lâu" not in text_of(await browser.get("/debtors"))  # not public before the head confirms

    await login(Role.MANAGER, username="head-hni", tax_office="HNI")
    await browser.log_in("head-hni", PASSWORD)
    waiting = await browser.get("/officer/debtors")
    assert "Phê duyệt công khai" in text_of(waiting)
    entry = waiting.text.split('action="/officer/debtors/')[1].split("/confirm")[0]
    assert (await browser.post(f"/officer/debtors/{entry}/confirm", {})).status_code == 303
    public = text_of(await browser.get("/debtors"))
    assert f"{debtor.tax_code} Công ty Nợ Lâu 1 Láng, Hà Nội 7.654.321 ₫ 31/07/2025 91" in public
    assert "Nợ tiền thuế quá 90 ngày kể từ ngày hết thời hạn nộp thuế" in public
    assert "Công ty Nợ Lâu" not in text_of(await browser.get("/debtors?q=khoanh"))
    assert "Công ty Nợ Lâu" in text_of(await browser.get("/debtors?q=no lau"))
    async with PageClient(app, lang="en") as english:  # the reason as decided, in the visitor's language
        assert "Tax debt more than 90 days past the payment deadline" in text_of(await english.get("/debtors"))


async def test_public_list_in_english_and_who_may_not_select(login: Login, clock: Clock, app: Litestar) -> None:
    clock.set(2025, 10, 30)
    async with PageClient(app, lang="en") as english:
        page = await english.get("/debtors")
        assert page.status_code == 200
        assert "Published list of tax debtors" in text_of(page)
        assert "Nobody is on the list." in text_of(page)
        await login(Role.TAXPAYER, username="tp-debt", tax_code="0100109106")
        await english.log_in("tp-debt", PASSWORD)
        assert (await english.get("/officer/debtors")).status_code == 403
        assert (await english.post("/officer/debtors/select", {"case_id": "1"})).status_code == 403
