"""Pages anyone may open: following a registration application by its number."""

from tests.registry.test_registration_api import APPLICATION
from tests.support.pages import PageClient, text_of


async def test_an_unknown_application_number_is_said_to_be_unknown(browser: PageClient) -> None:
    response = await browser.get("/registrations/track?number=NOPE123")
    assert response.status_code == 404
    assert "Không có hồ sơ nào mang số NOPE123" in text_of(response)


async def test_the_empty_form_asks_for_the_number(browser: PageClient) -> None:
    response = await browser.get("/registrations/track")
    assert response.status_code == 200
    assert "Số hồ sơ (in trên giấy biên nhận)" in text_of(response)


async def test_a_submitted_application_shows_its_status_and_due_date(browser: PageClient) -> None:
    receipt = await browser.http.post("/api/v1/registrations", json=APPLICATION)
    number = receipt.json()["number"]
    response = await browser.get(f"/registrations/track?number={number.lower()}")
    assert response.status_code == 200
    page = text_of(response)
    assert number in page
    assert "Đang xử lý" in page
    assert "Hạn giải quyết" in page


async def test_anyone_applies_for_a_tax_code_from_the_form_and_gets_the_number_to_follow(
    browser: PageClient,
) -> None:
    form = await browser.get("/registrations/new")
    assert form.status_code == 200
    submitted = await browser.post(
        "/registrations/new",
        {
            "kind": "household",
            "name": "Hộ kinh doanh Phở Thìn",
            "id_number": "001085012345",
            "street": "13 Lò Đúc",
            "ward": "Phạm Đình Hổ",
            "district": "Hai Bà Trưng",
            "province": "Hà Nội",
            "email": "pho@example.vn",
            "phone": "",
            "parent_tax_code": "",
            "vat_frequency": "quarterly",
        },
    )
    assert submitted.status_code == 200
    page = text_of(submitted)
    assert "Cơ quan thuế đã nhận hồ sơ đăng ký thuế của bạn." in page
    number = page.split("Số hồ sơ ")[1].split(" ")[0]
    status = await browser.http.get(f"/api/v1/registrations/{number}")
    assert status.json()["name"] == "Hộ kinh doanh Phở Thìn"
    assert status.json()["kind"] == "household"


async def test_a_bad_field_is_shown_beside_it_and_nothing_is_stored(browser: PageClient) -> None:
    await browser.get("/registrations/new")
    response = await browser.post(
        "/registrations/new",
        {"kind": "enterprise", "name": "Công ty Sai Số", "id_number": "12", "street": "1 Phố Huế"},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_number-error"' in response.text
    assert "Hãy sửa các trường được đánh dấu bên dưới." in text_of(response)
    assert 'value="Công ty Sai Số"' in response.text


async def test_a_nul_character_in_a_form_is_refused_not_a_server_error(browser: PageClient) -> None:
    await browser.get("/registrations/new")
    response = await browser.post(
        "/registrations/new",
        {"kind": "enterprise", "name": "Công ty\x00", "id_number": "0109876543", "street": "1 Phố Huế"},
    )
    assert response.status_code == 422
    assert "NUL" in text_of(response)
