"""Fixtures for the portal's pages: a browser-like client on the real app."""

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar

from tests.support.pages import PageClient


@pytest.fixture
async def browser(app: Litestar) -> AsyncIterator[PageClient]:
    """A visitor's browser (Vietnamese, the default)."""
    async with PageClient(app) as client:
        yield client
