"""Password hashing with argon2id."""

from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_PROFILES = {
    "standard": profiles.RFC_9106_LOW_MEMORY,
    # Only for test suites: hashes stay verifiable whatever profile made them.
    "fast": profiles.CHEAPEST,
}


@lru_cache(maxsize=4)
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES.get(profile, profiles.RFC_9106_LOW_MEMORY))


def hash_password(password: str, profile: str = "standard") -> str:
    """An argon2id hash of ``password``."""
    return _hasher(profile).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises on a wrong password or a damaged hash."""
    try:
        return _hasher("standard").verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so both paths take the same time.
DUMMY_HASH = hash_password("not-a-real-password-0000")
