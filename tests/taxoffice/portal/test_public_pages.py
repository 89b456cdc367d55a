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
