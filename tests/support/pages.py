"""A browser-like HTTP client for the portal's pages: cookies over HTTPS, the CSRF token of the last page."""

import re
from typing import Any, Self

import httpx
from litestar import Litestar

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


class PageClient:
    """Opens pages and posts forms as a browser does (no redirects followed unless asked)."""

    def __init__(self, app: Litestar, *, lang: str | None = None) -> None:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
        self.http = httpx.AsyncClient(transport=transport, base_url="https://testserver")
        if lang:
            # The cookie jar files a dotless host's cookies under ``<host>.local`` (RFC 2965's effective host name).
            self.http.cookies.set("lang", lang, domain="testserver.local")
        self.csrf = ""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.http.aclose()

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:  # noqa: ANN401 - passed on to httpx
        """Open a page (remembering its CSRF token)."""
        response = await self.http.get(path, headers={"accept": "text/html"}, **kwargs)
        if match := _CSRF.search(response.text):
            self.csrf = match.group(1)
        return response

    async def post(self, path: str, data: dict[str, str], *, files: Any = None) -> httpx.Response:  # noqa: ANN401
        """Post a form from the last page opened (with its CSRF token)."""
        if not self.csrf:
            await self.get("/login")
        return await self.http.post(
            path, data={"_csrf_token": self.csrf, **data}, files=files, headers={"accept": "text/html"}
        )

    async def log_in(self, username: str, password: str, next_page: str = "") -> httpx.Response:
        """Log in through the login page."""
        await self.get("/login")
        return await self.post("/login", {"username": username, "password": password, "next": next_page})


def text_of(response: httpx.Response) -> str:
    """A page's text without tags and with runs of blanks made one space (for asserting what a reader sees)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.text, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
