"""Errors of password recovery; mapped through their base classes (taxoffice/errors.py)."""

from taxoffice.errors import DomainError


class InvalidResetTokenError(DomainError):
    """The token is unknown, used already, or expired (one answer for all three)."""

    status = 400
    code = "invalid-reset-token"
    title = "Invalid or expired reset link"
