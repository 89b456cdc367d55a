"""Password hashing with argon2id, in worker threads so that the event loop keeps serving."""

import asyncio
import os
import weakref
from functools import lru_cache, partial

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_PROFILES = {
    "standard": profiles.RFC_9106_LOW_MEMORY,
    # Only for test suites: hashes stay verifiable whatever profile made them.
    "fast": profiles.CHEAPEST,
}
# Hashes computed at once by one process: each takes a core and 64 MiB, so about the cores there are. Logins beyond
# that wait their turn off the event loop instead of slowing every other request down.
HASHING_THREADS = max(2, os.cpu_count() or 1)
_limiters: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]" = weakref.WeakKeyDictionary()


@lru_cache(maxsize=4)
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES.get(profile, profiles.RFC_9106_LOW_MEMORY))


def hash_password(password: str, profile: str = "standard") -> str:
    """An argon2id hash of ``password`` (blocks: from async code use ``hash_in_thread``)."""
    return _hasher(profile).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises on a wrong password or a damaged hash (blocks, as above)."""
    try:
        return _hasher("standard").verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _limiter() -> CapacityLimiter:
    """The hashing threads' limiter of the running event loop (a limiter belongs to one loop)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(HASHING_THREADS)
    return limiter


async def hash_in_thread(password: str, profile: str = "standard") -> str:
    """``hash_password`` in a worker thread."""
    return await anyio.to_thread.run_sync(partial(hash_password, password, profile), limiter=_limiter())


async def verify_in_thread(password_hash: str, password: str) -> bool:
    """``verify_password`` in a worker thread."""
    return await anyio.to_thread.run_sync(partial(verify_password, password_hash, password), limiter=_limiter())


# A hash to verify against when the user does not exist, so both paths take the same time.
DUMMY_HASH = hash_password("not-a-real-password-0000")
