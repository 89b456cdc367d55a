"""The application form names the tax office; officers' queues show their own office's applications."""

from litestar import Litestar

from taxoffice.auth.roles import Role
from tests.registry.test_registration_api import APPLICATION
from tests.support.clock import Clock
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login

FORM = {
    "kind": "enterprise",
    "name": "Công ty Văn Phòng",
    "id_number": "0301777001",
    "street": "1 Nguyễn Huệ",
    "province": "TP Hồ Chí Minh",
}


async def test_the_form_offers_the_known_offices_and_refuses_another(browser: PageClient, login: Login) -> None:
    await login(Role.OFFICER, tax_office="HCM")
    form = await browser.get("/registrations/new")
    assert '<option value="HCM"' in form.text
    assert '<option value="HNI" selected' in form.text  # the default office first chosen
    refused = await browser.post("/registrations/new", FORM | {"tax_office": "DNG"})
    assert refused.status_code == 422
    assert 'aria-invalid="true" aria-describedby="tax_office-error"' in refused.text
    assert "Choose one of: HCM, HNI." in text_of(refused)
    sent = await browser.post("/registrations/new", FORM | {"tax_office": "HCM"})
    assert sent.status_code == 200
    assert "Cơ quan thuế giải quyết HCM" in text_of(sent)


async def test_an_officer_sees_the_applications_of_their_office(
    app: Litestar, browser: PageClient, login: Login, clock: Clock
) -> None:
    clock.set(2026, 3, 10)
    await login(Role.OFFICER, username="o-hcm", tax_office="HCM")
    hanoi = (await browser.http.post("/api/v1/registrations", json=APPLICATION)).json()["number"]
    body = APPLICATION | {"id_number": "0301777002", "name": "Công ty Sài Gòn", "tax_office": "HCM"}
    saigon = (await browser.http.post("/api/v1/registrations", json=body)).json()["number"]
    await browser.log_in("o-hcm", PASSWORD)
    queue = text_of(await browser.get("/officer/applications?tax_office=HNI"))
    assert f"{saigon} Công ty Sài Gòn enterprise HCM" in queue
    assert hanoi not in queue
    async with PageClient(app, lang="en") as manager:
        await login(Role.MANAGER, username="m-all", tax_office=None)
        await manager.log_in("m-all", PASSWORD)
        every = text_of(await manager.get("/officer/applications"))
        assert hanoi in every
        assert saigon in every
        only = text_of(await manager.get("/officer/applications?tax_office=HNI"))
        assert (hanoi in only, saigon in only) == (True, False)
        assert "Tax office" in only
