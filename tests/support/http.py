"""HTTP clients to the app in this process."""

import httpx
from litestar import Litestar


def client_at(app: Litestar, address: str) -> httpx.AsyncClient:
    """An HTTP client to ``app`` whose requests come from client ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))  # type: ignore[arg-type] # Litestar types ASGI narrower than httpx
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
