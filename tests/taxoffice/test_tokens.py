"""Verified tokens are remembered until they expire; a remembered token still expires, and a forged one never
passes."""

import datetime

import pytest
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from taxoffice.auth.tokens import RememberedToken

SECRET = "s" * 64
OTHER_SECRET = "o" * 64


def _encoded(exp: datetime.datetime, secret: str = SECRET) -> str:
    return Token(exp=exp, sub="7", extras={"username": "u", "role": "taxpayer"}).encode(secret, "HS256")


def test_a_remembered_token_is_the_same_decoding() -> None:
    encoded = _encoded(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1))
    first = RememberedToken.decode(encoded, SECRET, "HS256")
    second = RememberedToken.decode(encoded, SECRET, "HS256")
    assert second is first
    assert first.sub == "7"
    assert first.extras["role"] == "taxpayer"


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    exp = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
    encoded = _encoded(exp)
    RememberedToken.decode(encoded, SECRET, "HS256")
    later = exp.timestamp() + 60
    monkeypatch.setattr("taxoffice.auth.tokens.utc_now", lambda: datetime.datetime.fromtimestamp(later, datetime.UTC))
    monkeypatch.setattr("jwt.api_jwt.datetime", _FrozenDatetime(later))
    with pytest.raises(NotAuthorizedException):
        RememberedToken.decode(encoded, SECRET, "HS256")


def test_another_secret_is_not_served_from_memory() -> None:
    encoded = _encoded(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1))
    RememberedToken.decode(encoded, SECRET, "HS256")
    with pytest.raises(NotAuthorizedException):
        RememberedToken.decode(encoded, OTHER_SECRET, "HS256")


class _FrozenDatetime:
    """Stands in for ``datetime.datetime`` in PyJWT so that its expiry check sees a later instant."""

    def __init__(self, timestamp: float) -> None:
        self._now = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)

    def now(self, tz: datetime.tzinfo | None = None) -> datetime.datetime:
        return self._now.astimezone(tz) if tz else self._now

    def __getattr__(self, name: str) -> object:
        return getattr(datetime.datetime, name)
