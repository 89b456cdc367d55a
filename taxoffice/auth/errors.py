"""Errors of users, logins and passwords; mapped through their base classes (taxoffice/errors.py)."""

from taxoffice.errors import (
    AuthenticationError,
    ConflictError,
    FieldError,
    ResourceNotFoundError,
    ValidationFailedError,
)


class WeakPasswordError(ValidationFailedError):
    """A password that breaks the password rules; ``errors`` says which."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__("The password is too weak.", errors=problems)


class WrongCredentialsError(AuthenticationError):
    """An unknown user, a disabled one or a wrong password: one answer for all three."""


class UsernameTakenError(ConflictError):
    """Another user has the username."""

    def __init__(self, username: str) -> None:
        super().__init__(f"The username {username!r} is taken.")


class UserNotFoundError(ResourceNotFoundError):
    """No user has the username."""

    def __init__(self, username: str) -> None:
        super().__init__(f"No user {username!r}.")


class AdminNeededError(ConflictError):
    """The change would leave the office without an active admin, or an admin demoting itself."""
