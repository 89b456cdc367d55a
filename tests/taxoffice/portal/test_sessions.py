"""Logging in and out of the portal; the session cookie; CSRF; the language switch; what the API makes of it."""

from litestar import Litestar
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from taxoffice.auth.models import User
from taxoffice.auth.roles import Role
from tests.support.pages import PageClient, text_of
from tests.support.users import PASSWORD, Login


async def test_the_front_page_offers_the_login_and_the_public_pages_in_vietnamese(browser: PageClient) -> None:
    response = await browser.get("/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    page = text_of(response)
    assert "Đăng nhập" in page
    assert "Tra cứu hồ sơ đăng ký thuế theo số hồ sơ" in page


async def test_the_language_switch_keeps_english_until_switched_back(browser: PageClient) -> None:
    switched = await browser.get("/lang/en?next=/login")
    assert switched.status_code == 303
    assert switched.headers["location"] == "/login"
    assert "Log in" in text_of(await browser.get("/login"))
    await browser.get("/lang/vi?next=/login")
    assert "Đăng nhập" in text_of(await browser.get("/login"))


async def test_a_wrong_password_shows_the_form_again_with_the_reason(browser: PageClient, login: Login) -> None:
    await login(Role.OFFICER, username="officer-a")
    response = await browser.log_in("officer-a", "not-the-password")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in text_of(response)
    assert "taxoffice_session" not in browser.http.cookies


async def test_logging_in_opens_a_session_in_a_secure_http_only_same_site_cookie(
    browser: PageClient, login: Login
) -> None:
    await login(Role.OFFICER, username="officer-b")
    response = await browser.log_in("officer-b", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/officer/arrears"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "taxoffice_session" in v)
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    start = await browser.get("/start")
    assert start.headers["location"] == "/officer/arrears"


async def test_after_login_the_visitor_returns_to_the_page_it_asked_for_but_never_to_another_site(
    browser: PageClient, login: Login
) -> None:
    await login(Role.TAXPAYER, username="tp-next", tax_code="0100109106")
    asked = await browser.get("/password/change")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?next=%2Fpassword%2Fchange"
    back = await browser.log_in("tp-next", PASSWORD, next_page="/password/change")
    assert back.headers["location"] == "/password/change"
    await browser.post("/logout", {})
    elsewhere = await browser.log_in("tp-next", PASSWORD, next_page="//evil.example/")
    assert elsewhere.headers["location"] == "/taxpayer"


async def test_a_form_without_the_csrf_token_is_refused(browser: PageClient, login: Login) -> None:
    await login(Role.OFFICER, username="officer-c")
    await browser.get("/login")
    response = await browser.http.post(
        "/login", data={"username": "officer-c", "password": PASSWORD}, headers={"accept": "text/html"}
    )
    assert response.status_code == 403
    assert "taxoffice_session" not in browser.http.cookies


async def test_a_one_time_password_must_be_changed_before_any_other_page(
    browser: PageClient, login: Login, session: AsyncSession
) -> None:
    await login(Role.OFFICER, username="officer-d")
    await session.execute(update(User).where(User.username == "officer-d").values(must_change_password=True))
    await session.commit()
    first = await browser.log_in("officer-d", PASSWORD)
    assert first.headers["location"] == "/password/change"
    assert (await browser.get("/start")).headers["location"] == "/password/change"
    await browser.get("/password/change")
    differ = await browser.post(
        "/password/change",
        {"current_password": PASSWORD, "new_password": "a-long-fresh-passphrase-7", "repeat_password": "other"},
    )
    assert differ.status_code == 422
    assert "Hai mật khẩu mới không giống nhau" in text_of(differ)
    weak = await browser.post(
        "/password/change", {"current_password": PASSWORD, "new_password": "123", "repeat_password": "123"}
    )
    assert weak.status_code == 422
    changed = await browser.post(
        "/password/change",
        {
            "current_password": PASSWORD,
            "new_password": "a-long-fresh-passphrase-7",
            "repeat_password": "a-long-fresh-passphrase-7",
        },
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/officer/arrears?changed=password"
    assert (await browser.get("/start")).headers["location"] == "/officer/arrears"


async def test_disabling_the_user_ends_its_session_at_once(
    browser: PageClient, login: Login, session: AsyncSession
) -> None:
    await login(Role.OFFICER, username="officer-e")
    await browser.log_in("officer-e", PASSWORD)
    assert (await browser.get("/start")).headers["location"] == "/officer/arrears"
    await session.execute(update(User).where(User.username == "officer-e").values(is_active=False))
    await session.commit()
    ended = await browser.get("/start")
    assert ended.status_code == 303
    assert ended.headers["location"].startswith("/login")


async def test_logging_out_ends_the_session(browser: PageClient, login: Login) -> None:
    await login(Role.MANAGER, username="manager-a")
    await browser.log_in("manager-a", PASSWORD)
    out = await browser.post("/logout", {})
    assert out.headers["location"] == "/"
    assert (await browser.get("/start")).headers["location"].startswith("/login")


async def test_the_api_does_not_take_the_page_session_for_a_token(browser: PageClient, login: Login) -> None:
    await login(Role.OFFICER, username="officer-f")
    await browser.log_in("officer-f", PASSWORD)
    response = await browser.http.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_missing_page_is_a_page_for_a_browser_and_a_problem_for_a_program(browser: PageClient) -> None:
    page = await browser.get("/no/such/page")
    assert page.status_code == 404
    assert "Không tìm thấy trang" in text_of(page)
    program = await browser.http.get("/no/such/page")
    assert program.headers["content-type"].startswith("application/problem+json")


async def test_the_api_documentation_loads_nothing_from_outside(browser: PageClient) -> None:
    page = await browser.http.get("/schema/swagger")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    assert "https://" not in page.text.replace("https://testserver", "")
    for asset in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "htmx.min.js"):
        assert (await browser.http.get(f"/static/vendor/{asset}")).status_code == 200


async def test_a_bank_lands_on_the_page_that_explains_the_api_and_other_roles_may_not_open_it(
    browser: PageClient, login: Login
) -> None:
    await login(Role.BANK, username="bank-a")
    landed = await browser.log_in("bank-a", PASSWORD)
    assert landed.headers["location"] == "/bank"
    page = await browser.get("/bank")
    assert page.status_code == 200
    assert "POST https://testserver/api/v1/payments" in text_of(page)
    await browser.post("/logout", {})
    await login(Role.TAXPAYER, username="tp-bank", tax_code="0100109106")
    await browser.log_in("tp-bank", PASSWORD)
    refused = await browser.get("/bank")
    assert refused.status_code == 403
    assert "Bạn không có quyền xem trang này" in text_of(refused)


async def test_a_wrong_password_is_told_in_english_on_the_english_page(app: Litestar, login: Login) -> None:
    await login(Role.OFFICER, username="officer-en")
    async with PageClient(app, lang="en") as english:
        response = await english.log_in("officer-en", "not-the-password")
    assert response.status_code == 401
    assert "Wrong username or password." in text_of(response)
