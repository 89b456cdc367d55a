"""The officers' arrears pages: the worklist, a case with its timeline, and the forms that act on it."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from taxoffice.accounts.services import AccountService
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.arrears.ladder import ActionKind
from taxoffice.arrears.models import ArrearsCase
from taxoffice.arrears.services import NewAction, WorklistService
from taxoffice.auth.roles import Principal, Role
from taxoffice.portal.pages.officer_case_forms import ActionForm, action_body
from tests.arrears.worklist_support import D, charge, open_case, taxpayer
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

M = 1_000_000
ON = D(2025, 10, 30)


@pytest.fixture
async def case(session: AsyncSession, clock: Clock) -> ArrearsCase:
    """12,000,000 overdue since 31 Jul 2025 in HNI, seen on 30 Oct 2025 (91 days: enforcement due)."""
    clock.set(2025, 10, 30)
    debtor = await taxpayer(session, "Công ty Nợ Đọng")
    return await open_case(session, debtor, oldest_due_on=D(2025, 7, 31), total=12 * M, as_of=D(2025, 10, 30))


async def _officer(browser: PageClient, login: Login, username: str, office: str = "HNI") -> None:
    await login(Role.OFFICER, username=username, tax_office=office)
    assert (await browser.log_in(username, PASSWORD)).status_code == 303


async def test_the_worklist_shows_the_office_cases_aged_with_their_stage_and_filters(
    browser: PageClient, login: Login, case: ArrearsCase
) -> None:
    await _officer(browser, login, "o-list")
    response = await browser.get("/officer/arrears")
    assert response.status_code == 200
    page = text_of(response)
    assert "Công ty Nợ Đọng" in page
    assert "12.000.000 ₫" in page
    assert "91-120 ngày" in page
    assert "Quyết định cưỡng chế" in page
    assert "Chưa giao" in page
    assert "Công ty Nợ Đọng" not in text_of(await browser.get("/officer/arrears?bucket=1-30"))
    assert "Công ty Nợ Đọng" not in text_of(await browser.get("/officer/arrears?mine=true"))
    assert "Công ty Nợ Đọng" in text_of(await browser.get("/officer/arrears?min_amount=10000000&sort=age"))
    record = text_of(await browser.get(f"/officer/taxpayers/{case.tax_code}"))
    assert f"Mở hồ sơ nợ #{case.id} 12.000.000 ₫ quá hạn từ 31/07/2025" in record


async def test_a_bad_filter_is_shown_beside_its_field(browser: PageClient, login: Login, case: ArrearsCase) -> None:
    await _officer(browser, login, "o-bad-filter")
    response = await browser.get("/officer/arrears?min_amount=lots")
    assert response.status_code == 422
    assert 'id="min_amount-error"' in response.text
    assert case.id


async def test_an_officer_records_an_action_and_sees_it_in_the_timeline(
    browser: PageClient, login: Login, case: ArrearsCase
) -> None:
    await _officer(browser, login, "o-act")
    page = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Việc đề xuất tiếp theo" in page
    assert "Thông báo nợ (01/TTN)" in page
    missing = await browser.post(f"/officer/arrears/{case.id}/actions", {"kind": "reminder", "note": "Gọi kế toán"})
    assert missing.status_code == 422
    assert 'id="channel-error"' in missing.text
    assert "Gọi kế toán" in missing.text  # the note typed is kept
    done = await browser.post(
        f"/officer/arrears/{case.id}/actions",
        {"kind": "reminder", "channel": "phone", "note": "Gọi kế toán, hẹn nộp tuần sau", "follow_up_on": "2025-11-06"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/officer/arrears/{case.id}?done=action"
    after = text_of(await browser.get(done.headers["location"]))
    assert "Đã ghi thao tác." in after
    assert "30/10/2025 Thao tác Nhắc nợ Gọi kế toán, hẹn nộp tuần sau" in after
    assert "o-act" in after


async def test_an_officer_assigns_the_case_and_agrees_a_plan(
    browser: PageClient, login: Login, case: ArrearsCase
) -> None:
    await _officer(browser, login, "o-plan")
    await login(Role.OFFICER, username="o-plan-colleague")
    page = await browser.get(f"/officer/arrears/{case.id}")
    colleague = page.text.split(">o-plan-colleague<")[0].rsplit('value="', 1)[1].split('"')[0]
    assigned = await browser.post(f"/officer/arrears/{case.id}/assign", {"officer_id": colleague})
    assert assigned.status_code == 303
    after = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Cán bộ phụ trách o-plan-colleague" in after
    assert "Giao cán bộ" in after  # the assignment is a move of the timeline
    short = await browser.post(
        f"/officer/arrears/{case.id}/plan",
        {"due_on_0": "2025-11-15", "amount_0": "4.000.000", "due_on_1": "2025-12-15", "amount_1": "4.000.000"},
    )
    assert short.status_code == 422
    assert 'id="instalments-error"' in short.text or "field-error" in short.text
    thirds = {
        "due_on_0": "2025-11-15",
        "amount_0": "4.000.000",
        "due_on_1": "2025-12-15",
        "amount_1": "4.000.000",
        "due_on_2": "2026-01-15",
        "amount_2": "4000000",
        "note": "Công văn xin nộp dần số 7",
    }
    plan = await browser.post(f"/officer/arrears/{case.id}/plan", thirds)
    # Without a guarantee the plan is refused beside the guarantee's fields (Law 38/2019 Art. 124.5).
    assert plan.status_code == 422
    assert 'id="guarantee-error"' in plan.text
    assert "Art. 124.5: paying in instalments needs a bank guarantee." in plan.text
    guarantee = {"guarantor": "Ngân hàng TMCP Ngoại thương Việt Nam", "guarantee_valid_until": "2026-01-31"}
    small = await browser.post(
        f"/officer/arrears/{case.id}/plan",
        {"due_on_0": "2025-11-15", "amount_0": "12.000.000", **guarantee, "guarantee_amount": "10.000.000"},
    )
    assert small.status_code == 422
    assert 'id="guarantee_amount-error"' in small.text
    plan = await browser.post(
        f"/officer/arrears/{case.id}/plan", {**thirds, **guarantee, "guarantee_amount": "12.000.000"}
    )
    assert plan.status_code == 303, text_of(plan)
    shown = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Đang nộp dần" in shown
    assert "Nộp dần tiền thuế nợ Công văn xin nộp dần số 7" in shown
    assert "Bảo lãnh của Ngân hàng TMCP Ngoại thương Việt Nam, 12.000.000 ₫, hiệu lực đến 31/01/2026" in shown


async def test_an_officer_of_another_office_can_neither_open_nor_act_on_the_case(
    browser: PageClient, login: Login, case: ArrearsCase
) -> None:
    await _officer(browser, login, "o-hcm", office="HCM")
    assert "Công ty Nợ Đọng" not in text_of(await browser.get("/officer/arrears"))
    assert "Không có hồ sơ nợ đang mở" in text_of(await browser.get(f"/officer/taxpayers/{case.tax_code}"))
    assert (await browser.get(f"/officer/arrears/{case.id}")).status_code == 404
    refused = await browser.post(f"/officer/arrears/{case.id}/actions", {"kind": "note", "note": "x"})
    assert refused.status_code == 404
    assert (await browser.post(f"/officer/arrears/{case.id}/notices", {})).status_code == 404


async def test_a_manager_reads_the_case_without_the_forms(browser: PageClient, login: Login, case: ArrearsCase) -> None:
    await login(Role.MANAGER, username="m-read")
    await browser.log_in("m-read", PASSWORD)
    page = await browser.get(f"/officer/arrears/{case.id}")
    assert page.status_code == 200
    assert "Ghi thao tác hôm nay" not in text_of(page)
    assert (await browser.post(f"/officer/arrears/{case.id}/actions", {"kind": "note"})).status_code == 403


async def test_the_case_debts_name_a_fine_in_the_pages_language(
    browser: PageClient, login: Login, case: ArrearsCase, session: AsyncSession
) -> None:
    debtor = await session.get_one(Taxpayer, case.taxpayer_id)
    await charge(session, debtor, 12 * M, D(2025, 7, 31))
    await charge(session, debtor, 3_500_000, D(2025, 8, 11), sub_item="4254", kind=ChargeKind.FINE)
    await _officer(browser, login, "o-kinds")
    page = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "VAT 4254 · Tháng 06/2025 (tiền phạt)" in page
    assert "(fine)" not in page
    await browser.get("/lang/en?next=/")
    assert "(fine)" in text_of(await browser.get(f"/officer/arrears/{case.id}"))


async def test_the_case_page_in_english(browser: PageClient, login: Login, case: ArrearsCase) -> None:
    await _officer(browser, login, "o-en")
    await browser.get("/lang/en?next=/")  # the switch's cookie (PageClient's lang= cookie is not sent to "testserver")
    page = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Proposed next action" in page
    assert "Debts and their ageing, to today" in page
    assert "Record an action taken today" in page


async def test_a_notice_refused_by_the_service_is_explained_on_the_case_page(
    browser: PageClient, login: Login, case: ArrearsCase
) -> None:
    await _officer(browser, login, "o-notice")
    await browser.get(f"/officer/arrears/{case.id}")
    refused = await browser.post(f"/officer/arrears/{case.id}/notices", {})
    assert refused.status_code == 409  # the case was made by hand: nothing is overdue on its account
    assert 'class="notice bad" role="alert"' in refused.text
    assert "Công ty Nợ Đọng" in text_of(refused)


async def test_a_missed_instalment_shows_the_demand_on_the_guarantor_and_records_it(
    browser: PageClient, login: Login, case: ArrearsCase, clock: Clock
) -> None:
    await _officer(browser, login, "o-demand")
    bank = "Ngân hàng TMCP Ngoại thương Việt Nam"
    plan = {
        **{f"due_on_{i}": day for i, day in enumerate(("2025-11-15", "2025-12-15", "2026-01-15"))},
        **{f"amount_{i}": "4.000.000" for i in range(3)},
        "guarantor": bank,
        "guarantee_amount": "12.000.000",
        "guarantee_valid_until": "2026-01-31",
    }
    assert (await browser.post(f"/officer/arrears/{case.id}/plan", plan)).status_code == 303
    kept = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Đang thực hiện đúng" in kept
    assert "02/NDAN" not in kept.split("Ghi thao tác hôm nay")[0]
    # Nothing paid by Sat 15 Nov: on Thu 20 Nov the page asks for 02/NDAN to the bank by Fri 21 Nov (Art. 66.4).
    clock.set(2025, 11, 20)
    missed = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Không nộp đúng kỳ" in missed
    assert f"gửi mẫu 02/NDAN cho bên bảo lãnh {bank} và người nộp thuế, yêu cầu nộp thay 4.000.000" in missed
    assert "chậm nhất ngày 21/11/2025" in missed
    sent = await browser.post(f"/officer/arrears/{case.id}/actions", {"kind": "guarantor_demand"})
    assert sent.status_code == 303, text_of(sent)
    after = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Đã gửi ngày 20/11/2025" in after
    assert "Yêu cầu bên bảo lãnh nộp thay (02/NDAN)" in after  # in the timeline


async def _two_debts(session: AsyncSession, case: ArrearsCase) -> tuple[int, int]:
    """The case's debtor owes 12,000,000 due 31 Jul 2025 and 3,000,000 due 22 Sep: their charge ids."""
    debtor = await session.get_one(Taxpayer, case.taxpayer_id)
    await charge(session, debtor, 12 * M, D(2025, 7, 31))
    await charge(session, debtor, 3 * M, D(2025, 9, 22), period="2025-08")
    first, second = sorted(c.id for c in await AccountService(session).charges(debtor.tax_code))
    return first, second


