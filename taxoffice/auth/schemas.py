"""Request and response types of the auth API."""

from typing import Annotated

from msgspec import Meta, Struct

from taxoffice.auth.roles import Role

Username = Annotated[str, Meta(min_length=1, max_length=64)]
Password = Annotated[str, Meta(min_length=1, max_length=200)]
Email = Annotated[str, Meta(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")]
# As the registry writes them (registry.taxcode.normalize): 10 digits, a branch's 10-3, or a 12-digit personal ID.
TaxCode = Annotated[
    str,
    Meta(
        pattern=r"^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$",
        description="The tax code the user acts for: 10 digits, 10 digits-3 digits (a branch) or 12 digits.",
    ),
]
TaxOffice = Annotated[str, Meta(min_length=2, max_length=16, pattern=r"^[0-9A-Za-z._-]+$")]
FullName = Annotated[str, Meta(min_length=1, max_length=200)]


class Credentials(Struct, forbid_unknown_fields=True, kw_only=True):
    """A login."""

    username: Username
    password: Password


class TokenResponse(Struct, kw_only=True):
    """A bearer token."""

    access_token: str
    token_type: str
    expires_in: int
    must_change_password: bool = False


class PasswordChange(Struct, forbid_unknown_fields=True, kw_only=True):
    """Change one's own password."""

    current_password: Password
    new_password: Password


class UserCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    """A new user (admins)."""

    username: Username
    password: Password
    role: Role
    tax_code: TaxCode | None = None
    tax_office: TaxOffice | None = None
    full_name: FullName | None = None
    # Where password-reset links go (staff; a taxpayer user's go to its registry e-mail).
    email: Email | None = None


class RoleChange(Struct, forbid_unknown_fields=True, kw_only=True):
    """Another role for a user (admins); a taxpayer needs its tax code."""

    role: Role
    tax_code: TaxCode | None = None
    tax_office: TaxOffice | None = None


class UserRead(Struct, kw_only=True):
    """A user, without secrets."""

    id: int
    username: str
    role: str
    tax_code: str | None
    tax_office: str | None
    full_name: str | None
    is_active: bool
    email: str | None = None


class Me(Struct, kw_only=True):
    """Who the token belongs to."""

    username: str
    role: str | None
    tax_code: str | None
    tax_office: str | None


class PasswordResetRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    """Ask for a password-reset link by e-mail."""

    username: Username


class PasswordResetConfirm(Struct, forbid_unknown_fields=True, kw_only=True):
    """Set a new password with the token of a reset link."""

    token: Annotated[str, Meta(min_length=1, max_length=200)]
    new_password: Password


class PasswordResetAccepted(Struct, kw_only=True):
    """The one answer to a reset request, whether or not the account exists."""

    detail: str