async def test_a_freeze_of_some_debts_is_shown_on_the_case_page(
    browser: PageClient, login: Login, case: ArrearsCase, session: AsyncSession
) -> None:
    # 12,000,000 due 31 Jul 2025 frozen from 1 Sep by name; 3,000,000 due 22 Sep outside it (Decree 126/2020 Art.
    # 23.3): on 30 Oct the case is marked frozen but collected, the ladder counting from 22 Sep, the first debt marked.
    first, _second = await _two_debts(session, case)
    freeze = {"ground": "bankruptcy", "frozen_from": "2025-09-01", "charge_ids": [first]}
    actor = Principal(user_id=None, username="o-freeze", role=Role.OFFICER, tax_office="HNI")
    await WorklistService(session).record_action(actor, case.id, NewAction(ActionKind.FREEZE, details=freeze), ON)
    await session.commit()
    await _officer(browser, login, "o-partly")
    page = text_of(await browser.get(f"/officer/arrears/{case.id}"))
    assert "Có khả năng thu · Đang khoanh nợ" in page
    assert "Khoanh nợ một phần: khoản nợ ngoài quyết định khoanh nợ vẫn được thu như thường" in page
    assert "(hạn nộp 22/09/2025)" in page
    assert "VAT 1701 · Tháng 06/2025 Khoanh nợ 31/07/2025" in page
    assert "VAT 1701 · Tháng 08/2025 22/09/2025" in page
    assert "Có khả năng thu · khoanh nợ một phần" in text_of(await browser.get("/officer/arrears"))


async def test_an_officer_freezes_the_debts_chosen_on_the_case_page(
    browser: PageClient, login: Login, case: ArrearsCase, session: AsyncSession
) -> None:
    # The form names the ground, the first day and the debts ticked: one of two here; the other stays collected.
    first, second = await _two_debts(session, case)
    await _officer(browser, login, "o-freeze-form")
    page = await browser.get(f"/officer/arrears/{case.id}")
    assert f'name="freeze_debt" value="{first}"' in page.text
    assert f'name="freeze_debt" value="{second}"' in page.text
    form = {"kind": "freeze", "ground": "bankruptcy", "frozen_from": "2025-09-01", "freeze_debt": str(first)}
    wrong = await browser.post(f"/officer/arrears/{case.id}/actions", form | {"frozen_from": "2026-01-01"})
    assert wrong.status_code == 422  # a first day after today, shown beside its field with the debt still ticked
    assert 'id="details.frozen_from-error"' in wrong.text or "frozen_from" in wrong.text
    assert f'value="{first}" checked' in wrong.text
    assert f'value="{second}" checked' not in wrong.text
    done = await browser.post(f"/officer/arrears/{case.id}/actions", form)
    assert done.status_code == 303, text_of(done)
    after = text_of(await browser.get(done.headers["location"]))
    assert "Khoanh nợ một phần" in after
    assert "(hạn nộp 22/09/2025)" in after
    action = (await WorklistService(session).get(Principal.system("t"), case.id, ON)).actions[-1]
    assert action.details["charge_ids"] == [first]
    assert (action.details["ground"], action.details["frozen_from"]) == ("bankruptcy", "2025-09-01")


def test_the_freeze_form_names_every_debt_ticked() -> None:
    one = ActionForm(kind="freeze", relief="no_interest", budget_unpaid="12.000.000", freeze_debt="7")
    two = ActionForm(kind="freeze", freeze_debt=["7", "9"])
    assert action_body(one)["details"] == {"relief": "no_interest", "budget_unpaid": 12 * M, "charge_ids": [7]}
    assert action_body(two)["details"] == {"charge_ids": [7, 9]}
    assert "details" not in action_body(ActionForm(kind="freeze", unfreeze="1"))  # lifting names nothing


@pytest.mark.parametrize(
    ("field", "value"),
    [("freeze_debt", "abc"), ("freeze_debt", "999999999"), ("budget_unpaid", "lots"), ("frozen_from", "31/12")],
)
async def test_a_freeze_form_with_nonsense_is_refused_beside_its_field(
    browser: PageClient, login: Login, case: ArrearsCase, field: str, value: str
) -> None:
    await _officer(browser, login, f"o-nonsense-{field}-{len(value)}")
    form = {"kind": "freeze", "relief": "no_interest" if field == "budget_unpaid" else "freeze", field: value}
    refused = await browser.post(f"/officer/arrears/{case.id}/actions", form)
    assert refused.status_code == 422, text_of(refused)
    assert "field-error" in refused.text
